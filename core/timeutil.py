"""Time helpers: everything is stored in UTC and shown in Europe/Helsinki."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    """Convert an aware datetime to Helsinki time."""
    return moment.astimezone(HELSINKI)


def local_to_utc(day: date, clock: time) -> datetime:
    """Turn a Helsinki wall-clock date and time into an aware UTC datetime.

    ``fold=0`` picks the first occurrence of an hour repeated when summer time
    ends; callers that generate slots skip wall-clock times that do not exist.
    """
    return datetime.combine(day, clock, tzinfo=HELSINKI).astimezone(UTC)

