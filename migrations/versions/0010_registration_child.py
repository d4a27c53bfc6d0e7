"""Group activity registrations can be linked to a child's case, for the child's summary

Revision ID: 0010_registration_child
Revises: 0009_audit_entry_subject_index
Create Date: 2026-11-22 20:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_registration_child"
down_revision = "0009_audit_entry_subject_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("activity_registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_activity_registration_child_id"), ["child_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_activity_registration_child_id_child"), "child", ["child_id"], ["id"], ondelete="SET NULL"
        )


def downgrade():
    with op.batch_alter_table("activity_registration", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_activity_registration_child_id_child"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_activity_registration_child_id"))
        batch_op.drop_column("child_id")
