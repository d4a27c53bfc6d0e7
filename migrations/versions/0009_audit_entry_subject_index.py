"""Audit log entries indexed by subject, for data requests about appointments and registrations

Revision ID: 0009_audit_entry_subject_index
Revises: 0008_appointment_reminder_index
Create Date: 2026-11-22 19:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_audit_entry_subject_index"
down_revision = "0008_appointment_reminder_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entry_subject", ["subject"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_subject")
