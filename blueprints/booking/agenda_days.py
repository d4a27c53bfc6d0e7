"""What is on a professional's schedule: appointments and absences, day by day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from core.timeutil import local_days, to_local
from extensions import db

from .models import Absence, Appointment


@dataclass
class ScheduleDay:
    """One day of a professional's schedule."""

    day: date
    appointments: list[Appointment] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)


def schedule(professional_id: int, first_day: date, last_day: date) -> list[ScheduleDay]:
    """Every day from ``first_day`` to ``last_day`` with its appointments (cancelled ones too) and absences."""
    start, end = local_days(first_day, last_day)
    days = {
        first_day + timedelta(days=n): ScheduleDay(first_day + timedelta(days=n))
        for n in range((last_day - first_day).days + 1)
    }
    appointments = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.professional_id == professional_id, Appointment.starts_at >= start, Appointment.starts_at < end
        )
        .order_by(Appointment.starts_at)
    )
    for appointment in appointments:
        days[to_local(appointment.starts_at).date()].appointments.append(appointment)
    absences = db.session.scalars(
        select(Absence)
        .where(Absence.user_id == professional_id, Absence.starts_at < end, Absence.ends_at > start)
        .order_by(Absence.starts_at)
    )
    for absence in absences:
        for day in days.values():
            if _overlaps_day(absence, day.day):
                day.absences.append(absence)
    return list(days.values())


def _overlaps_day(absence: Absence, day: date) -> bool:
    day_starts, day_ends = local_days(day, day)
    return absence.starts_at < day_ends and absence.ends_at > day_starts
