"""Free appointment times: pure functions over working hours, absences and bookings.

Times are generated in real (UTC) time from Helsinki wall-clock working hours,
so the days when summer time starts or ends neither shift nor invent slots.
Nothing here touches the database or Flask; ``time_search.py`` gathers the inputs.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import repeat
from typing import NamedTuple

from core.holidays import is_holiday
from core.timeutil import local_to_utc, to_local


@dataclass(frozen=True)
class BookingRules:
    """A service's rules for when it can be booked."""

    duration: timedelta
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    interval: timedelta = timedelta(minutes=15)
    min_notice: timedelta = timedelta(hours=12)
    max_days_ahead: int = 60


class WorkBlock(NamedTuple):
    """A weekly block of working time at a centre, in Helsinki wall-clock time."""

    professional_id: int
    centre_id: int
    weekday: int
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None

    def applies_on(self, day: date) -> bool:
        """Whether this block is worked on ``day``."""
        return (
            day.weekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_until is None or day <= self.valid_until)
        )


class Busy(NamedTuple):
    """Time a professional is taken: an appointment (with its own buffers) or an absence."""

    professional_id: int
    starts_at: datetime
    ends_at: datetime
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)


class Slot(NamedTuple):
    """A free time: when, with whom and at which centre. A tuple, so thousands sort fast."""

    starts_at: datetime
    professional_id: int
    centre_id: int
    ends_at: datetime


def bookable_window(rules: BookingRules, now: datetime) -> tuple[datetime, date]:
    """The earliest bookable moment and the last bookable local day."""
    return now + rules.min_notice, to_local(now).date() + timedelta(days=rules.max_days_ahead)


def _blocked_intervals(rules: BookingRules, busy: list[Busy]) -> tuple[list[float], list[float]]:
    """Merge what is taken into sorted, disjoint intervals (epoch seconds) a new appointment may not touch.

    Two appointments need the larger of the earlier one's after-buffer and the
    later one's before-buffer between them, so each taken interval is widened by
    that much on each side.
    """
    widened = sorted(
        (
            (b.starts_at - max(b.buffer_before, rules.buffer_after)).timestamp(),
            (b.ends_at + max(b.buffer_after, rules.buffer_before)).timestamp(),
        )
        for b in busy
    )
    starts: list[float] = []
    ends: list[float] = []
    for start, end in widened:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _free_starts(
    starts: list[float],
    ends: list[float],
    block_start: float,
    block_end: float,
    first: float,
    duration: float,
    interval: float,
) -> list[float]:
    """Slot starts on the block's grid, from ``first`` on, whose [start, start + duration) misses every blocked
    interval.

    The blocked intervals are sorted and disjoint, so one pass serves the whole
    block: a slot that hits one jumps straight to the first grid time after it.
    """
    found: list[float] = []
    slot_start = (
        block_start if first <= block_start else block_start + math.ceil((first - block_start) / interval) * interval
    )
    index = bisect_right(ends, slot_start)  # the first blocked interval still ending after the slot starts
    while slot_start + duration <= block_end:
        if index < len(starts) and starts[index] < slot_start + duration:
            if ends[index] > slot_start:
                slot_start = block_start + math.ceil((ends[index] - block_start) / interval) * interval
            else:
                index += 1
            continue
        found.append(slot_start)
        slot_start += interval
    return found


def free_slots(
    rules: BookingRules,
    blocks: list[WorkBlock],
    busy: list[Busy],
    first_day: date,
    last_day: date,
    now: datetime,
    closed_days: frozenset[date] = frozenset(),
) -> list[Slot]:
    """Every free slot from ``first_day`` to ``last_day`` (Helsinki dates), sorted by time.

    A slot lies wholly inside a working-hours block, respects the minimum notice
    and the booking horizon, avoids public holidays and ``closed_days``, and keeps
    the buffers clear of other appointments and of absences. The work is done in
    epoch seconds, one pass per block: a page of free times covers thousands of
    candidate times.
    """
    earliest_at, horizon = bookable_window(rules, now)
    earliest = earliest_at.timestamp()
    last_day = min(last_day, horizon)
    busy_by_professional: dict[int, list[Busy]] = {}
    for item in busy:
        busy_by_professional.setdefault(item.professional_id, []).append(item)
    blocked = {pid: _blocked_intervals(rules, items) for pid, items in busy_by_professional.items()}
    no_blocks: tuple[list[float], list[float]] = ([], [])
    duration = rules.duration.total_seconds()
    interval = rules.interval.total_seconds()

    blocks_by_weekday: dict[int, list[WorkBlock]] = {}
    for block in blocks:
        blocks_by_weekday.setdefault(block.weekday, []).append(block)

    found: list[tuple[float, int, int]] = []
    day = first_day
    while day <= last_day:
        if not is_holiday(day) and day not in closed_days:
            # Most blocks of a day share their wall-clock times: convert each once.
            epoch_of: dict[time, float] = {}
            for block in blocks_by_weekday.get(day.weekday(), ()):
                if not block.applies_on(day):
                    continue
                for clock in (block.start, block.end):
                    if clock not in epoch_of:
                        epoch_of[clock] = local_to_utc(day, clock).timestamp()
                starts, ends = blocked.get(block.professional_id, no_blocks)
                free = _free_starts(
                    starts, ends, epoch_of[block.start], epoch_of[block.end], earliest, duration, interval
                )
                found.extend(zip(free, repeat(block.professional_id), repeat(block.centre_id)))
        day += timedelta(days=1)
    found.sort()
    # Many professionals share the same start times: make each datetime once.
    starts_at = {timestamp: datetime.fromtimestamp(timestamp, UTC) for timestamp in {item[0] for item in found}}
    ends_at = {timestamp: start + rules.duration for timestamp, start in starts_at.items()}
    return [Slot(starts_at[timestamp], pid, centre, ends_at[timestamp]) for timestamp, pid, centre in found]


def one_per_time(slots: list[Slot], load: dict[int, int], by_centre: bool = True) -> list[Slot]:
    """For "any professional": keep one slot per time (and centre), offering the least busy professional.

    ``load`` counts each professional's appointments in the period, so work is
    shared fairly; ties go to the lower id so the choice is stable.
    """
    chosen: dict[tuple, Slot] = {}
    for slot in slots:
        key = (slot.starts_at, slot.centre_id) if by_centre else (slot.starts_at,)
        current = chosen.get(key)
        rank = (load.get(slot.professional_id, 0), slot.professional_id)
        if current is None or rank < (load.get(current.professional_id, 0), current.professional_id):
            chosen[key] = slot
    return sorted(chosen.values())


def nearest(slots: list[Slot], wanted: datetime, count: int = 6) -> list[Slot]:
    """The ``count`` slots closest in time to ``wanted``, in time order."""
    return sorted(sorted(slots, key=lambda slot: abs(slot.starts_at - wanted))[:count])
