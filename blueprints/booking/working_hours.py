"""Rules for setting up booking: working hours must not overlap, for one person across all centres."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from extensions import db

from .models import WorkingHours


def _periods_overlap(
    first_from: date | None, first_until: date | None, second_from: date | None, second_until: date | None
) -> bool:
    """Whether two validity periods (open-ended when None) share a day."""
    return (first_until is None or second_from is None or second_from <= first_until) and (
        second_until is None or first_from is None or first_from <= second_until
    )


def overlapping_hours(
    user_id: int,
    weekday: int,
    start: time,
    end: time,
    valid_from: date | None,
    valid_until: date | None,
    ignore_id: int | None = None,
) -> WorkingHours | None:
    """The existing block of working hours that a new one would overlap, at any centre, if any.

    A professional cannot be at two centres at once, nor twice at one.
    """
    candidates = db.session.scalars(
        select(WorkingHours).where(
            WorkingHours.user_id == user_id,
            WorkingHours.weekday == weekday,
            WorkingHours.start_time < end,
            WorkingHours.end_time > start,
        )
    )
    for block in candidates:
        if block.id != ignore_id and _periods_overlap(block.valid_from, block.valid_until, valid_from, valid_until):
            return block
    return None
