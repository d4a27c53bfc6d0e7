"""Reminder emails: sent once before the appointment, even when two runs overlap."""

import threading
from datetime import timedelta

from sqlalchemy import select

from blueprints.booking import appointments
from blueprints.booking.jobs import send_due_reminders
from blueprints.booking.models import Appointment
from blueprints.booking.time_search import SlotChoice, SlotQuery, find_slots
from core.timeutil import to_local
from tests.support.booking import REMINDER_NOW, book_within


def test_a_reminder_is_sent_once_in_the_familys_language(app, db, world, mailbox):
    appointment = book_within(db, world, 20)
    book_within(db, world, 30)  # outside the 24-hour window: no reminder yet
    assert send_due_reminders(REMINDER_NOW) == (1, 0)
    assert send_due_reminders(REMINDER_NOW) == (0, 0)
    [message] = mailbox.to("maria@example.com")
    assert message["Subject"].startswith("Muistutus: Lastenneuvola")
    assert db.session.get(Appointment, appointment.id).reminder_sent_at is not None


def test_two_overlapping_runs_send_each_reminder_once(app, db, world, mailbox):
    for hours in (2, 5, 9, 14):
        book_within(db, world, hours)
    barrier = threading.Barrier(2)
    results = []

    def run():
        with app.app_context():
            barrier.wait()
            results.append(send_due_reminders(REMINDER_NOW))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent for sent, _ in results) == 4
    assert len(mailbox.to("maria@example.com")) == 4


def test_a_failed_reminder_is_tried_again(app, db, world):
    appointment = book_within(db, world, 3)
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=9)  # nothing listens there
    assert send_due_reminders(REMINDER_NOW) == (0, 1)
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).reminder_sent_at is None
    app.config.update(MAIL_BACKEND="outbox")
    assert send_due_reminders(REMINDER_NOW) == (1, 0)


def test_moved_and_cancelled_appointments(app, db, world, mailbox):
    appointment = book_within(db, world, 4)
    send_due_reminders(REMINDER_NOW)
    slots = find_slots(
        SlotQuery(appointment.service, "in_person"),
        to_local(REMINDER_NOW).date(),
        to_local(REMINDER_NOW).date() + timedelta(days=3),
        REMINDER_NOW,
    )
    later = next(s for s in slots if s.starts_at > appointment.starts_at + timedelta(hours=3))
    appointments.move(
        appointment, SlotChoice("in_person", later.professional_id, later.centre_id, later.starts_at), REMINDER_NOW
    )
    assert send_due_reminders(REMINDER_NOW) == (1, 0)  # the new time gets its own reminder
    other = book_within(db, world, 12)
    appointments.cancel(other, REMINDER_NOW)
    assert send_due_reminders(REMINDER_NOW) == (0, 0)


def test_the_command_reports_what_it_did(app, db, world, runner, monkeypatch):
    monkeypatch.setattr("blueprints.operations.commands.utcnow", lambda: REMINDER_NOW)
    book_within(db, world, 6)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "Reminders sent: 1" in result.output


def test_no_reminder_without_an_email_address(app, db, world):
    appointment = book_within(db, world, 2)
    appointment.guardian_email = ""
    db.session.commit()
    assert send_due_reminders(REMINDER_NOW) == (0, 0)
    assert db.session.scalar(select(Appointment.reminder_sent_at)) is None
