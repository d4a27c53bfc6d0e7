"""Stored instrument versions

Revision ID: 0003_instruments
Revises: 0002_booking
Create Date: 2026-11-22 16:31:21.413952

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_instruments"
down_revision = "0002_booking"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "instrument_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition_text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_version")),
        sa.UniqueConstraint("instrument_id", "version", name=op.f("uq_instrument_version_instrument_id_version")),
    )


def downgrade():
    op.drop_table("instrument_version")
