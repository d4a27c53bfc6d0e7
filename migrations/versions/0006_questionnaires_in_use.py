"""Questionnaires in use: children, cases, visits, responses, answers, audit log

Revision ID: 0006_questionnaires_in_use
Revises: 0005_site_texts
Create Date: 2026-11-22 16:58:54.574307

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_questionnaires_in_use"
down_revision = "0005_site_texts"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("page", sa.String(length=200), nullable=False),
        sa.Column("basis", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entry_actor_at", ["actor_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index("ix_audit_entry_child_at", ["child_id", "at"], unique=False)

    op.create_table(
        "child",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_child")),
    )
    op.create_table(
        "instrument_setting",
        sa.Column("instrument_id", sa.String(length=80), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("instrument_id", name=op.f("pk_instrument_setting")),
    )
    op.create_table(
        "case_member",
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["staff_user.id"], name=op.f("fk_case_member_added_by_id_staff_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_case_member_child_id_child"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_case_member_user_id_staff_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("child_id", "user_id", name=op.f("pk_case_member")),
    )
    op.create_table(
        "questionnaire_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["child.id"], name=op.f("fk_questionnaire_visit_child_id_child"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["professional_id"], ["staff_user.id"], name=op.f("fk_questionnaire_visit_professional_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_visit")),
        sa.UniqueConstraint("reference", name=op.f("uq_questionnaire_visit_reference")),
    )
    with op.batch_alter_table("questionnaire_visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_visit_child_id"), ["child_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_questionnaire_visit_professional_id"), ["professional_id"], unique=False)

    op.create_table(
        "questionnaire_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.String(length=80), nullable=False),
        sa.Column("instrument_version", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("age_months", sa.Integer(), nullable=True),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("notes_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes_updated_by_id", sa.Integer(), nullable=True),
        sa.Column("offer_status", sa.String(length=20), nullable=False),
        sa.Column("offer_appointment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notes_updated_by_id"],
            ["staff_user.id"],
            name=op.f("fk_questionnaire_response_notes_updated_by_id_staff_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["offer_appointment_id"],
            ["appointment.id"],
            name=op.f("fk_questionnaire_response_offer_appointment_id_appointment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["questionnaire_visit.id"],
            name=op.f("fk_questionnaire_response_visit_id_questionnaire_visit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_response")),
        sa.UniqueConstraint("reference", name=op.f("uq_questionnaire_response_reference")),
    )
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_response_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "questionnaire_answer",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["questionnaire_response.id"],
            name=op.f("fk_questionnaire_answer_response_id_questionnaire_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "item_id", name=op.f("pk_questionnaire_answer")),
    )
    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.add_column(sa.Column("offered_for_outcome", sa.String(length=80), nullable=False, server_default=""))
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("child_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_appointment_child_id"), ["child_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_appointment_child_id_child"), "child", ["child_id"], ["id"], ondelete="SET NULL"
        )

    # The audit log can only grow: the database refuses to change an entry, whatever the app does.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_entry_refuse_update() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit log entries cannot be changed'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_update()"
        )
    else:
        op.execute(
            "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
            "BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be changed'); END"
        )


def downgrade():
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_appointment_child_id_child"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_appointment_child_id"))
        batch_op.drop_column("child_id")
    op.execute(
        "DROP TRIGGER IF EXISTS audit_entry_no_update"
        + (" ON audit_entry" if op.get_bind().dialect.name == "postgresql" else "")
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_entry_refuse_update()")

    with op.batch_alter_table("service", schema=None) as batch_op:
        batch_op.drop_column("offered_for_outcome")

    op.drop_table("questionnaire_answer")
    with op.batch_alter_table("questionnaire_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_response_visit_id"))

    op.drop_table("questionnaire_response")
    with op.batch_alter_table("questionnaire_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_visit_professional_id"))
        batch_op.drop_index(batch_op.f("ix_questionnaire_visit_child_id"))

    op.drop_table("questionnaire_visit")
    op.drop_table("case_member")
    op.drop_table("instrument_setting")
    op.drop_table("child")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_child_at")
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
        batch_op.drop_index("ix_audit_entry_actor_at")

    op.drop_table("audit_entry")
