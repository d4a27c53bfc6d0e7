"""Earlier-time waiting list: families' wishes for an earlier appointment, and the times held for them

Revision ID: 0018_earlier_times
Revises: 0017_appointment_family_contact
Create Date: 2026-12-06 04:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018_earlier_times"
down_revision = "0017_appointment_family_contact"
branch_labels = None
depends_on = None

REQUEST_STATUSES = ("waiting", "offered", "moved", "withdrawn", "ended")
HELD_STATUSES = ("open", "accepted", "declined", "expired", "withdrawn")


def upgrade():
    op.create_table(
        "earlier_time_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("weekdays", sa.String(length=13), nullable=False),
        sa.Column("part_of_day", sa.String(length=10), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*REQUEST_STATUSES, name="earliertimestatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("first_day <= last_day", name=op.f("ck_earlier_time_request_first_before_last")),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_earlier_time_request_appointment_id_appointment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_earlier_time_request_service_id_service")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_earlier_time_request")),
    )
    op.create_index(
        op.f("ix_earlier_time_request_appointment_id"), "earlier_time_request", ["appointment_id"], unique=False
    )
    op.create_index("ix_earlier_time_request_line", "earlier_time_request", ["status", "created_at"], unique=False)
    op.create_index(
        "uq_earlier_time_request_open",
        "earlier_time_request",
        ["appointment_id"],
        unique=True,
        sqlite_where=sa.text("status IN ('waiting', 'offered')"),
        postgresql_where=sa.text("status IN ('waiting', 'offered')"),
    )
    op.create_table(
        "held_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("buffer_before_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_after_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.Enum(*HELD_STATUSES, name="heldstatus", native_enum=False, length=20), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_held_time_start_before_end")),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_held_time_centre_id_centre")),
        sa.ForeignKeyConstraint(
            ["professional_id"], ["staff_user.id"], name=op.f("fk_held_time_professional_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["earlier_time_request.id"],
            name=op.f("fk_held_time_request_id_earlier_time_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_held_time")),
        sa.UniqueConstraint("reference", name=op.f("uq_held_time_reference")),
    )
    op.create_index(op.f("ix_held_time_request_id"), "held_time", ["request_id"], unique=False)
    op.create_index("ix_held_time_status_expires", "held_time", ["status", "expires_at"], unique=False)
    op.create_index(
        "uq_held_time_professional_start_open",
        "held_time",
        ["professional_id", "starts_at"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade():
    op.drop_index("uq_held_time_professional_start_open", table_name="held_time")
    op.drop_index("ix_held_time_status_expires", table_name="held_time")
    op.drop_index(op.f("ix_held_time_request_id"), table_name="held_time")
    op.drop_table("held_time")
    op.drop_index("uq_earlier_time_request_open", table_name="earlier_time_request")
    op.drop_index("ix_earlier_time_request_line", table_name="earlier_time_request")
    op.drop_index(op.f("ix_earlier_time_request_appointment_id"), table_name="earlier_time_request")
    op.drop_table("earlier_time_request")
