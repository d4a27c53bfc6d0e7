"""Retention: `flask purge` deletes each kind of data when its time is up, and leaves nothing behind."""

import os
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from blueprints.activities.models import Registration
from blueprints.audit.models import AuditEntry
from blueprints.auth.models import LoginAttempt
from blueprints.booking.models import Appointment
from blueprints.operations.retention import purge
from blueprints.questionnaires import answering
from blueprints.questionnaires.models import Child, Response, ResponseAnswer, Visit
from core.timeutil import utcnow
from tests.support.activities_factories import make_activity, make_date, make_registration
from tests.support.questionnaires import OFFER_ANSWERS, make_visit


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def sent_visit(db, family_centre, when):
    visit = make_visit(db, family_centre)
    response = visit.responses[0]
    answering.save_answers(response, answering.definition_of(response), OFFER_ANSWERS, when)
    answering.submit(response, when)
    visit.created_at = when
    visit.expires_at = when + timedelta(days=30)
    db.session.commit()
    return visit


def test_old_questionnaires_go_with_their_answers_and_recent_ones_stay(app, db, family_centre):
    now = utcnow()
    old_id = sent_visit(db, family_centre, now - timedelta(days=800)).id
    recent = sent_visit(db, family_centre, now - timedelta(days=10))
    recent_id, recent_response = recent.id, recent.responses[0].id
    report = purge(now)
    assert report.counts["questionnaire visits"] == 1
    assert db.session.get(Visit, old_id) is None and db.session.get(Visit, recent_id) is not None
    assert count(db, Response) == 1
    assert (
        db.session.scalar(
            select(func.count()).select_from(ResponseAnswer).where(ResponseAnswer.response_id != recent_response)
        )
        == 0
    )


def test_a_childs_case_goes_when_nothing_of_the_child_is_left(app, db, family_centre):
    now = utcnow()
    visit_id = sent_visit(db, family_centre, now - timedelta(days=800)).id
    child = db.session.get(Child, family_centre["child_id"])
    child.created_at = now - timedelta(days=800)
    db.session.commit()
    assert purge(now).counts["children"] == 1
    assert db.session.get(Child, family_centre["child_id"]) is None
    assert db.session.get(Visit, visit_id) is None


def test_old_appointments_sign_in_attempts_and_outbox_copies_go(app, db, world, client):
    from tests.support.booking import book

    book(client, world)
    appointment = db.session.scalar(select(Appointment))
    appointment.starts_at = utcnow() - timedelta(days=900)
    appointment.ends_at = appointment.starts_at + timedelta(minutes=45)
    db.session.add(
        LoginAttempt(email="x@example.fi", ip_address="192.0.2.1", succeeded=False, at=utcnow() - timedelta(days=100))
    )
    db.session.commit()
    outbox = Path(app.config["MAIL_OUTBOX_DIR"])
    copies = list(outbox.glob("*.eml"))
    assert copies  # the confirmation email
    old = time.time() - 40 * 24 * 3600
    for path in copies:
        os.utime(path, (old, old))

    dry = purge(utcnow(), dry_run=True)
    assert dry.counts["appointments"] == 1 and dry.counts["outbox emails"] == len(copies)
    assert count(db, Appointment) == 1 and all(path.exists() for path in copies)

    report = purge(utcnow())
    assert report.counts["appointments"] == 1 and report.counts["sign-in attempts"] == 1
    assert count(db, Appointment) == 0 and count(db, LoginAttempt) == 0
    assert list(outbox.glob("*.eml")) == []


def test_the_audit_log_is_kept_for_years(app, db, family_centre):
    db.session.add_all(
        [
            AuditEntry(
                actor_id=1,
                actor_name="A",
                child_id=1,
                subject="child:1",
                action="view",
                page="GET /",
                basis="b",
                at=utcnow() - timedelta(days=365 * 13),
            ),
            AuditEntry(
                actor_id=1,
                actor_name="A",
                child_id=1,
                subject="child:1",
                action="view",
                page="GET /",
                basis="b",
                at=utcnow() - timedelta(days=365 * 5),
            ),
        ]
    )
    db.session.commit()
    assert purge(utcnow()).counts["audit log entries"] == 1
    assert count(db, AuditEntry) == 1


def test_the_command_and_the_scheduled_job_report_counts(runner, db, family_centre):
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0 and result.output.startswith("Would delete: appointments: 0")
    jobs = runner.invoke(args=["run-jobs", "--only", "purge"])
    assert jobs.exit_code == 0 and "purge: Deleted: appointments: 0" in jobs.output


def test_old_group_activity_registrations_lose_names_and_contacts_but_keep_their_numbers(app, db, client):
    activity = make_activity()
    old, recent = (
        make_date(activity, starts_in=timedelta(days=-400)),
        make_date(activity, starts_in=timedelta(days=-30)),
    )
    gone = make_registration(old, adults=2, children=1, name="Anna", now=utcnow() - timedelta(days=401))
    kept = make_registration(recent, name="Bertil", now=utcnow() - timedelta(days=31))
    child = Child(first_name="Elsa", date_of_birth=utcnow().date() - timedelta(days=800))
    db.session.add(child)
    db.session.flush()
    gone.child_id = kept.child_id = child.id
    db.session.commit()
    assert purge(utcnow(), dry_run=True).counts["group activity registrations (names removed)"] == 1
    assert purge(utcnow()).counts["group activity registrations (names removed)"] == 1
    db.session.expire_all()
    forgotten = db.session.get(Registration, gone.id)
    assert (forgotten.guardian_name, forgotten.guardian_email, forgotten.guardian_phone) == ("", "", "")
    assert (forgotten.adults, forgotten.children, forgotten.child_id) == (
        2,
        1,
        None,
    )  # nothing left that points to the family
    assert (db.session.get(Registration, kept.id).guardian_name, db.session.get(Registration, kept.id).child_id) == (
        "Bertil",
        child.id,
    )
    assert purge(utcnow()).counts["group activity registrations (names removed)"] == 0
