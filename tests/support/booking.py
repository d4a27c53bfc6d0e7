"""Booking scenarios that tests of several features share: a fixed Monday, booking over HTTP
as a family does, a booking a reminder becomes due for at a fixed clock, and a taken morning for the
earlier-time waiting list."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from blueprints.booking import appointments
from blueprints.booking.appointments import FamilyDetails
from blueprints.booking.models import Absence, Appointment
from blueprints.booking.time_search import SlotChoice, SlotQuery, find_slots
from blueprints.organisation.models import Service
from core.holidays import is_holiday
from core.timeutil import local_to_utc, to_local, utcnow
from tests.support.helpers import next_week

MONDAY = date(2026, 11, 30)

SLOT = re.compile(r'name="slot" value="([^"]+)"')
FAMILY = {
    "guardian_name": "Anna Lindholm",
    "guardian_email": "anna@example.com",
    "guardian_phone": "040 123 4567",
    "child_first_name": "Elsa",
    "child_age_years": "4",
    "language": "sv",
    "message": "",
}

# A fixed clock: a Tuesday morning with no public holiday in the days around it, so a
# reminder window never falls on a closed day (the tests once failed the day before 6 December).
REMINDER_NOW = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
REMINDER_FAMILY = FamilyDetails("Maria Sundström", "maria@example.com", "", "Alva", 5, "fi", "")


def free_slots(client, path: str) -> list[str]:
    """The slot values the page at ``path`` offers."""
    return SLOT.findall(client.get(path).get_data(as_text=True))


def book(client, world, slot: str | None = None, **changes):
    """Book ``slot`` (or the first free time next week) through the family's form; ``changes`` override fields."""
    slot = slot or free_slots(client, next_week(f"/book/{world.service_slug}"))[0]
    details = f"/book/{world.service_slug}/details?slot={slot}"
    return client.submit(f"/book/{world.service_slug}/details", {**FAMILY, "slot": slot, **changes}, token_from=details)


def book_within(db, world, hours: float) -> Appointment:
    """Book the first free slot at least ``hours`` after ``REMINDER_NOW``."""
    service = db.session.get(Service, world.service_id)
    today = to_local(REMINDER_NOW).date()
    slots = find_slots(SlotQuery(service, "in_person"), today, today + timedelta(days=3), REMINDER_NOW)
    slot = next(s for s in slots if s.starts_at >= REMINDER_NOW + timedelta(hours=hours))
    choice = SlotChoice("in_person", slot.professional_id, slot.centre_id, slot.starts_at)
    appointment = appointments.book(service, choice, REMINDER_FAMILY, REMINDER_NOW)
    db.session.commit()
    return appointment


# --- The earlier-time waiting list ------------------------------------------------------

MORNING_TIMES = (time(8), time(9), time(10))


def coming_working_day() -> date:
    """A weekday that is no public holiday, a few days ahead, whatever day the test runs on."""
    today = to_local(utcnow()).date()
    days = (today + timedelta(days=k) for k in range(3, 30))
    return next(day for day in days if day.weekday() < 5 and not is_holiday(day))


def block(db, world, day: date, start: time, end: time) -> None:
    """The professional is away from ``start`` to ``end`` on ``day``."""
    pid = world.professional.id
    db.session.add(
        Absence(user_id=pid, starts_at=local_to_utc(day, start), ends_at=local_to_utc(day, end), created_by_id=pid)
    )
    db.session.commit()


def book_at(
    db, world, day: date, at: time, name: str, email: str = "", sms: bool = False, language: str = "sv"
) -> Appointment:
    """``name``'s family books ``at`` on ``day``, in ``language``."""
    service = db.session.get(Service, world.service_id)
    choice = SlotChoice("in_person", world.professional.id, world.centre_id, local_to_utc(day, at))
    details = FamilyDetails(name, email, "+358401234567", "", None, language, "", language, sms)
    appointment = appointments.book(service, choice, details, utcnow())
    db.session.commit()
    return appointment


def fill_morning(db, world) -> tuple[date, list[Appointment]]:
    """On a coming working day the morning is taken: away until 8 and from 11, families booked at 8, 9 and 10."""
    day = coming_working_day()
    block(db, world, day, time(0), time(8))
    block(db, world, day, time(11), time(12))
    return day, [book_at(db, world, day, at, f"Family {at.hour}") for at in MORNING_TIMES]
