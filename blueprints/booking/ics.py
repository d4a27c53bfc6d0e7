"""iCalendar (.ics) files: one appointment for the family's email, a feed for a professional."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from core.i18n import localized

from .models import Appointment, AppointmentStatus

PRODUCT_ID = "-//Famnen//Appointments//EN"


def _calendar(method: str | None = None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def place_text(appointment: Appointment, phone_text: str, video_text: str) -> str:
    """Where the appointment happens, as one line: the centre's address, or how it is held."""
    if appointment.mode == "phone":
        return phone_text
    if appointment.mode == "video":
        return video_text
    centre = appointment.centre
    return f"{localized(centre, 'name')}, {centre.street_address}, {centre.postal_code} {localized(centre, 'city')}"


def appointment_event(appointment: Appointment, summary: str, location: str, description: str, stamp: datetime) -> Event:
    """One VEVENT for an appointment; cancelled ones are marked so calendars remove them."""
    event = Event()
    event.add("uid", f"appointment-{appointment.reference}@famnen")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("sequence", appointment.sequence)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    cancelled = appointment.status in (AppointmentStatus.CANCELLED_BY_FAMILY, AppointmentStatus.CANCELLED_BY_STAFF)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def single_event_file(event: Event, cancelled: bool) -> bytes:
    """A calendar file holding one event, to attach to an email."""
    calendar = _calendar(method="CANCEL" if cancelled else "PUBLISH")
    calendar.add_component(event)
    return calendar.to_ical()


def feed(events: list[Event], name: str) -> bytes:
    """A subscribable calendar feed of several events."""
    calendar = _calendar(name=name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
