"""Generation counters for the per-process caches of free times and activities

Revision ID: 0011_cache_generation
Revises: 0010_registration_child
Create Date: 2026-12-05 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_cache_generation"
down_revision = "0010_registration_child"
branch_labels = None
depends_on = None


def upgrade():
    # No rows: a missing counter counts as 0, so an empty installation stays empty (flask restore).
    op.create_table(
        "cache_generation",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_cache_generation")),
    )


def downgrade():
    op.drop_table("cache_generation")
