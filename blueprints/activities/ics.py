"""Calendar files for activities: one date for a family's email, and public feeds of the calendar."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from icalendar import Event

from core.calendar_files import build_event
from core.i18n import localized

from .models import Activity, ActivityDate, Registration, RegistrationStatus


def place_text(activity: Activity) -> str:
    """Where the activity is held, as one line in the current language: online, or the place and the
    centre's address.
    """
    if activity.is_virtual:
        return _("Online")
    parts = [localized(activity, "place")]
    centre = activity.centre
    if centre is not None:
        parts += [
            localized(centre, "name"),
            centre.street_address,
            f"{centre.postal_code} {localized(centre, 'city')}".strip(),
        ]
    return ", ".join(part for part in parts if part)


def title_with_topic(activity_date: ActivityDate) -> str:
    """The activity's title, with the date's topic after it when it has one."""
    title = localized(activity_date.activity, "title")
    topic = localized(activity_date, "topic")
    return f"{title}: {topic}" if topic else title


def _event(
    uid: str, activity_date: ActivityDate, sequence: int, cancelled: bool, description: str, stamp: datetime
) -> Event:
    return build_event(
        uid=uid,
        stamp=stamp,
        starts_at=activity_date.starts_at,
        ends_at=activity_date.ends_at,
        sequence=sequence,
        summary=title_with_topic(activity_date),
        location=place_text(activity_date.activity),
        description=description,
        cancelled=cancelled,
    )


def date_event(activity_date: ActivityDate, url: str, stamp: datetime) -> Event:
    """One date in the public feed, linking to its page; cancelled dates are marked so calendars drop them."""
    return _event(
        f"activity-date-{activity_date.id}@famnen",
        activity_date,
        activity_date.sequence,
        activity_date.cancelled,
        url,
        stamp,
    )


def registration_event(registration: Registration, description: str, stamp: datetime) -> Event:
    """The family's own copy of the date they have a place on; cancelled when they or we cancel."""
    activity_date = registration.date
    cancelled = activity_date.cancelled or registration.status == RegistrationStatus.CANCELLED
    return _event(
        f"activity-registration-{registration.reference}@famnen",
        activity_date,
        activity_date.sequence + registration.sequence,
        cancelled,
        description,
        stamp,
    )
