"""Review sign-off of questionnaire results: who marked a result as reviewed, and when

Revision ID: 0016_response_review
Revises: 0015_staff_notifications
Create Date: 2026-12-06 00:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_response_review"
down_revision = "0015_staff_notifications"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questionnaire_response") as batch_op:
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            batch_op.f("fk_questionnaire_response_reviewed_by_id_staff_user"),
            "staff_user",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("questionnaire_response") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_questionnaire_response_reviewed_by_id_staff_user"), type_="foreignkey")
        batch_op.drop_column("reviewed_by_name")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("reviewed_at")
