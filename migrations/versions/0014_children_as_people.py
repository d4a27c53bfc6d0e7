"""Children as people: surname, personal identity code and guardians on a child's case

Revision ID: 0014_children_as_people
Revises: 0013_flag_acknowledgements
Create Date: 2026-12-05 16:30:00

Existing cases are carried over as they are: they had a first name and a date of birth, and get
an empty surname (shown as the first name alone until a professional fills it in on the case's
edit page) and no personal identity code or guardians. Nothing can be guessed for them: the
surname the family gave when booking is not linked to the case, and inventing one would put a
wrong name in the record. The downgrade drops the guardians, the codes and the surnames.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_children_as_people"
down_revision = "0013_flag_acknowledgements"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.add_column(sa.Column("surname", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("personal_id", sa.String(length=11), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_child_personal_id"), ["personal_id"])
    op.create_table(
        "guardian",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), server_default="", nullable=False),
        sa.Column("phone", sa.String(length=40), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian")),
    )
    op.create_table(
        "child_guardian",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_child_guardian_child_id_child"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["guardian.id"], name=op.f("fk_child_guardian_guardian_id_guardian"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("child_id", "guardian_id", name=op.f("pk_child_guardian")),
    )
    with op.batch_alter_table("child_guardian", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_child_guardian_guardian_id"), ["guardian_id"], unique=False)


def downgrade():
    with op.batch_alter_table("child_guardian", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_child_guardian_guardian_id"))
    op.drop_table("child_guardian")
    op.drop_table("guardian")
    with op.batch_alter_table("child", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_child_personal_id"), type_="unique")
        batch_op.drop_column("personal_id")
        batch_op.drop_column("surname")
