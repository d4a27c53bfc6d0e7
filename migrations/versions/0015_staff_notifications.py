"""Email notifications to staff: each centre's team address, each staff member's choices, and a record of every notice

Revision ID: 0015_staff_notifications
Revises: 0014_children_as_people
Create Date: 2026-12-06 00:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_staff_notifications"
down_revision = "0014_children_as_people"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("centre") as batch_op:
        batch_op.add_column(sa.Column("team_email", sa.String(length=254), nullable=False, server_default=""))
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.add_column(sa.Column("notify_new_answers", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("email_language", sa.String(length=2), nullable=False, server_default=""))
    op.create_table(
        "staff_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["questionnaire_response.id"],
            name=op.f("fk_staff_notice_response_id_questionnaire_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_notice")),
        sa.UniqueConstraint(
            "response_id", "kind", "recipient", name=op.f("uq_staff_notice_response_id_kind_recipient")
        ),
    )
    op.create_index(op.f("ix_staff_notice_sent_at"), "staff_notice", ["sent_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_staff_notice_sent_at"), table_name="staff_notice")
    op.drop_table("staff_notice")
    with op.batch_alter_table("staff_user") as batch_op:
        batch_op.drop_column("email_language")
        batch_op.drop_column("notify_new_answers")
    with op.batch_alter_table("centre") as batch_op:
        batch_op.drop_column("team_email")
