"""Time helpers: everything is stored in UTC and shown in Europe/Helsinki."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def system_clock() -> datetime:
    """The machine's clock, as an aware UTC datetime."""
    return datetime.now(UTC)


# The clock ``utcnow`` reads: the one seam for a fixed time, which tests set with
# ``monkeypatch.setattr(timeutil, "clock", lambda: moment)`` (modules import ``utcnow`` itself).
clock = system_clock


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return clock()


def to_local(moment: datetime) -> datetime:
    """Convert an aware datetime to Helsinki time."""
    return moment.astimezone(HELSINKI)


def local_to_utc(day: date, clock: time) -> datetime:
    """Turn a Helsinki wall-clock date and time into an aware UTC datetime.

    ``fold=0`` picks the first occurrence of an hour repeated when summer time
    ends; callers that generate slots skip wall-clock times that do not exist.
    """
    return datetime.combine(day, clock, tzinfo=HELSINKI).astimezone(UTC)


def local_days(first_day: date, last_day: date) -> tuple[datetime, datetime]:
    """The UTC moments at which Helsinki's ``first_day`` begins and ``last_day`` ends (the end is exclusive)."""
    return local_to_utc(first_day, time(0)), local_to_utc(last_day + timedelta(days=1), time(0))


# The days a request may ask about. Wide enough for any date of birth and for
# the audit log's twelve years; narrow enough that date arithmetic (a week on,
# a day back, a span in UTC) can never leave Python's years 1..9999.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


def parse_day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day from a query string, clamped to FIRST_DAY..LAST_DAY; None when it is not a date.

    Every ``?day=``, ``?week=`` and ``?from=`` goes through here. A page asked
    for a day outside the range shows its nearest end, and a page asked for
    something that is not a date shows its usual default, so a tampered or
    mistyped address never fails.
    """
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        return None
    return min(max(day, FIRST_DAY), LAST_DAY)


def monday_of(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def week_asked(value: str | None, today: date) -> date:
    """The Monday of the week ``?week=`` asks for; this week when it asks for none, an earlier one or no date."""
    return max(monday_of(parse_day(value) or today), monday_of(today))
