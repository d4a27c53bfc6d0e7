"""Acknowledgements of urgent flags on questionnaire responses (who acted on them, and when)

Revision ID: 0013_flag_acknowledgements
Revises: 0012_sms_messages
Create Date: 2026-12-05 16:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_flag_acknowledgements"
down_revision = "0012_sms_messages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "flag_acknowledgement",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_by_name", sa.String(length=200), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["staff_user.id"],
            name=op.f("fk_flag_acknowledgement_acknowledged_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["questionnaire_response.id"],
            name=op.f("fk_flag_acknowledgement_response_id_questionnaire_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_flag_acknowledgement")),
    )


def downgrade():
    op.drop_table("flag_acknowledgement")
