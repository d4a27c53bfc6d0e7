"""The booking's scheduled job: reminders before appointments (``flask run-jobs``, ``flask send-reminders``).

A reminder goes by email, and by text message to families who asked for that.

Each reminder is claimed with a conditional UPDATE, committed before it is sent,
so two runs that overlap never send the same reminder twice. Being a job, this
module ends its own transactions: the claim must be committed before the email
goes, and given back in a transaction of its own when sending failed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from core.database import begin_write
from extensions import db

from .models import Appointment, AppointmentStatus
from .notifications import notify_family


def due_reminders(now: datetime) -> list[int]:
    """Ids of booked appointments starting within the reminder window that have had no reminder."""
    window_end = now + timedelta(hours=int(current_app.config["REMINDER_HOURS_BEFORE"]))
    ids = db.session.scalars(
        select(Appointment.id)
        .where(
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.reminder_sent_at.is_(None),
            or_(Appointment.guardian_email != "", Appointment.sms_wanted.is_(True)),
            Appointment.starts_at > now,
            Appointment.starts_at <= window_end,
        )
        .order_by(Appointment.starts_at)
    ).all()
    db.session.commit()  # end the read before claiming, so SQLite never upgrades a stale snapshot
    return list(ids)


def _claim(appointment_id: int, now: datetime) -> bool:
    """Mark one reminder as sent, unless another run already did; True when this run owns it."""
    begin_write(db.session)
    claimed = db.session.execute(
        update(Appointment)
        .where(
            Appointment.id == appointment_id,
            Appointment.reminder_sent_at.is_(None),
            Appointment.status == AppointmentStatus.BOOKED,
        )
        .values(reminder_sent_at=now)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _release(appointment_id: int, now: datetime) -> None:
    """Give a claim back after sending failed, so the next run tries again."""
    begin_write(db.session)
    db.session.execute(
        update(Appointment)
        .where(Appointment.id == appointment_id, Appointment.reminder_sent_at == now)
        .values(reminder_sent_at=None)
    )
    db.session.commit()


def send_due_reminders(now: datetime) -> tuple[int, int]:
    """Send every due reminder once; return (sent, failed)."""
    sent = failed = 0
    for appointment_id in due_reminders(now):
        if not _claim(appointment_id, now):
            continue
        notified = notify_family(db.session.get(Appointment, appointment_id), "reminder")
        db.session.commit()  # the text message's record
        if notified.reached:
            sent += 1
        else:
            _release(appointment_id, now)
            failed += 1
    return sent, failed
