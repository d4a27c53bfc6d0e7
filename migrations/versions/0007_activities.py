"""Group activities: activities, dates, registrations, leaders, messages

Revision ID: 0007_activities
Revises: 0006_questionnaires_in_use
Create Date: 2026-11-22 17:00:31.185390

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_activities"
down_revision = "0006_questionnaires_in_use"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_sv", sa.String(length=200), nullable=False),
        sa.Column("title_fi", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("description_sv", sa.Text(), nullable=False),
        sa.Column("description_fi", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "family_cafe",
                "parent_group",
                "baby_group",
                "park",
                "club",
                "virtual",
                "other",
                name="activitykind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "organiser_kind",
            sa.Enum(
                "municipality", "association", "parish", "other", name="organiserkind", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("organiser_name", sa.String(length=200), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("place_sv", sa.String(length=300), nullable=False),
        sa.Column("place_fi", sa.String(length=300), nullable=False),
        sa.Column("place_en", sa.String(length=300), nullable=False),
        sa.Column("meeting_url", sa.String(length=500), nullable=False),
        sa.Column("languages", sa.String(length=20), nullable=False),
        sa.Column(
            "age_group",
            sa.Enum(
                "all",
                "expecting",
                "babies",
                "toddlers",
                "preschool",
                "school",
                name="agegroup",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("registration_required", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("waiting_list", sa.Boolean(), nullable=False),
        sa.Column("registration_closes_hours", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name=op.f("ck_activity_capacity_positive")),
        sa.CheckConstraint("registration_closes_hours >= 0", name=op.f("ck_activity_closes_not_negative")),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centre.id"], name=op.f("fk_activity_centre_id_centre"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_centre_id"), ["centre_id"], unique=False)

    op.create_table(
        "activity_date",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic_sv", sa.String(length=300), nullable=False),
        sa.Column("topic_fi", sa.String(length=300), nullable=False),
        sa.Column("topic_en", sa.String(length=300), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("visitors_adults", sa.Integer(), nullable=True),
        sa.Column("visitors_children", sa.Integer(), nullable=True),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_activity_date_start_before_end")),
        sa.CheckConstraint(
            "visitors_adults IS NULL OR visitors_adults >= 0",
            name=op.f("ck_activity_date_visitors_adults_not_negative"),
        ),
        sa.CheckConstraint(
            "visitors_children IS NULL OR visitors_children >= 0",
            name=op.f("ck_activity_date_visitors_children_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name=op.f("fk_activity_date_activity_id_activity"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_date")),
    )
    with op.batch_alter_table("activity_date", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_date_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index("ix_activity_date_starts_at", ["starts_at"], unique=False)

    op.create_table(
        "activity_leader",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activity.id"], name=op.f("fk_activity_leader_activity_id_activity"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_activity_leader_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("activity_id", "user_id", name=op.f("pk_activity_leader")),
    )
    op.create_table(
        "activity_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("include_waiting", sa.Boolean(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["date_id"],
            ["activity_date.id"],
            name=op.f("fk_activity_message_date_id_activity_date"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["staff_user.id"],
            name=op.f("fk_activity_message_sent_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_message")),
    )
    with op.batch_alter_table("activity_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_message_date_id"), ["date_id"], unique=False)

    op.create_table(
        "activity_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("date_id", sa.Integer(), nullable=False),
        sa.Column("arrival", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("confirmed", "waiting", "cancelled", name="registrationstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("guardian_name", sa.String(length=200), nullable=False),
        sa.Column("guardian_email", sa.String(length=254), nullable=False),
        sa.Column("guardian_phone", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "attendance", sa.Enum("attended", "no_show", name="attendance", native_enum=False, length=10), nullable=True
        ),
        sa.CheckConstraint("adults >= 1", name=op.f("ck_activity_registration_at_least_one_adult")),
        sa.CheckConstraint("children >= 0", name=op.f("ck_activity_registration_children_not_negative")),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["staff_user.id"],
            name=op.f("fk_activity_registration_cancelled_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["date_id"],
            ["activity_date.id"],
            name=op.f("fk_activity_registration_date_id_activity_date"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["staff_user.id"],
            name=op.f("fk_activity_registration_registered_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_registration")),
        sa.UniqueConstraint("date_id", "arrival", name=op.f("uq_activity_registration_date_id_arrival")),
        sa.UniqueConstraint("reference", name=op.f("uq_activity_registration_reference")),
    )
    with op.batch_alter_table("activity_registration", schema=None) as batch_op:
        batch_op.create_index("ix_activity_registration_date_status", ["date_id", "status"], unique=False)


def downgrade():
    with op.batch_alter_table("activity_registration", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_registration_date_status")

    op.drop_table("activity_registration")
    with op.batch_alter_table("activity_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_message_date_id"))

    op.drop_table("activity_message")
    op.drop_table("activity_leader")
    with op.batch_alter_table("activity_date", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_date_starts_at")
        batch_op.drop_index(batch_op.f("ix_activity_date_activity_id"))

    op.drop_table("activity_date")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_centre_id"))

    op.drop_table("activity")
