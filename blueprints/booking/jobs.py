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

from core.database import begin_outer_write, begin_write
from extensions import db

from . import earlier_times
from .models import Appointment, AppointmentStatus, EarlierTimeRequest, EarlierTimeStatus
from .notifications import notify_family, notify_offer


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


def offer_earlier_times(now: datetime) -> tuple[int, int]:
    """Let expired holds go, end wishes that can no longer be met, then offer each waiting family the earliest
    free time that fits, first come first; return (offered, not reached).

    Each hold is committed before the family is told, in a transaction of its own, so two runs
    (two cancellations at once, the timer) never hold one time twice or offer one family two.
    """
    begin_outer_write(db.session)
    earlier_times.expire_holds(now)
    earlier_times.end_what_cannot_be_met(now)
    db.session.commit()
    offered = unreached = 0
    for request_id in earlier_times.waiting_in_line():
        db.session.commit()  # end the read; each hold is a write of its own
        begin_outer_write(db.session)
        request = db.session.get(EarlierTimeRequest, request_id)
        if request is None or request.status != EarlierTimeStatus.WAITING:
            continue
        slot = earlier_times.candidate_for(request, now)
        if slot is None:
            continue
        try:
            held = earlier_times.hold(request, slot, now)
        except earlier_times.OfferUnavailable:
            db.session.rollback()
            continue
        db.session.commit()
        notified = notify_offer(held)
        db.session.commit()  # the text message's record
        offered += 1
        unreached += 0 if notified.reached else 1
    db.session.commit()
    return offered, unreached
