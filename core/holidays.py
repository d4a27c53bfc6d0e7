"""Finnish public holidays, computed for any year, when the family centres are closed.

Includes the moving ones: Good Friday, Easter Sunday and Monday, Ascension Day,
Whitsunday, Midsummer Eve and Day, and All Saints' Day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Western churches (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _saturday_between(start: date) -> date:
    """The Saturday in the seven days from ``start``."""
    return start + timedelta(days=(5 - start.weekday()) % 7)


@lru_cache(maxsize=64)
def finnish_holidays(year: int) -> dict[date, str]:
    """Map each public holiday of ``year`` to its English name."""
    easter = easter_sunday(year)
    midsummer_day = _saturday_between(date(year, 6, 20))
    return {
        date(year, 1, 1): "New Year's Day",
        date(year, 1, 6): "Epiphany",
        easter - timedelta(days=2): "Good Friday",
        easter: "Easter Sunday",
        easter + timedelta(days=1): "Easter Monday",
        date(year, 5, 1): "May Day",
        easter + timedelta(days=39): "Ascension Day",
        easter + timedelta(days=49): "Whitsunday",
        midsummer_day - timedelta(days=1): "Midsummer Eve",
        midsummer_day: "Midsummer Day",
        _saturday_between(date(year, 10, 31)): "All Saints' Day",
        date(year, 12, 6): "Independence Day",
        date(year, 12, 24): "Christmas Eve",
        date(year, 12, 25): "Christmas Day",
        date(year, 12, 26): "Boxing Day",
    }


def is_holiday(day: date) -> bool:
    """Tell whether the family centres are closed on ``day`` because it is a public holiday."""
    return day in finnish_holidays(day.year)
