"""iCalendar (.ics) files: one event for an email attachment or a download, and subscribable feeds.

The events themselves are built by the features (an appointment, an activity
date) with ``build_event``; this module knows nothing of them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Calendar, Event

from core.mail import Attachment

PRODUCT_ID = "-//Famnen//Appointments//EN"
# Calendar feeds reach this far back and ahead.
FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=366)


def _calendar(method: str | None = None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def build_event(
    *,
    uid: str,
    stamp: datetime,
    starts_at: datetime,
    ends_at: datetime,
    sequence: int,
    summary: str,
    location: str,
    description: str,
    cancelled: bool,
) -> Event:
    """One VEVENT; a cancelled one is marked so that calendars remove it. Empty texts are left out."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts_at)
    event.add("dtend", ends_at)
    event.add("sequence", sequence)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _method(event: Event) -> str:
    """CANCEL for a cancelled event, so calendars remove it; PUBLISH otherwise."""
    return "CANCEL" if str(event.get("status")) == "CANCELLED" else "PUBLISH"


def single_event_file(event: Event) -> bytes:
    """A calendar file holding one event, its method following the event's status."""
    calendar = _calendar(method=_method(event))
    calendar.add_component(event)
    return calendar.to_ical()


def email_attachment(filename: str, event: Event) -> Attachment:
    """The event as an email attachment whose content type names the same method as the file inside."""
    return Attachment(filename, single_event_file(event), f"text/calendar; method={_method(event)}")


def feed(events: list[Event], name: str) -> bytes:
    """A subscribable calendar feed of several events."""
    calendar = _calendar(name=name)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
