"""Booking scenarios that tests of several features share: a fixed Monday, booking over HTTP
as a family does, and a booking a reminder becomes due for at a fixed clock."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from blueprints.booking import appointments
from blueprints.booking.appointments import FamilyDetails
from blueprints.booking.models import Appointment
from blueprints.booking.time_search import SlotChoice, SlotQuery, find_slots
from blueprints.organisation.models import Service
from core.timeutil import to_local
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
