"""Message threads between families and the centre

Revision ID: 0022_message_threads
Revises: 0021_chat
Create Date: 2026-12-06 20:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022_message_threads"
down_revision = "0021_chat"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "message_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("appointment_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("professional_id", sa.Integer(), nullable=True),
        sa.Column("guardian_name", sa.String(length=200), nullable=False),
        sa.Column("guardian_email", sa.String(length=254), nullable=False),
        sa.Column("guardian_phone", sa.String(length=40), nullable=False),
        sa.Column("sms_wanted", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("started_from", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum("waiting", "answered", "closed", name="threadstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("answer_by", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_seen_id", sa.Integer(), nullable=False),
        sa.Column("family_seen_id", sa.Integer(), nullable=False),
        sa.Column("staff_told_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
            name=op.f("fk_message_thread_appointment_id_appointment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["chat_channel.id"],
            name=op.f("fk_message_thread_channel_id_chat_channel"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"],
            ["staff_user.id"],
            name=op.f("fk_message_thread_professional_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["activity_registration.id"],
            name=op.f("fk_message_thread_registration_id_activity_registration"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["questionnaire_visit.id"],
            name=op.f("fk_message_thread_visit_id_questionnaire_visit"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_thread")),
        sa.UniqueConstraint("reference", name=op.f("uq_message_thread_reference")),
    )
    with op.batch_alter_table("message_thread", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_thread_appointment_id"), ["appointment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_thread_channel_id"), ["channel_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_thread_professional_id"), ["professional_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_thread_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index("ix_message_thread_status_due", ["status", "answer_by"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_thread_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "thread_browser",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["message_thread.id"],
            name=op.f("fk_thread_browser_thread_id_message_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_browser")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_thread_browser_key_hash")),
    )
    with op.batch_alter_table("thread_browser", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_browser_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "thread_draft",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_thread_draft_staff_id_staff_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["message_thread.id"],
            name=op.f("fk_thread_draft_thread_id_message_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("thread_id", "staff_id", name=op.f("pk_thread_draft")),
    )
    op.create_table(
        "thread_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["message_thread.id"],
            name=op.f("fk_thread_link_thread_id_message_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_thread_link_token_hash")),
    )
    with op.batch_alter_table("thread_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_link_thread_id"), ["thread_id"], unique=False)

    op.create_table(
        "thread_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("from_family", sa.Boolean(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("client_key", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_thread_message_staff_id_staff_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["message_thread.id"],
            name=op.f("fk_thread_message_thread_id_message_thread"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_thread_message")),
        sa.UniqueConstraint("thread_id", "client_key", name="uq_thread_message_client_key"),
    )
    with op.batch_alter_table("thread_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thread_message_thread_id"), ["thread_id"], unique=False)


def downgrade():
    with op.batch_alter_table("thread_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_message_thread_id"))

    op.drop_table("thread_message")
    with op.batch_alter_table("thread_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_link_thread_id"))

    op.drop_table("thread_link")
    op.drop_table("thread_draft")
    with op.batch_alter_table("thread_browser", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thread_browser_thread_id"))

    op.drop_table("thread_browser")
    with op.batch_alter_table("message_thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_thread_visit_id"))
        batch_op.drop_index("ix_message_thread_status_due")
        batch_op.drop_index(batch_op.f("ix_message_thread_registration_id"))
        batch_op.drop_index(batch_op.f("ix_message_thread_professional_id"))
        batch_op.drop_index(batch_op.f("ix_message_thread_channel_id"))
        batch_op.drop_index(batch_op.f("ix_message_thread_appointment_id"))

    op.drop_table("message_thread")
