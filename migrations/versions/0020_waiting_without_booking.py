"""Families with no booking may wait for a time: a wish then holds its own contact details and search

Revision ID: 0020_waiting_without_booking
Revises: 0019_registration_sms
Create Date: 2026-12-06 04:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_waiting_without_booking"
down_revision = "0019_registration_sms"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("earlier_time_request") as batch_op:
        batch_op.alter_column("appointment_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("guardian_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("guardian_email", sa.String(length=254), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("guardian_phone", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("sms_wanted", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("family_language", sa.String(length=2), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("language", sa.String(length=2), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("mode", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("centre_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reference", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_earlier_time_request_centre_id_centre"), "centre", ["centre_id"], ["id"]
        )
        batch_op.create_unique_constraint(batch_op.f("uq_earlier_time_request_reference"), ["reference"])


def downgrade():
    op.execute("DELETE FROM earlier_time_request WHERE appointment_id IS NULL")
    with op.batch_alter_table("earlier_time_request") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_earlier_time_request_reference"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_earlier_time_request_centre_id_centre"), type_="foreignkey")
        for column in (
            "reference",
            "centre_id",
            "mode",
            "language",
            "family_language",
            "sms_wanted",
            "guardian_phone",
            "guardian_email",
            "guardian_name",
        ):
            batch_op.drop_column(column)
        batch_op.alter_column("appointment_id", existing_type=sa.Integer(), nullable=False)
