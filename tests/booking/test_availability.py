"""Free times: working hours, buffers, notice, horizon, holidays, absences and summer time."""

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from blueprints.booking.free_times import BookingRules, Busy, Slot, WorkBlock, free_slots, nearest, one_per_time
from core.timeutil import HELSINKI, local_to_utc, to_local
from tests.support.booking import MONDAY

LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
RULES = BookingRules(
    duration=timedelta(minutes=45), interval=timedelta(minutes=15), min_notice=timedelta(0), max_days_ahead=3650
)


def local_times(slots):
    return [to_local(slot.starts_at).strftime("%H:%M") for slot in slots]


def week_blocks(professional_id=1, centre_id=1, start=time(8), end=time(12), weekdays=range(7)):
    return [WorkBlock(professional_id, centre_id, day, start, end) for day in weekdays]


def test_slots_fill_the_working_hours_at_the_interval():
    slots = free_slots(RULES, week_blocks(), [], MONDAY, MONDAY, LONG_AGO)
    assert local_times(slots)[0] == "08:00"
    assert local_times(slots)[-1] == "11:15"  # 11:15 + 45 min ends at 12:00
    assert len(slots) == 14
    assert all(slot.ends_at - slot.starts_at == timedelta(minutes=45) for slot in slots)


def test_times_are_stored_in_utc_for_helsinki_wall_clock():
    winter = free_slots(RULES, week_blocks(), [], MONDAY, MONDAY, LONG_AGO)[0]
    assert winter.starts_at == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # 8.00 at UTC+2
    summer_day = date(2026, 6, 1)
    summer = free_slots(RULES, week_blocks(), [], summer_day, summer_day, LONG_AGO)[0]
    assert summer.starts_at == datetime(2026, 6, 1, 5, 0, tzinfo=UTC)  # 8.00 at UTC+3


def test_the_day_summer_time_starts_neither_shifts_nor_invents_slots():
    """29.3.2026: clocks go from 3.00 to 4.00 local time."""
    day = date(2026, 3, 29)
    hours = [WorkBlock(1, 1, day.weekday(), time(2), time(5))]
    rules = BookingRules(
        duration=timedelta(minutes=30), interval=timedelta(minutes=30), min_notice=timedelta(0), max_days_ahead=3650
    )
    slots = free_slots(rules, hours, [], day, day, LONG_AGO)
    # 2.00-5.00 on the wall clock is only two real hours; the hour 3.00-4.00 does not exist.
    assert local_times(slots) == ["02:00", "02:30", "04:00", "04:30"]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in slots)
    normal = free_slots(RULES, week_blocks(), [], date(2026, 3, 30), date(2026, 3, 30), LONG_AGO)
    assert normal[0].starts_at == datetime(2026, 3, 30, 5, 0, tzinfo=UTC)  # Monday 8.00, now UTC+3
    before = free_slots(RULES, week_blocks(), [], date(2026, 3, 27), date(2026, 3, 27), LONG_AGO)
    assert before[0].starts_at == datetime(2026, 3, 27, 6, 0, tzinfo=UTC)  # Friday 8.00, still UTC+2


def test_the_day_summer_time_ends_keeps_both_real_hours():
    """25.10.2026: clocks go back from 4.00 to 3.00, so 3.00-4.00 happens twice."""
    day = date(2026, 10, 25)
    hours = [WorkBlock(1, 1, day.weekday(), time(2), time(5))]
    rules = BookingRules(
        duration=timedelta(minutes=30), interval=timedelta(minutes=30), min_notice=timedelta(0), max_days_ahead=3650
    )
    slots = free_slots(rules, hours, [], day, day, LONG_AGO)
    assert len(slots) == 8  # four real hours
    starts = [slot.starts_at for slot in slots]
    assert starts == sorted(set(starts))
    assert all(b - a == timedelta(minutes=30) for a, b in zip(starts, starts[1:], strict=False))
    after = free_slots(RULES, week_blocks(), [], date(2026, 10, 26), date(2026, 10, 26), LONG_AGO)
    assert after[0].starts_at == datetime(2026, 10, 26, 6, 0, tzinfo=UTC)  # Monday 8.00, back to UTC+2


def test_booked_time_and_buffers_are_kept_free():
    rules = BookingRules(
        duration=timedelta(minutes=45),
        buffer_after=timedelta(minutes=15),
        interval=timedelta(minutes=15),
        min_notice=timedelta(0),
        max_days_ahead=3650,
    )
    booked = Busy(
        1, local_to_utc(MONDAY, time(9)), local_to_utc(MONDAY, time(9, 45)), buffer_after=timedelta(minutes=15)
    )
    times = local_times(free_slots(rules, week_blocks(), [booked], MONDAY, MONDAY, LONG_AGO))
    # 8.00 + 45 + 15 buffer = 9.00: fits. 8.15 would end its buffer at 9.15: does not fit.
    assert "08:00" in times and "08:15" not in times
    assert "09:45" not in times and "10:00" in times  # the booked one's buffer runs to 10.00


def test_the_larger_buffer_between_two_appointments_counts():
    rules = BookingRules(
        duration=timedelta(minutes=30),
        buffer_before=timedelta(minutes=30),
        interval=timedelta(minutes=15),
        min_notice=timedelta(0),
        max_days_ahead=3650,
    )
    booked = Busy(
        1, local_to_utc(MONDAY, time(8)), local_to_utc(MONDAY, time(8, 30)), buffer_after=timedelta(minutes=10)
    )
    times = local_times(free_slots(rules, week_blocks(), [booked], MONDAY, MONDAY, LONG_AGO))
    assert times[0] == "09:00"  # the new one's 30-minute buffer before it wins over the 10-minute one


def test_absences_block_time():
    absence = Busy(1, local_to_utc(MONDAY, time(9)), local_to_utc(MONDAY, time(10)))
    times = local_times(free_slots(RULES, week_blocks(), [absence], MONDAY, MONDAY, LONG_AGO))
    assert "08:15" in times and "08:30" not in times and "09:45" not in times and "10:00" in times


def test_other_professionals_bookings_do_not_block():
    other = Busy(2, local_to_utc(MONDAY, time(8)), local_to_utc(MONDAY, time(12)))
    assert len(free_slots(RULES, week_blocks(), [other], MONDAY, MONDAY, LONG_AGO)) == 14


def test_minimum_notice_and_horizon():
    now = local_to_utc(MONDAY, time(9, 10))
    rules = BookingRules(
        duration=timedelta(minutes=45), interval=timedelta(minutes=15), min_notice=timedelta(hours=1), max_days_ahead=2
    )
    slots = free_slots(rules, week_blocks(), [], MONDAY, MONDAY + timedelta(days=6), now)
    assert local_times(slots)[0] == "10:15"
    assert to_local(slots[-1].starts_at).date() == MONDAY + timedelta(days=2)


def test_public_holidays_and_closed_days_have_no_slots():
    independence_day = date(2026, 12, 6)
    assert free_slots(RULES, week_blocks(), [], independence_day, independence_day, LONG_AGO) == []
    assert free_slots(RULES, week_blocks(), [], MONDAY, MONDAY, LONG_AGO, closed_days=frozenset({MONDAY})) == []


def test_validity_periods_of_working_hours():
    block = WorkBlock(1, 1, MONDAY.weekday(), time(8), time(12), valid_from=MONDAY + timedelta(days=7))
    assert free_slots(RULES, [block], [], MONDAY, MONDAY, LONG_AGO) == []
    assert free_slots(RULES, [block], [], MONDAY + timedelta(days=7), MONDAY + timedelta(days=7), LONG_AGO)


def test_a_professional_at_two_centres_is_booked_once():
    blocks = [WorkBlock(1, 1, 0, time(8), time(10)), WorkBlock(1, 2, 0, time(10), time(12))]
    booked = Busy(1, local_to_utc(MONDAY, time(9, 30)), local_to_utc(MONDAY, time(10, 15)))
    slots = free_slots(RULES, blocks, [booked], MONDAY, MONDAY, LONG_AGO)
    assert {(s.centre_id, to_local(s.starts_at).strftime("%H:%M")) for s in slots} >= {(1, "08:00"), (2, "10:15")}
    assert all(not (s.starts_at < booked.ends_at and s.ends_at > booked.starts_at) for s in slots)


def test_any_professional_offers_the_least_busy_one_per_time():
    start = local_to_utc(MONDAY, time(8))
    slots = [
        Slot(start, 1, 1, start + timedelta(minutes=45)),
        Slot(start, 2, 1, start + timedelta(minutes=45)),
        Slot(start, 3, 2, start + timedelta(minutes=45)),
    ]
    chosen = one_per_time(slots, {1: 5, 2: 1})
    assert [(s.professional_id, s.centre_id) for s in chosen] == [(2, 1), (3, 2)]
    assert [s.professional_id for s in one_per_time(slots, {}, by_centre=False)] == [1]


def test_nearest_slots_are_returned_in_time_order():
    slots = free_slots(RULES, week_blocks(), [], MONDAY, MONDAY, LONG_AGO)
    wanted = local_to_utc(MONDAY, time(10))
    assert local_times(nearest(slots, wanted, 3)) == ["09:45", "10:00", "10:15"]


@settings(max_examples=60, deadline=None)
@given(
    bookings=st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=8),
    duration=st.sampled_from([15, 30, 45, 60]),
    buffer_after=st.sampled_from([0, 5, 15]),
)
def test_free_slots_never_touch_bookings_or_their_buffers(bookings, duration, buffer_after):
    day_start = local_to_utc(MONDAY, time(8))
    busy = [
        Busy(
            1,
            day_start + timedelta(minutes=15 * offset),
            day_start + timedelta(minutes=15 * (offset + length)),
            buffer_after=timedelta(minutes=buffer_after),
        )
        for offset, length in bookings
    ]
    rules = BookingRules(
        duration=timedelta(minutes=duration),
        buffer_after=timedelta(minutes=buffer_after),
        interval=timedelta(minutes=15),
        min_notice=timedelta(0),
        max_days_ahead=3650,
    )
    for slot in free_slots(rules, week_blocks(end=time(18)), busy, MONDAY, MONDAY, LONG_AGO):
        assert slot.starts_at.tzinfo is not None and to_local(slot.starts_at).tzinfo == HELSINKI
        assert local_to_utc(MONDAY, time(8)) <= slot.starts_at and slot.ends_at <= local_to_utc(MONDAY, time(18))
        for b in busy:
            gap_needed = timedelta(minutes=buffer_after)
            assert slot.ends_at + gap_needed <= b.starts_at or b.ends_at + gap_needed <= slot.starts_at


@settings(max_examples=80, deadline=None)
@given(
    bookings=st.lists(st.tuples(st.integers(0, 120), st.integers(1, 24)), max_size=8),
    duration=st.sampled_from([15, 30, 45, 60]),
    buffer_before=st.sampled_from([0, 10, 15]),
    now_offset=st.integers(-60, 300),
)
def test_every_free_time_on_the_grid_is_offered(bookings, duration, buffer_before, now_offset):
    """Nothing free is missed, even with bookings off the grid and the minimum notice ending mid-block."""
    day_start, day_end = local_to_utc(MONDAY, time(8)), local_to_utc(MONDAY, time(18))
    busy = [
        Busy(1, day_start + timedelta(minutes=5 * offset), day_start + timedelta(minutes=5 * (offset + length)))
        for offset, length in bookings
    ]
    rules = BookingRules(
        duration=timedelta(minutes=duration),
        buffer_before=timedelta(minutes=buffer_before),
        interval=timedelta(minutes=15),
        min_notice=timedelta(0),
        max_days_ahead=3650,
    )
    now = day_start + timedelta(minutes=now_offset)
    expected = []
    start = day_start
    while start + rules.duration <= day_end:
        if start >= now and all(
            start + rules.duration <= b.starts_at or b.ends_at + rules.buffer_before <= start for b in busy
        ):
            expected.append(start)
        start += rules.interval
    offered = free_slots(rules, week_blocks(end=time(18)), busy, MONDAY, MONDAY, now)
    assert [slot.starts_at for slot in offered] == expected
