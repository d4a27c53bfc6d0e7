"""The reminder index leads with reminder_sent_at, so free-time queries use the professional's index

Revision ID: 0008_appointment_reminder_index
Revises: 0007_activities
Create Date: 2026-11-22 18:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_appointment_reminder_index"
down_revision = "0007_activities"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_reminder")
        batch_op.create_index("ix_appointment_reminder", ["reminder_sent_at", "status", "starts_at"], unique=False)


def downgrade():
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index("ix_appointment_reminder")
        batch_op.create_index("ix_appointment_reminder", ["status", "reminder_sent_at", "starts_at"], unique=False)
