"""Booking: service rules, professionals, working hours, absences, appointments

Revision ID: 0002_booking
Revises: 0001_foundation
Create Date: 2026-11-22 16:29:29.640335

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_booking"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    # Existing services get the same defaults as new ones (server defaults).

    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_absence_start_before_end")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff_user.id"], name=op.f("fk_absence_created_by_id_staff_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_absence_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_absence")),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absence_user_id"), ["user_id"], unique=False)

    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("buffer_before_minutes", sa.Integer(), nullable=False),
        sa.Column("buffer_after_minutes", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "booked",
                "cancelled_by_family",
                "cancelled_by_staff",
                "attended",
                "no_show",
                name="appointmentstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("guardian_name", sa.String(length=200), nullable=False),
        sa.Column("guardian_email", sa.String(length=254), nullable=False),
        sa.Column("guardian_phone", sa.String(length=40), nullable=False),
        sa.Column("child_first_name", sa.String(length=100), nullable=False),
        sa.Column("child_age_years", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("reminder_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_appointment_start_before_end")),
        sa.ForeignKeyConstraint(
            ["booked_by_id"],
            ["staff_user.id"],
            name=op.f("fk_appointment_booked_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["centre_id"], ["centre.id"], name=op.f("fk_appointment_centre_id_centre")),
        sa.ForeignKeyConstraint(
            ["professional_id"], ["staff_user.id"], name=op.f("fk_appointment_professional_id_staff_user")
        ),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"], name=op.f("fk_appointment_service_id_service")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointment")),
        sa.UniqueConstraint("reference", name=op.f("uq_appointment_reference")),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_appointment_professional_time", ["professional_id", "starts_at", "ends_at"], unique=False
        )
        batch_op.create_index("ix_appointment_reminder", ["status", "reminder_sent_at", "starts_at"], unique=False)
        batch_op.create_index(
            "uq_appointment_professional_start_active",
            ["professional_id", "starts_at"],
            unique=True,
            sqlite_where=sa.text("status IN ('booked', 'attended', 'no_show')"),
            postgresql_where=sa.text("status IN ('booked', 'attended', 'no_show')"),
        )

    op.create_table(
        "professional_profile",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title_sv", sa.String(length=120), nullable=False),
        sa.Column("title_fi", sa.String(length=120), nullable=False),
        sa.Column("title_en", sa.String(length=120), nullable=False),
        sa.Column("languages", sa.String(length=20), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("calendar_reference", sa.String(length=32), nullable=False),
        sa.Column("calendar_shows_names", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_professional_profile_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_professional_profile")),
    )
    op.create_table(
        "service_professional",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_service_professional_service_id_service"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_service_professional_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("service_id", "user_id", name=op.f("pk_service_professional")),
    )
    op.create_table(
        "staff_centre",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_staff_centre_centre_id_centre"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_staff_centre_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "centre_id", name=op.f("pk_staff_centre")),
    )
    op.create_table(
        "working_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.CheckConstraint("start_time < end_time", name=op.f("ck_working_hours_start_before_end")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_working_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_working_hours_centre_id_centre"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_working_hours_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_hours")),
    )
    with op.batch_alter_table("working_hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_working_hours_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.add_column(sa.Column("in_person", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("by_phone", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("by_video", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("duration_minutes", sa.Integer(), nullable=False, server_default=sa.text("45")))
        batch_op.add_column(
            sa.Column("buffer_before_minutes", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(
            sa.Column("buffer_after_minutes", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("min_notice_hours", sa.Integer(), nullable=False, server_default=sa.text("12")))
        batch_op.add_column(sa.Column("max_days_ahead", sa.Integer(), nullable=False, server_default=sa.text("60")))
        batch_op.add_column(
            sa.Column("slot_interval_minutes", sa.Integer(), nullable=False, server_default=sa.text("15"))
        )
        batch_op.add_column(
            sa.Column("cancellation_deadline_hours", sa.Integer(), nullable=False, server_default=sa.text("24"))
        )
        batch_op.add_column(sa.Column("reserved", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_column("reserved")
        batch_op.drop_column("cancellation_deadline_hours")
        batch_op.drop_column("slot_interval_minutes")
        batch_op.drop_column("max_days_ahead")
        batch_op.drop_column("min_notice_hours")
        batch_op.drop_column("buffer_after_minutes")
        batch_op.drop_column("buffer_before_minutes")
        batch_op.drop_column("duration_minutes")
        batch_op.drop_column("by_video")
        batch_op.drop_column("by_phone")
        batch_op.drop_column("in_person")

    with op.batch_alter_table("working_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_working_hours_user_id"))

    op.drop_table("working_hours")
    op.drop_table("staff_centre")
    op.drop_table("service_professional")
    op.drop_table("professional_profile")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_appointment_professional_start_active",
            sqlite_where=sa.text("status IN ('booked', 'attended', 'no_show')"),
            postgresql_where=sa.text("status IN ('booked', 'attended', 'no_show')"),
        )
        batch_op.drop_index("ix_appointment_reminder")
        batch_op.drop_index("ix_appointment_professional_time")

    op.drop_table("appointment")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_user_id"))

    op.drop_table("absence")
