"""The dates of an activity: a weekly or every-other-week series over a term, and single dates changed or cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from core.holidays import is_holiday
from core.timeutil import local_to_utc
from extensions import db

from .models import Activity, ActivityDate
from .registration import ChangeNotAllowed, lock_date

# A series is generated over at most a year, which is already two terms.
MAX_SERIES_DAYS = 366


@dataclass(frozen=True)
class Topic:
    """The topic of one date, in the three languages (any may be empty)."""

    sv: str = ""
    fi: str = ""
    en: str = ""


def series_days(first: date, last: date, every_weeks: int, skip_holidays: bool) -> list[date]:
    """The days of a series: ``first``, then every ``every_weeks`` weeks until ``last``, holidays skipped if asked."""
    if every_weeks < 1 or last < first or (last - first).days > MAX_SERIES_DAYS:
        raise ValueError("not a valid series")
    days = []
    day = first
    while day <= last:
        if not (skip_holidays and is_holiday(day)):
            days.append(day)
        day += timedelta(weeks=every_weeks)
    return days


def add_dates(activity: Activity, days: list[date], start: time, end: time, topic: Topic = Topic()) -> tuple[int, int]:
    """Add a date on each of ``days`` (Helsinki wall-clock times). The caller commits.

    A day that already has a date of this activity at the same start is left
    alone, so generating a series twice does not double it. Returns (added, already there).
    """
    if end <= start:
        raise ValueError("the end must be after the start")
    existing = set(db.session.scalars(select(ActivityDate.starts_at).where(ActivityDate.activity_id == activity.id)))
    added = 0
    for day in days:
        starts_at = local_to_utc(day, start)
        if starts_at in existing:
            continue
        db.session.add(
            ActivityDate(
                activity_id=activity.id,
                starts_at=starts_at,
                ends_at=local_to_utc(day, end),
                topic_sv=topic.sv,
                topic_fi=topic.fi,
                topic_en=topic.en,
            )
        )
        existing.add(starts_at)
        added += 1
    return added, len(days) - added


def change_date(activity_date: ActivityDate, starts_at: datetime, ends_at: datetime, topic: Topic) -> bool:
    """Move a date or change its topic. Flushes; the caller commits.

    Returns whether the time changed: the caller then tells the families, after its commit.
    """
    if ends_at <= starts_at:
        raise ValueError("the end must be after the start")
    locked = lock_date(activity_date.id)
    if locked.cancelled:
        raise ChangeNotAllowed()
    moved = (locked.starts_at, locked.ends_at) != (starts_at, ends_at)
    locked.starts_at, locked.ends_at = starts_at, ends_at
    locked.topic_sv, locked.topic_fi, locked.topic_en = topic.sv, topic.fi, topic.en
    if moved:
        locked.sequence += 1
    db.session.flush()
    return moved


def cancel_date(activity_date: ActivityDate, reason: str, now: datetime) -> None:
    """Cancel one date with a reason for the families; registrations are kept as they were. Flushes; the caller
    commits.
    """
    locked = lock_date(activity_date.id)
    if locked.cancelled:
        raise ChangeNotAllowed()
    locked.cancelled = True
    locked.cancel_reason = reason.strip()
    locked.cancelled_at = now
    locked.sequence += 1
    db.session.flush()


def set_visitors(activity_date: ActivityDate, adults: int | None, children: int | None, now: datetime) -> None:
    """Record the head count of a date that has begun (adults and children who came). Flushes; the caller commits."""
    if activity_date.starts_at > now or activity_date.cancelled:
        raise ChangeNotAllowed()
    activity_date.visitors_adults = adults
    activity_date.visitors_children = children
    db.session.flush()
