"""An appointment as a calendar event, for the family's email and a professional's feed (files:
``core.calendar_files``).
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Event

from core.calendar_files import build_event
from core.i18n import localized

from .models import Appointment, AppointmentStatus


def place_text(appointment: Appointment, phone_text: str, video_text: str) -> str:
    """Where the appointment happens, as one line: the centre's address, or how it is held."""
    if appointment.mode == "phone":
        return phone_text
    if appointment.mode == "video":
        return video_text
    centre = appointment.centre
    return f"{localized(centre, 'name')}, {centre.street_address}, {centre.postal_code} {localized(centre, 'city')}"


def appointment_event(
    appointment: Appointment, summary: str, location: str, description: str, stamp: datetime
) -> Event:
    """One VEVENT for an appointment; cancelled ones are marked so calendars remove them."""
    return build_event(
        uid=f"appointment-{appointment.reference}@famnen",
        stamp=stamp,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        sequence=appointment.sequence,
        summary=summary,
        location=location,
        description=description,
        cancelled=appointment.status in (AppointmentStatus.CANCELLED_BY_FAMILY, AppointmentStatus.CANCELLED_BY_STAFF),
    )
