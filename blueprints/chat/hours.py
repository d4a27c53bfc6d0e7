"""When a chat channel is open: weekly hours in Helsinki time, closed on Finnish public holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from core.holidays import is_holiday
from core.timeutil import local_to_utc, to_local

from .models import ChatChannel

# How far ahead the next opening is looked for: two weeks covers Christmas and Easter.
LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True)
class Opening:
    """One stretch of opening hours on one Helsinki day, with its moments in UTC."""

    day: date
    start: time
    end: time

    @property
    def starts_at(self) -> datetime:
        """When it opens, in UTC."""
        return local_to_utc(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        """When it closes, in UTC."""
        return local_to_utc(self.day, self.end)


def openings_on(channel: ChatChannel, day: date) -> list[Opening]:
    """The channel's opening hours on a Helsinki ``day``: none on a public holiday."""
    if is_holiday(day):
        return []
    return [Opening(day, hours.start_time, hours.end_time) for hours in channel.hours if hours.weekday == day.weekday()]


def opening_at(channel: ChatChannel, moment: datetime) -> Opening | None:
    """The opening the channel is in at ``moment``, or None when it is closed then."""
    local = to_local(moment)
    for opening in openings_on(channel, local.date()):
        if opening.starts_at <= moment < opening.ends_at:
            return opening
    return None


def next_opening(channel: ChatChannel, moment: datetime) -> Opening | None:
    """The first opening that starts after ``moment`` within two weeks, or None when there is none."""
    first_day = to_local(moment).date()
    for offset in range(LOOK_AHEAD_DAYS + 1):
        for opening in openings_on(channel, first_day + timedelta(days=offset)):
            if opening.starts_at > moment:
                return opening
    return None
