"""Attendance figures for the municipality's reporting: per activity and term, aggregate numbers only, no names.

A term is half a year: spring from January to June, autumn from July to
December (summer park activities count in the autumn term's half-year, as
the municipality's half-yearly reports do). Only dates that have begun and
were not cancelled count as held.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from core.timeutil import local_to_utc, to_local
from extensions import db

from .models import Activity, ActivityDate, Attendance, Registration, RegistrationStatus


@dataclass(frozen=True, order=True)
class Term:
    """Half a year: ``half`` 1 is spring (January–June), 2 is autumn (July–December)."""

    year: int
    half: int

    @classmethod
    def of(cls, moment: datetime) -> Term:
        """The term a moment falls in (Helsinki time)."""
        local = to_local(moment)
        return cls(local.year, 1 if local.month <= 6 else 2)

    @classmethod
    def parse(cls, value: str | None) -> Term | None:
        """A term from its key (e.g. "2026-2"), or None for anything else."""
        year, _sep, half = (value or "").partition("-")
        if not (year.isdigit() and half in ("1", "2") and 2000 <= int(year) <= 2100):
            return None
        return cls(int(year), int(half))

    @property
    def key(self) -> str:
        """The term as a form value."""
        return f"{self.year}-{self.half}"

    @property
    def label(self) -> str:
        """The term's name in the current language."""
        return _("Spring %(year)s", year=self.year) if self.half == 1 else _("Autumn %(year)s", year=self.year)

    @property
    def first_day(self) -> date:
        """The term's first day."""
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def next(self) -> Term:
        """The term after this one."""
        return Term(self.year, 2) if self.half == 1 else Term(self.year + 1, 1)


@dataclass
class Figures:
    """The numbers of one activity (or of all) in one term."""

    dates_held: int = 0
    dates_cancelled: int = 0
    registrations: int = 0
    adults: int = 0
    children: int = 0
    attended: int = 0
    no_shows: int = 0
    visitors: int = 0

    def add(self, other: Figures) -> None:
        """Add another activity's numbers to these (for the total row)."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def terms_until(first: datetime | None, now: datetime) -> list[Term]:
    """Every term from the one ``first`` falls in to the current one, newest first."""
    current = Term.of(now)
    term = Term.of(first) if first else current
    terms = []
    while term <= current:
        terms.append(term)
        term = term.next
    return list(reversed(terms)) or [current]


def first_date(activity_ids: list[int]) -> datetime | None:
    """When the first of these activities' dates was."""
    if not activity_ids:
        return None
    return db.session.scalar(select(func.min(ActivityDate.starts_at)).where(ActivityDate.activity_id.in_(activity_ids)))


def figures_for_term(activity_ids: list[int], term: Term, now: datetime) -> dict[int, Figures]:
    """The figures of each activity in ``term``, by activity id (activities with no dates in it are left out)."""
    if not activity_ids:
        return {}
    start = local_to_utc(term.first_day, time(0))
    end = min(local_to_utc(term.next.first_day, time(0)), now)
    in_term = and_(
        ActivityDate.activity_id.in_(activity_ids), ActivityDate.starts_at >= start, ActivityDate.starts_at < end
    )
    held = and_(in_term, ActivityDate.cancelled.is_(False))
    result: dict[int, Figures] = {}

    for activity_id, count_held, count_cancelled, adults, children in db.session.execute(
        select(
            ActivityDate.activity_id,
            func.count().filter(ActivityDate.cancelled.is_(False)),
            func.count().filter(ActivityDate.cancelled.is_(True)),
            func.sum(ActivityDate.visitors_adults).filter(ActivityDate.cancelled.is_(False)),
            func.sum(ActivityDate.visitors_children).filter(ActivityDate.cancelled.is_(False)),
        )
        .where(in_term)
        .group_by(ActivityDate.activity_id)
    ):
        result[activity_id] = Figures(
            dates_held=count_held, dates_cancelled=count_cancelled, visitors=int(adults or 0) + int(children or 0)
        )

    people = Registration.adults + Registration.children
    for activity_id, count, adults, children, attended, no_shows in db.session.execute(
        select(
            ActivityDate.activity_id,
            func.count(),
            func.sum(Registration.adults),
            func.sum(Registration.children),
            func.sum(case((Registration.attendance == Attendance.ATTENDED, people), else_=0)),
            func.sum(case((Registration.attendance == Attendance.NO_SHOW, 1), else_=0)),
        )
        .join(Registration, Registration.date_id == ActivityDate.id)
        .where(held, Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(ActivityDate.activity_id)
    ):
        figures = result.setdefault(activity_id, Figures())
        figures.registrations = count
        figures.adults, figures.children = int(adults or 0), int(children or 0)
        figures.attended, figures.no_shows = int(attended or 0), int(no_shows or 0)
    return result


def total(figures: dict[int, Figures]) -> Figures:
    """The sum over all activities."""
    summed = Figures()
    for item in figures.values():
        summed.add(item)
    return summed


def activities_by_id(activity_ids: list[int]) -> dict[int, Activity]:
    """The activities themselves, to name the rows."""
    return {
        activity.id: activity for activity in db.session.scalars(select(Activity).where(Activity.id.in_(activity_ids)))
    }
