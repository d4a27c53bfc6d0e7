"""Appointments remember the family's own language and whether they want text messages

Revision ID: 0017_appointment_family_contact
Revises: 0016_response_review
Create Date: 2026-12-06 03:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017_appointment_family_contact"
down_revision = "0016_response_review"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appointment") as batch_op:
        batch_op.add_column(sa.Column("family_language", sa.String(length=2), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("sms_wanted", sa.Boolean(), nullable=False, server_default=sa.false()))
    # Until now families were written to in the language of the appointment.
    op.execute("UPDATE appointment SET family_language = language")


def downgrade():
    with op.batch_alter_table("appointment") as batch_op:
        batch_op.drop_column("sms_wanted")
        batch_op.drop_column("family_language")
