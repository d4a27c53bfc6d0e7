"""The public calendar: which dates to show for the family's filters, and how many places each has."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, func, select

from config import LANGUAGES
from core import generations
from core.i18n import pick
from core.timeutil import local_days, local_to_utc, to_local
from extensions import db

from ..auth.models import StaffRole, User
from ..organisation.models import Centre
from .models import (
    AGE_GROUP_LABELS,
    KIND_LABELS,
    ORGANISER_LABELS,
    Activity,
    ActivityDate,
    ActivityKind,
    AgeGroup,
    OrganiserKind,
    Registration,
    RegistrationStatus,
)
from .registration import closed_reason, closes_at

ACTIVITIES = "activities"
# What the public calendar and activity pages read: a change to any of it raises the
# activities generation, which drops their cached pages (routes.calendar_page and
# routes.activity_page). A test checks that every table those pages read is here.
generations.watch(
    ACTIVITIES,
    {
        Activity: None,
        ActivityDate: None,
        Registration: ("date_id", "status", "adults", "children"),
        Centre: None,
        User: ("active", "name"),
        StaffRole: None,
    },
    tables=("activity_leader",),
)

# The list view shows this many weeks at a time.
LIST_WEEKS = 4


@dataclass(frozen=True)
class Filters:
    """What the family narrowed the calendar to; None means any."""

    centre_id: int | None = None
    kind: ActivityKind | None = None
    language: str | None = None
    age_group: AgeGroup | None = None


def read_filters(values, centres: list[Centre]) -> Filters:
    """Filters from the query string; unknown or tampered values mean "any" instead of an error."""
    centre_ids = {str(centre.id): centre.id for centre in centres}
    kinds = {kind.value: kind for kind in ActivityKind}
    ages = {age.value: age for age in AgeGroup}
    language = values.get("language")
    return Filters(
        centre_id=centre_ids.get(values.get("centre", "")),
        kind=kinds.get(values.get("type", "")),
        language=language if language in LANGUAGES else None,
        age_group=ages.get(values.get("age", "")),
    )


def _filtered(query: Select, filters: Filters) -> Select:
    if filters.centre_id is not None:
        query = query.where(Activity.centre_id == filters.centre_id)
    if filters.kind is not None:
        query = query.where(Activity.kind == filters.kind)
    if filters.age_group is not None:
        # An activity for all ages suits every family.
        query = query.where(Activity.age_group.in_([filters.age_group, AgeGroup.ALL]))
    if filters.language is not None:
        query = query.where(Activity.languages.contains(filters.language))
    return query


def dates_between(filters: Filters, first_day: date, last_day: date) -> list[ActivityDate]:
    """Published dates from ``first_day`` to ``last_day`` (Helsinki days) that match the filters, cancelled ones too."""
    start, end = local_days(first_day, last_day)
    query = (
        select(ActivityDate)
        .join(ActivityDate.activity)
        .where(Activity.published, ActivityDate.starts_at >= start, ActivityDate.starts_at < end)
        .order_by(ActivityDate.starts_at, Activity.id)
    )
    return list(db.session.scalars(_filtered(query, filters)))


def coming_dates(activity: Activity, now: datetime) -> list[ActivityDate]:
    """The activity's dates that have not ended yet, soonest first."""
    return list(
        db.session.scalars(
            select(ActivityDate)
            .where(ActivityDate.activity_id == activity.id, ActivityDate.ends_at > now)
            .order_by(ActivityDate.starts_at)
        )
    )


@dataclass(frozen=True)
class Availability:
    """What a date offers a family right now.

    ``state`` is one of: drop_in, cancelled, past, closed, open (``free``
    places left, or no limit when ``free`` is None), waiting_list (full, but
    the queue is open) or full.
    """

    state: str
    free: int | None = None
    waiting: int = 0

    @property
    def can_register(self) -> bool:
        """Whether the registration form is offered."""
        return self.state in ("open", "waiting_list")

    def label(self) -> str:
        """The short text shown with the date in the calendar, in the current language."""
        if self.state == "open" and self.free is not None:
            return ngettext("%(num)d place left", "%(num)d places left", self.free)
        return str(
            {
                "drop_in": _("Drop-in, no registration"),
                "cancelled": _("Cancelled"),
                "past": _("Over"),
                "closed": _("Registration has closed"),
                "open": _("Places available"),
                "waiting_list": _("Full – waiting list"),
                "full": _("Full"),
            }[self.state]
        )


def _counts(date_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Places taken and people waiting, per date, in two grouped queries."""
    if not date_ids:
        return {}, {}
    taken = dict(
        db.session.execute(
            select(Registration.date_id, func.sum(Registration.adults + Registration.children))
            .where(Registration.date_id.in_(date_ids), Registration.status == RegistrationStatus.CONFIRMED)
            .group_by(Registration.date_id)
        ).all()
    )
    waiting = dict(
        db.session.execute(
            select(Registration.date_id, func.count())
            .where(Registration.date_id.in_(date_ids), Registration.status == RegistrationStatus.WAITING)
            .group_by(Registration.date_id)
        ).all()
    )
    return taken, waiting


def availability(dates: list[ActivityDate], now: datetime) -> dict[int, Availability]:
    """The availability of each date, by id."""
    taken, waiting = _counts([item.id for item in dates])
    result = {}
    for item in dates:
        activity = item.activity
        reason = closed_reason(item, now)
        queue = int(waiting.get(item.id, 0))
        if reason:
            result[item.id] = Availability(reason, waiting=queue)
            continue
        if activity.capacity is None:
            result[item.id] = Availability("open")
            continue
        free = max(0, activity.capacity - int(taken.get(item.id) or 0))
        if free > 0 and not queue:
            result[item.id] = Availability("open", free)
        else:
            result[item.id] = Availability("waiting_list" if activity.waiting_list else "full", free, queue)
    return result


def valid_until(dates: list[ActivityDate], now: datetime) -> datetime:
    """The next moment the clock alone changes a page of these dates.

    That is midnight (which moves "today"), or a date's registration closing,
    start (it is over) or end (it leaves the coming dates), whichever is first.
    """
    moments = [local_to_utc(to_local(now).date() + timedelta(days=1), time(0))]
    for item in dates:
        moments.extend(moment for moment in (closes_at(item), item.starts_at, item.ends_at) if moment > now)
    return min(moments)


@dataclass
class CalendarDay:
    """One day of the calendar with its dates."""

    day: date
    dates: list[ActivityDate] = field(default_factory=list)


def by_day(dates: list[ActivityDate], first_day: date | None = None, last_day: date | None = None) -> list[CalendarDay]:
    """Group dates by Helsinki day; with ``first_day`` and ``last_day`` every day is listed, empty ones too."""
    days: dict[date, CalendarDay] = {}
    if first_day is not None and last_day is not None:
        for offset in range((last_day - first_day).days + 1):
            day = first_day + timedelta(days=offset)
            days[day] = CalendarDay(day)
    for item in dates:
        day = to_local(item.starts_at).date()
        days.setdefault(day, CalendarDay(day)).dates.append(item)
    return [days[day] for day in sorted(days)]


def organiser_text(activity: Activity) -> str:
    """Who arranges the activity, as families read it: the municipality's or the partner's name."""
    if activity.organiser_kind == OrganiserKind.MUNICIPALITY:
        return activity.organiser_name or pick(current_app.config["MUNICIPALITY_NAME"])
    return activity.organiser_name or str(ORGANISER_LABELS[activity.organiser_kind])


def kind_label(activity: Activity) -> str:
    """The activity's type in the current language."""
    return str(KIND_LABELS[activity.kind])


def age_group_label(activity: Activity) -> str:
    """Whom the activity is meant for, in the current language."""
    return str(AGE_GROUP_LABELS[activity.age_group])
