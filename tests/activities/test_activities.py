"""The rules of group activities: places, the waiting list in arrival order, series of dates and figures."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from blueprints.activities import figures, registration, series
from blueprints.activities.models import Activity, ActivityDate, Attendance, Registration, RegistrationStatus
from blueprints.activities.registration import (
    ChangeNotAllowed,
    Guardian,
    NotEnoughPlaces,
    Party,
    RegistrationClosed,
    cancel,
    change_party,
    promote_all,
    waiting_position,
)
from core.downloads import csv_cell
from core.timeutil import local_to_utc, to_local, utcnow
from tests.support.activities_factories import (
    CANCELLED,
    CONFIRMED,
    WAITING,
    make_activity,
    make_date,
    make_registration,
    statuses,
)
from tests.support.helpers import make_staff


def test_places_are_given_until_full_then_the_waiting_list_takes_over(group):
    make_registration(group, 2, 1, "First")
    make_registration(group, 1, 1, "Second")
    third = make_registration(group, 1, 0, "Third")
    fourth = make_registration(group, 1, 0, "Fourth")
    assert statuses(group) == [("First", CONFIRMED), ("Second", CONFIRMED), ("Third", WAITING), ("Fourth", WAITING)]
    assert waiting_position(third) == 1 and waiting_position(fourth) == 2
    assert registration.free_places(group) == 0
    assert [row.arrival for row in registration.registered_families(group.id)] == [1, 2, 3, 4]


def test_a_party_that_does_not_fit_waits_and_nobody_overtakes_it(group):
    make_registration(group, 2, 1, "First")
    big = make_registration(group, 2, 1, "Big family")  # 3 people, 2 places left
    small = make_registration(group, 1, 0, "Single parent")  # would fit, but must not jump the queue
    assert big.status == RegistrationStatus.WAITING and small.status == RegistrationStatus.WAITING
    assert registration.free_places(group) == 2


def test_without_a_waiting_list_a_party_that_does_not_fit_is_refused(db):
    activity_date = make_date(make_activity(capacity=4, waiting_list=False))
    make_registration(activity_date, 2, 1, "First")
    with pytest.raises(NotEnoughPlaces) as refused:
        make_registration(activity_date, 2, 0, "Second")
    assert refused.value.available == 1 and not refused.value.too_large
    make_registration(activity_date, 1, 0, "Third")
    with pytest.raises(NotEnoughPlaces) as full:
        make_registration(activity_date, 1, 0, "Fourth")
    assert full.value.available == 0
    assert statuses(activity_date) == [("First", CONFIRMED), ("Third", CONFIRMED)]


def test_a_party_larger_than_the_whole_capacity_is_refused_even_with_a_waiting_list(group):
    with pytest.raises(NotEnoughPlaces) as refused:
        make_registration(group, 3, 3, "Too many")
    assert refused.value.too_large and refused.value.available == 5
    assert statuses(group) == []


def test_unlimited_activities_confirm_everyone(db):
    activity_date = make_date(make_activity(capacity=None))
    for number in range(30):
        make_registration(activity_date, 2, 3, f"Parent {number}")
    assert {status for _, status in statuses(activity_date)} == {CONFIRMED}


def test_a_cancellation_promotes_the_first_in_line_in_strict_order(group):
    first = make_registration(group, 2, 1, "First")
    make_registration(group, 1, 1, "Second")
    make_registration(group, 2, 1, "Big")  # waiting, needs 3
    make_registration(group, 1, 0, "Small")  # waiting behind
    second = db_registration(group, "Second")
    promoted = cancel(second, utcnow())  # 2 places free: Big does not fit, Small must not overtake
    assert promoted == []
    assert statuses(group) == [("First", CONFIRMED), ("Second", CANCELLED), ("Big", WAITING), ("Small", WAITING)]
    promoted = cancel(first, utcnow())  # now 5 free: Big (3) and Small (1) both get in
    assert [row.guardian_name for row in promoted] == ["Big", "Small"]
    assert all(row.promoted_at is not None for row in promoted)
    assert registration.free_places(group) == 1


def db_registration(activity_date: ActivityDate, name: str) -> Registration:
    from extensions import db

    return db.session.scalar(
        select(Registration).where(Registration.date_id == activity_date.id, Registration.guardian_name == name)
    )


def test_leaving_the_waiting_list_lets_the_next_one_in_when_they_fit(group):
    make_registration(group, 2, 1, "First")
    big = make_registration(group, 2, 1, "Big")
    make_registration(group, 1, 0, "Small")
    promoted = cancel(big, utcnow())
    assert [row.guardian_name for row in promoted] == ["Small"]
    assert statuses(group)[-1] == ("Small", CONFIRMED)


def test_cancelling_twice_promotes_only_once(group):
    first = make_registration(group, 2, 3, "First")
    make_registration(group, 1, 0, "Waiting 1")
    make_registration(group, 1, 0, "Waiting 2")
    assert len(cancel(first, utcnow())) == 2
    with pytest.raises(ChangeNotAllowed):
        cancel(first, utcnow())
    assert statuses(group)[1:] == [("Waiting 1", CONFIRMED), ("Waiting 2", CONFIRMED)]


def test_changing_the_numbers_needs_free_places_and_fewer_people_free_places(group):
    first = make_registration(group, 2, 1, "First")
    make_registration(group, 1, 0, "Second")
    make_registration(group, 2, 0, "Waiting")
    with pytest.raises(NotEnoughPlaces) as refused:
        change_party(first, Party(2, 3), utcnow())
    assert refused.value.available == 4  # their own 3 and the 1 free
    from extensions import db

    db.session.rollback()
    promoted = change_party(first, Party(1, 1), utcnow())
    assert [row.guardian_name for row in promoted] == ["Waiting"]
    assert registration.free_places(group) == 0


def test_waiting_families_may_change_their_numbers_and_keep_their_place_in_line(group):
    make_registration(group, 2, 3, "Full house")
    waiting = make_registration(group, 2, 1, "Waiting")
    behind = make_registration(group, 1, 0, "Behind")
    change_party(waiting, Party(1, 2), utcnow())
    assert waiting_position(waiting) == 1 and waiting_position(behind) == 2


def test_registration_is_closed_for_drop_in_cancelled_past_and_late_dates(db):
    now = utcnow()
    drop_in = make_date(make_activity(registration_required=False))
    cancelled = make_date(make_activity(), cancelled=True)
    past = make_date(make_activity(), starts_in=timedelta(hours=-1))
    late = make_date(make_activity(registration_closes_hours=48), starts_in=timedelta(hours=24))
    for activity_date, reason in ((drop_in, "drop_in"), (cancelled, "cancelled"), (past, "past"), (late, "closed")):
        with pytest.raises(RegistrationClosed) as refused:
            make_registration(activity_date, now=now)
        assert refused.value.reason == reason
    # Reception taking a phone call may still register after the online deadline, until the date begins.
    reception = make_staff({"reception"}, email="pia@famnen.example")
    from blueprints.auth.models import User
    from extensions import db as database

    staff_user = database.session.get(User, reception.id)
    booked = registration.register(
        late.id, Party(1, 1), Guardian("Phone", "", "040 1", "fi"), now, registered_by=staff_user
    )
    assert booked.status == RegistrationStatus.CONFIRMED and booked.registered_by_id == reception.id


def test_families_cannot_cancel_after_the_date_has_begun_but_staff_can(db):
    activity_date = make_date(make_activity(), starts_in=timedelta(hours=2))
    booked = make_registration(activity_date)
    later = utcnow() + timedelta(hours=3)
    with pytest.raises(ChangeNotAllowed):
        cancel(booked, later)
    staff = make_staff({"reception"}, email="pia@famnen.example")
    from blueprints.auth.models import User
    from extensions import db as database

    cancel(booked, later, by_staff=database.session.get(User, staff.id))
    assert booked.status == RegistrationStatus.CANCELLED and booked.cancelled_by_id == staff.id


def test_a_larger_capacity_fills_the_places_from_the_waiting_lists(db):
    from extensions import db as database

    activity = make_activity(capacity=2)
    first, second = make_date(activity), make_date(activity, starts_in=timedelta(days=10))
    for activity_date in (first, second):
        make_registration(activity_date, 2, 0, "In")
        make_registration(activity_date, 1, 0, "Queue")
    activity.capacity = 3
    promoted = promote_all(database.session.get(Activity, activity.id), utcnow())
    database.session.commit()
    assert len(promoted) == 2
    assert statuses(first)[-1] == ("Queue", CONFIRMED) and statuses(second)[-1] == ("Queue", CONFIRMED)


def test_attendance_is_marked_once_the_date_has_begun(db):
    activity_date = make_date(make_activity(), starts_in=timedelta(minutes=30))
    booked = make_registration(activity_date)
    with pytest.raises(ChangeNotAllowed):
        registration.set_attendance(booked, Attendance.ATTENDED, utcnow())
    registration.set_attendance(booked, Attendance.ATTENDED, utcnow() + timedelta(hours=1))
    assert booked.attendance == Attendance.ATTENDED


# --- Series of dates ----------------------------------------------------------------------


def test_weekly_and_every_other_week_series_skip_public_holidays():
    # Tuesdays in December 2026: 1, 8, 15, 22, 29; none is a holiday. Thursdays: 3, 10, 17, 24 (Christmas Eve), 31.
    assert series.series_days(date(2026, 12, 1), date(2026, 12, 31), 1, True) == [
        date(2026, 12, d) for d in (1, 8, 15, 22, 29)
    ]
    assert series.series_days(date(2026, 12, 3), date(2026, 12, 31), 1, True) == [
        date(2026, 12, d) for d in (3, 10, 17, 31)
    ]
    assert series.series_days(date(2026, 12, 3), date(2026, 12, 31), 1, False)[-2] == date(2026, 12, 24)
    assert series.series_days(date(2026, 12, 3), date(2026, 12, 31), 2, True) == [
        date(2026, 12, d) for d in (3, 17, 31)
    ]
    with pytest.raises(ValueError):
        series.series_days(date(2026, 12, 3), date(2026, 12, 1), 1, True)


def test_a_series_keeps_its_wall_clock_time_across_the_change_to_winter_time(db):
    activity = make_activity()
    days = series.series_days(date(2026, 10, 19), date(2026, 11, 2), 1, True)
    added, existing = series.add_dates(activity, days, time(10), time(11, 30))
    from extensions import db as database

    database.session.commit()
    assert (added, existing) == (3, 0)
    starts = [
        to_local(item.starts_at)
        for item in database.session.scalars(select(ActivityDate).order_by(ActivityDate.starts_at))
    ]
    assert [(moment.hour, moment.minute) for moment in starts] == [(10, 0)] * 3
    assert [item.utcoffset() for item in starts] == [timedelta(hours=3), timedelta(hours=2), timedelta(hours=2)]
    # Generating the same series again adds nothing.
    assert series.add_dates(activity, days, time(10), time(11, 30)) == (0, 3)


def test_changing_a_date_raises_its_sequence_only_when_the_time_moves(group):
    topic = series.Topic("Sömn", "Uni", "Sleep")
    assert series.change_date(group, group.starts_at, group.ends_at, topic) is False
    assert group.sequence == 0 and group.topic_fi == "Uni"
    assert (
        series.change_date(group, group.starts_at + timedelta(hours=1), group.ends_at + timedelta(hours=1), topic)
        is True
    )
    assert group.sequence == 1
    series.cancel_date(group, " Sjukdom ", utcnow())
    assert group.cancelled and group.cancel_reason == "Sjukdom" and group.sequence == 2
    with pytest.raises(ChangeNotAllowed):
        series.cancel_date(group, "again", utcnow())
    with pytest.raises(ChangeNotAllowed):
        series.change_date(group, group.starts_at, group.ends_at, topic)


# --- Figures ------------------------------------------------------------------------------


def test_terms_are_half_years_in_helsinki_time():
    assert figures.Term.of(datetime(2026, 6, 30, 20, 59, tzinfo=UTC)) == figures.Term(2026, 1)
    assert figures.Term.of(datetime(2026, 6, 30, 21, 0, tzinfo=UTC)) == figures.Term(2026, 2)  # midnight in Helsinki
    assert figures.Term.parse("2026-2") == figures.Term(2026, 2) and figures.Term.parse("2026-3") is None
    assert figures.Term.parse("x") is None
    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert figures.terms_until(datetime(2025, 12, 1, tzinfo=UTC), now) == [
        figures.Term(2026, 2),
        figures.Term(2026, 1),
        figures.Term(2025, 2),
    ]


def test_figures_count_held_dates_registrations_attendance_and_head_counts(db):
    from extensions import db as database

    now = datetime(2026, 10, 15, 12, tzinfo=UTC)
    activity = make_activity(capacity=20)

    def dated(days: int, **fields) -> ActivityDate:
        item = ActivityDate(
            activity_id=activity.id,
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=1),
            **fields,
        )
        database.session.add(item)
        database.session.flush()
        return item

    held, also_held = dated(-1), dated(-2, visitors_adults=4, visitors_children=6)
    dated(-3, cancelled=True)
    dated(5)  # not held yet
    dated(-200)  # another term
    rows = [
        Registration(
            date_id=held.id,
            arrival=1,
            status=RegistrationStatus.CONFIRMED,
            adults=2,
            children=1,
            attendance=Attendance.ATTENDED,
        ),
        Registration(
            date_id=held.id,
            arrival=2,
            status=RegistrationStatus.CONFIRMED,
            adults=1,
            children=2,
            attendance=Attendance.NO_SHOW,
        ),
        Registration(date_id=held.id, arrival=3, status=RegistrationStatus.CANCELLED, adults=1, children=1),
        Registration(date_id=also_held.id, arrival=1, status=RegistrationStatus.CONFIRMED, adults=1, children=0),
    ]
    for number, row in enumerate(rows):
        row.guardian_name, row.language, row.reference = "X", "sv", f"ref{number}"
        database.session.add(row)
    database.session.commit()
    numbers = figures.figures_for_term([activity.id], figures.Term(2026, 2), now)[activity.id]
    assert numbers == figures.Figures(
        dates_held=2,
        dates_cancelled=1,
        registrations=3,
        adults=4,
        children=3,
        attended=3,
        no_shows=1,
        visitors=10,
    )
    assert figures.total({1: numbers, 2: numbers}).registrations == 6
    assert figures.figures_for_term([activity.id], figures.Term(2026, 1), now)[activity.id].dates_held == 1
    assert figures.first_date([activity.id]) == now - timedelta(days=200)


def test_csv_cells_that_look_like_formulas_are_defused():
    assert csv_cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert csv_cell("+358 40 123") == "'+358 40 123"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)" and csv_cell("-1") == "'-1"
    assert csv_cell("Anna") == "Anna" and csv_cell(3) == "3" and csv_cell(None) == ""


def test_dates_in_the_calendar_are_local_days(db):
    from blueprints.activities.calendar import Filters, by_day, dates_between

    activity = make_activity()
    late_evening = ActivityDate(
        activity_id=activity.id,
        starts_at=local_to_utc(date(2027, 1, 5), time(23)),
        ends_at=local_to_utc(date(2027, 1, 5), time(23, 30)),
    )
    from extensions import db as database

    database.session.add(late_evening)
    database.session.commit()
    found = dates_between(Filters(), date(2027, 1, 5), date(2027, 1, 5))
    assert [item.id for item in found] == [late_evening.id]
    assert [day.day for day in by_day(found, date(2027, 1, 4), date(2027, 1, 10))][1] == date(2027, 1, 5)
    assert dates_between(Filters(), date(2027, 1, 6), date(2027, 1, 6)) == []
