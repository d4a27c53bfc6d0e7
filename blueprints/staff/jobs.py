"""Sending email notices to staff (``flask run-jobs``), and right after a request that recorded urgent ones.

Like the booking reminders, each notice is claimed with a conditional UPDATE
that is committed before the email goes, so overlapping runs never send one
twice, and given back in a transaction of its own when sending failed. Being
an outer level, this module ends its own transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, update

from core import mail
from core.database import begin_outer_write
from extensions import db

from . import notices
from .models import StaffNotice


@dataclass(frozen=True)
class Delivery:
    """What one round of sending did."""

    sent: int = 0
    failed: int = 0
    dropped: int = 0


def _claim(notice_id: int, now: datetime) -> bool:
    """Mark one notice as sent, unless another run already did; True when this run owns it."""
    begin_outer_write(db.session)
    claimed = db.session.execute(
        update(StaffNotice).where(StaffNotice.id == notice_id, StaffNotice.sent_at.is_(None)).values(sent_at=now)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _release(notice_id: int, now: datetime) -> None:
    """Give a claim back after sending failed, counting the failure, so a later run tries again."""
    begin_outer_write(db.session)
    db.session.execute(
        update(StaffNotice)
        .where(StaffNotice.id == notice_id, StaffNotice.sent_at == now)
        .values(sent_at=None, failures=StaffNotice.failures + 1)
    )
    db.session.commit()


def _drop(notice_id: int) -> None:
    """Forget a notice that is no longer true (the flag was acknowledged, the emails were turned off)."""
    begin_outer_write(db.session)
    db.session.execute(delete(StaffNotice).where(StaffNotice.id == notice_id, StaffNotice.sent_at.is_(None)))
    db.session.commit()


def deliver(notice_ids: list[int], now: datetime) -> Delivery:
    """Send the given notices, each once; return what happened."""
    sent = failed = dropped = 0
    for notice_id in notice_ids:
        notice = db.session.get(StaffNotice, notice_id)
        if notice is None or notice.sent_at is not None:
            continue
        if not notices.still_wanted(notice):
            _drop(notice_id)
            dropped += 1
            continue
        email = notices.build_email(notice)
        if not _claim(notice_id, now):
            continue
        if mail.send(email):
            sent += 1
        else:
            _release(notice_id, now)
            failed += 1
    return Delivery(sent, failed, dropped)


def send_due_notices(now: datetime) -> Delivery:
    """The scheduled job: add the reminders that are due, then send every notice not sent yet."""
    begin_outer_write(db.session)
    notices.add_due_reminders(now)
    db.session.commit()
    return deliver(notices.due_notice_ids(), now)
