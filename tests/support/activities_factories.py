"""Small factories for activity tests: an activity at a centre and dates relative to now."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from blueprints.activities.models import (
    Activity,
    ActivityDate,
    ActivityKind,
    AgeGroup,
    Registration,
    RegistrationStatus,
)
from blueprints.activities.registration import Guardian, Party, register
from core.timeutil import utcnow
from extensions import db

FAMILY_FORM = {
    "guardian_name": "Anna Lindholm",
    "guardian_email": "anna@example.com",
    "guardian_phone": "040 123 4567",
    "adults": "2",
    "children": "1",
    "language": "sv",
}


def make_activity(centre_id: int | None = None, **fields) -> Activity:
    """A published parent group with registration, 10 places and a waiting list; ``fields`` override."""
    values = dict(
        title_sv="Föräldragrupp",
        title_fi="Vanhempainryhmä",
        title_en="Parent group",
        description_sv="Vi pratar om vardagen.",
        description_fi="Puhumme arjesta.",
        description_en="We talk about everyday life.",
        kind=ActivityKind.PARENT_GROUP,
        age_group=AgeGroup.BABIES,
        languages="sv fi",
        centre_id=centre_id,
        place_sv="Gruppsalen",
        place_fi="Ryhmätila",
        place_en="Group room",
        registration_required=True,
        capacity=10,
        waiting_list=True,
        registration_closes_hours=0,
    )
    values.update(fields)
    activity = Activity(**values)
    db.session.add(activity)
    db.session.commit()
    return activity


def make_date(
    activity: Activity, starts_in: timedelta = timedelta(days=3), hours: float = 1.5, **fields
) -> ActivityDate:
    """A date of ``activity`` starting ``starts_in`` from now."""
    starts_at = (utcnow() + starts_in).replace(second=0, microsecond=0)
    activity_date = ActivityDate(
        activity_id=activity.id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), **fields
    )
    db.session.add(activity_date)
    db.session.commit()
    return activity_date


def make_registration(
    activity_date: ActivityDate,
    adults: int = 1,
    children: int = 0,
    name: str = "Parent",
    email: str = "",
    language: str = "sv",
    now: datetime | None = None,
) -> Registration:
    """Register a family through the real rules (places, waiting list), and commit it as a request would."""
    guardian = Guardian(name, email or f"{name.lower().replace(' ', '.')}@example.com", "040 123 4567", language)
    registration = register(activity_date.id, Party(adults, children), guardian, now or utcnow())
    db.session.commit()
    return registration


def statuses(activity_date: ActivityDate) -> list[tuple[str, str]]:
    """(name, status) of every registration of a date, in arrival order."""
    db.session.expire_all()
    rows = db.session.scalars(
        select(Registration).where(Registration.date_id == activity_date.id).order_by(Registration.arrival)
    )
    return [(row.guardian_name, row.status.value) for row in rows]


CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED.value,
    RegistrationStatus.WAITING.value,
    RegistrationStatus.CANCELLED.value,
)
