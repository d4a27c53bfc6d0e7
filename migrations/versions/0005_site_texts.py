"""Editable site texts: the privacy notice and accessibility statement in three languages

Revision ID: 0005_site_texts
Revises: 0003_instruments
Create Date: 2026-11-22 17:04:30.929122

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_site_texts"
down_revision = "0003_instruments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("body_sv", sa.Text(), nullable=False),
        sa.Column("body_fi", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["staff_user.id"],
            name=op.f("fk_site_text_updated_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_text")),
        sa.UniqueConstraint("name", name=op.f("uq_site_text_name")),
    )


def downgrade():
    op.drop_table("site_text")
