"""Group-activity registrations remember whether the family wants text messages

Revision ID: 0019_registration_sms
Revises: 0018_earlier_times
Create Date: 2026-12-06 04:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_registration_sms"
down_revision = "0018_earlier_times"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("activity_registration") as batch_op:
        batch_op.add_column(sa.Column("sms_wanted", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("activity_registration") as batch_op:
        batch_op.drop_column("sms_wanted")
