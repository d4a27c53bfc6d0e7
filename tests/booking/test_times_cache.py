"""The cached free-times page: any change shows at once, on every app server, and the clock expires what it must.

The page is cached per process under the availability generation
(core.generations). These tests change bookings, absences and working hours
through a second app - its own engine and sessions, as another worker process
or app server would - and expect the very next page to show the change.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import update

from blueprints.auth.models import StaffRole, User
from blueprints.booking import appointments
from blueprints.booking.models import (
    Absence,
    Appointment,
    EarlierTimeRequest,
    HeldTime,
    ProfessionalProfile,
    WorkingHours,
)
from blueprints.booking.time_search import AVAILABILITY, decode_slot
from blueprints.organisation.models import Centre, Service
from core import generations, timeutil
from core.timeutil import HELSINKI, local_to_utc
from core.tokens import new_reference
from extensions import db as _db
from tests.support.helpers import next_week, tables_read_by

SLOT = re.compile(r'name="slot" value="([^"]+)"')
FAMILY = appointments.FamilyDetails("Anna Lindholm", "anna@example.com", "0401234567", "Elsa", 4, "sv", "")


def slots_on(client, path: str) -> list[str]:
    return SLOT.findall(client.get(path).get_data(as_text=True))


def book_in(other_app, world, value: str) -> int:
    with other_app.app_context():
        service = _db.session.get(Service, world.service_id)
        appointment_id = appointments.book(service, decode_slot(value), FAMILY, timeutil.utcnow()).id
        _db.session.commit()  # as the booking view does
        return appointment_id


def cancel_in(other_app, appointment_id: int) -> None:
    with other_app.app_context():
        appointment = _db.session.get(Appointment, appointment_id)
        appointments.cancel(
            appointment, timeutil.utcnow(), by_staff=_db.session.get(User, appointment.professional_id), reason="Sick"
        )
        _db.session.commit()


def slot_start(value: str) -> datetime:
    return decode_slot(value).starts_at


def test_a_booking_made_by_another_server_disappears_from_the_next_page(client, db, world, other_app):
    path = next_week(f"/book/{world.service_slug}")
    before = slots_on(client, path)
    assert slots_on(client, path) == before  # served from the cache
    book_in(other_app, world, before[0])
    after = slots_on(client, path)
    assert before[0] not in after and after


def test_a_cancellation_by_another_server_shows_the_time_again(client, db, world, other_app):
    path = next_week(f"/book/{world.service_slug}")
    first = slots_on(client, path)[0]
    appointment_id = book_in(other_app, world, first)
    assert first not in slots_on(client, path)
    cancel_in(other_app, appointment_id)
    assert first in slots_on(client, path)


def test_an_absence_recorded_by_another_server_hides_its_times(client, db, world, other_app):
    path = next_week(f"/book/{world.service_slug}")
    first = slots_on(client, path)[0]
    starts = slot_start(first)
    with other_app.app_context():
        _db.session.add(Absence(user_id=world.professional.id, starts_at=starts, ends_at=starts + timedelta(hours=2)))
        _db.session.commit()
    after = slots_on(client, path)
    assert after and not [value for value in after if starts <= slot_start(value) < starts + timedelta(hours=2)]


def test_working_hours_changed_by_another_server_change_the_times(client, db, world, other_app):
    path = next_week(f"/book/{world.service_slug}")
    first = slots_on(client, path)[0]
    weekday = slot_start(first).astimezone(HELSINKI).weekday()
    with other_app.app_context():
        hours = _db.session.query(WorkingHours).filter_by(user_id=world.professional.id, weekday=weekday).one()
        hours.start_time = time(20)
        _db.session.commit()
    after = slots_on(client, path)
    assert first not in after
    assert all(
        slot_start(v).astimezone(HELSINKI).time() >= time(20)
        for v in after
        if slot_start(v).astimezone(HELSINKI).weekday() == weekday
    )


def test_a_bulk_update_raises_the_generation_too(client, db, world, other_app):
    path = next_week(f"/book/{world.service_slug}")
    first = slots_on(client, path)[0]
    appointment_id = book_in(other_app, world, first)
    assert first not in slots_on(client, path)
    with other_app.app_context():
        _db.session.execute(
            update(Appointment).where(Appointment.id == appointment_id).values(status="cancelled_by_staff")
        )
        _db.session.commit()
    assert first in slots_on(client, path)


def test_a_rolled_back_change_is_neither_counted_nor_cached(client, db, world):
    path = next_week(f"/book/{world.service_slug}")
    before = generations.current(AVAILABILITY)
    first = slots_on(client, path)[0]
    starts = slot_start(first)
    db.session.add(Absence(user_id=world.professional.id, starts_at=starts, ends_at=starts + timedelta(hours=1)))
    db.session.flush()
    db.session.rollback()
    assert generations.current(AVAILABILITY) == before
    assert first in slots_on(client, path)


def test_a_time_leaves_the_page_once_it_passes_the_minimum_notice(client, db, world, monkeypatch):
    # A Wednesday without holidays; the world's professional works around the clock, notice 1 hour.
    day = date(2031, 3, 12)
    clock = {"now": local_to_utc(day, time(10, 7))}
    monkeypatch.setattr(timeutil, "clock", lambda: clock["now"])
    path = f"/book/{world.service_slug}"
    first = slot_start(slots_on(client, path)[0])
    assert first == local_to_utc(day, time(11, 15))  # the first quarter hour an hour ahead
    clock["now"] = local_to_utc(day, time(10, 15))
    assert slot_start(slots_on(client, path)[0]) == first  # still an hour ahead
    clock["now"] += timedelta(seconds=1)
    assert slot_start(slots_on(client, path)[0]) == local_to_utc(day, time(11, 30))


def test_the_booking_horizon_moves_at_midnight(client, db, world, monkeypatch):
    day = date(2031, 3, 11)  # 60 days on is a Saturday: the new last day is in the same week
    clock = {"now": local_to_utc(day, time(23, 50))}
    monkeypatch.setattr(timeutil, "clock", lambda: clock["now"])
    service = db.session.get(Service, world.service_id)
    last_week = day + timedelta(days=service.max_days_ahead)
    path = f"/book/{world.service_slug}?week={last_week.isoformat()}"
    last_days = {slot_start(v).astimezone(HELSINKI).date() for v in slots_on(client, path)}
    assert max(last_days) == last_week
    clock["now"] = local_to_utc(day + timedelta(days=1), time(0))
    last_days = {slot_start(v).astimezone(HELSINKI).date() for v in slots_on(client, path)}
    assert last_week + timedelta(days=1) in last_days


def test_every_table_the_free_times_page_reads_raises_the_generation(app, client, db, world):
    """A new table read by the page without being watched would let the cache show stale times."""
    read = tables_read_by(app, client, next_week(f"/book/{world.service_slug}") + "&language=fi")
    read.discard(generations.CacheGeneration.__tablename__)
    assert "appointment" in read and "working_hours" in read
    assert read <= generations.watched_tables(AVAILABILITY), read - generations.watched_tables(AVAILABILITY)


CHANGES = {
    Appointment: "book",
    Absence: "absence",
    WorkingHours: "hours",
    Service: "service",
    ProfessionalProfile: "profile",
    User: "user",
    StaffRole: "role",
    Centre: "centre",
    HeldTime: "hold",
}


@pytest.mark.parametrize("change", sorted(CHANGES.values()))
def test_each_model_the_page_reads_raises_the_generation(client, db, world, change):
    before = generations.current(AVAILABILITY)
    professional = db.session.get(User, world.professional.id)
    if change == "book":
        value = slots_on(client, next_week(f"/book/{world.service_slug}"))[0]
        appointments.book(db.session.get(Service, world.service_id), decode_slot(value), FAMILY, timeutil.utcnow())
    elif change == "absence":
        now = datetime.now(UTC)
        db.session.add(Absence(user_id=professional.id, starts_at=now, ends_at=now + timedelta(hours=1)))
    elif change == "hours":
        db.session.query(WorkingHours).filter_by(user_id=professional.id, weekday=0).one().end_time = time(12)
    elif change == "service":
        db.session.get(Service, world.service_id).min_notice_hours = 48
    elif change == "profile":
        db.session.get(ProfessionalProfile, professional.id).languages = "fi"
    elif change == "user":
        professional.active = False
    elif change == "role":
        professional.set_roles({"reception"})
    elif change == "centre":
        db.session.get(Centre, world.centre_id).name_sv = "Nytt namn"
    elif change == "hold":  # an earlier time held for a family hides it from everyone else
        value = slots_on(client, next_week(f"/book/{world.service_slug}"))[0]
        booked = appointments.book(
            db.session.get(Service, world.service_id), decode_slot(value), FAMILY, timeutil.utcnow()
        )
        day = booked.starts_at.date()
        wish = EarlierTimeRequest(appointment_id=booked.id, service_id=world.service_id, first_day=day, last_day=day)
        db.session.add(wish)
        db.session.commit()
        before = generations.current(AVAILABILITY)
        db.session.add(
            HeldTime(
                request_id=wish.id,
                professional_id=professional.id,
                centre_id=world.centre_id,
                mode="in_person",
                starts_at=booked.starts_at - timedelta(hours=2),
                ends_at=booked.starts_at - timedelta(hours=1),
                expires_at=booked.starts_at - timedelta(hours=3),
                reference=new_reference(),
            )
        )
    db.session.commit()
    assert generations.current(AVAILABILITY) == before + 1


def test_the_list_of_changes_covers_every_watched_model():
    assert set(CHANGES) == set(generations._WATCHED[AVAILABILITY])


def test_changes_the_page_does_not_read_leave_the_cache_alone(client, db, world):
    path = next_week(f"/book/{world.service_slug}")
    book = slots_on(client, path)[0]
    appointments.book(db.session.get(Service, world.service_id), decode_slot(book), FAMILY, timeutil.utcnow())
    before = generations.current(AVAILABILITY)
    appointment = db.session.query(Appointment).one()
    appointment.reminder_sent_at = datetime.now(UTC)
    appointment.message = "Allergic to cats"
    db.session.commit()
    assert generations.current(AVAILABILITY) == before


def test_the_cache_is_bounded_and_expires_entries():
    cache = generations.ExpiringCache(size=2)
    now = datetime(2031, 1, 1, tzinfo=UTC)
    cache.put("a", 1, now + timedelta(minutes=1))
    cache.put("b", 2, now + timedelta(minutes=1))
    assert cache.get("a", now) == 1
    cache.put("c", 3, now + timedelta(minutes=1))  # "b" was used least recently
    assert cache.get("b", now) is None and cache.get("a", now) == 1
    assert cache.get("a", now + timedelta(minutes=1)) is None
