"""Live chat: channels, their opening hours, conversations and messages

Revision ID: 0021_chat
Revises: 0020_waiting_without_booking
Create Date: 2026-12-06 07:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021_chat"
down_revision = "0020_waiting_without_booking"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chat_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name_sv", sa.String(length=200), nullable=False),
        sa.Column("name_fi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("description_sv", sa.Text(), nullable=False),
        sa.Column("description_fi", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("languages", sa.String(length=20), nullable=False),
        sa.Column("max_per_professional", sa.Integer(), nullable=False),
        sa.Column("max_queue", sa.Integer(), nullable=False),
        sa.Column("answer_days", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_channel")),
        sa.UniqueConstraint("slug", name=op.f("uq_chat_channel_slug")),
    )
    op.create_table(
        "chat_channel_professional",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["chat_channel.id"],
            name=op.f("fk_chat_channel_professional_channel_id_chat_channel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
            name=op.f("fk_chat_channel_professional_user_id_staff_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", "user_id", name=op.f("pk_chat_channel_professional")),
    )
    op.create_table(
        "chat_channel_service",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["chat_channel.id"],
            name=op.f("fk_chat_channel_service_channel_id_chat_channel"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["service.id"], name=op.f("fk_chat_channel_service_service_id_service"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("channel_id", "service_id", name=op.f("pk_chat_channel_service")),
    )
    op.create_table(
        "chat_conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("browser_key_hash", sa.String(length=64), nullable=False),
        sa.Column("started_from", sa.String(length=64), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("nickname", sa.String(length=60), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "active", "ended", name="conversationstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("professional_id", sa.Integer(), nullable=True),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("picked_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["chat_channel.id"], name=op.f("fk_chat_conversation_channel_id_chat_channel")
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["staff_user.id"],
            name=op.f("fk_chat_conversation_professional_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_chat_conversation_child_id_child"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_conversation")),
        sa.UniqueConstraint("reference", name=op.f("uq_chat_conversation_reference")),
    )
    with op.batch_alter_table("chat_conversation", schema=None) as batch_op:
        batch_op.create_index("ix_chat_conversation_channel_status", ["channel_id", "status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_conversation_professional_id"), ["professional_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_conversation_child_id"), ["child_id"], unique=False)

    op.create_table(
        "chat_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.CheckConstraint("start_time < end_time", name=op.f("ck_chat_hours_start_before_end")),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_chat_hours_weekday_in_week")),
        sa.ForeignKeyConstraint(
            ["channel_id"], ["chat_channel.id"], name=op.f("fk_chat_hours_channel_id_chat_channel"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_hours")),
    )
    with op.batch_alter_table("chat_hours", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_hours_channel_id"), ["channel_id"], unique=False)

    op.create_table(
        "chat_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "family",
                "staff",
                "joined",
                "ended_by_family",
                "ended_by_staff",
                "booked",
                "transferred",
                "closed_unanswered",
                "questionnaire",
                name="messagekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("client_key", sa.String(length=40), nullable=True),
        sa.Column("to_name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("queue_event", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["chat_conversation.id"],
            name=op.f("fk_chat_message_conversation_id_chat_conversation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_chat_message_staff_id_staff_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_chat_message_appointment_id_appointment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["questionnaire_visit.id"],
            name=op.f("fk_chat_message_visit_id_questionnaire_visit"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_message")),
        sa.UniqueConstraint("conversation_id", "client_key", name="uq_chat_message_client_key"),
    )
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_message_conversation_id"), ["conversation_id"], unique=False)

    op.create_table(
        "chat_transcript_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["chat_conversation.id"],
            name=op.f("fk_chat_transcript_link_conversation_id_chat_conversation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_transcript_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_chat_transcript_link_token_hash")),
    )
    with op.batch_alter_table("chat_transcript_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_transcript_link_conversation_id"), ["conversation_id"], unique=False)


def downgrade():
    with op.batch_alter_table("chat_transcript_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_transcript_link_conversation_id"))

    op.drop_table("chat_transcript_link")
    with op.batch_alter_table("chat_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_message_conversation_id"))

    op.drop_table("chat_message")
    with op.batch_alter_table("chat_hours", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_hours_channel_id"))

    op.drop_table("chat_hours")
    with op.batch_alter_table("chat_conversation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_conversation_child_id"))
        batch_op.drop_index(batch_op.f("ix_chat_conversation_professional_id"))
        batch_op.drop_index("ix_chat_conversation_channel_status")

    op.drop_table("chat_conversation")
    op.drop_table("chat_channel_service")
    op.drop_table("chat_channel_professional")
    op.drop_table("chat_channel")
