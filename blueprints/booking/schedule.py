"""What is on a professional's schedule: appointments and absences, day by day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import select

from core.timeutil import local_to_utc, to_local
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
    start = local_to_utc(first_day, time(0))
    end = local_to_utc(last_day + timedelta(days=1), time(0))
    days = {first_day + timedelta(days=n): ScheduleDay(first_day + timedelta(days=n)) for n in range((last_day - first_day).days + 1)}
    appointments = db.session.scalars(
        select(Appointment)
        .where(Appointment.professional_id == professional_id, Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at)
    )
    for appointment in appointments:
        days[to_local(appointment.starts_at).date()].appointments.append(appointment)
    absences = db.session.scalars(
        select(Absence).where(Absence.user_id == professional_id, Absence.starts_at < end, Absence.ends_at > start).order_by(Absence.starts_at)
    )
    for absence in absences:
        for day in days.values():
            if _overlaps_day(absence, day.day):
                day.absences.append(absence)
    return list(days.values())


def _overlaps_day(absence: Absence, day: date) -> bool:
    return absence.starts_at < local_to_utc(day + timedelta(days=1), time(0)) and absence.ends_at > local_to_utc(day, time(0))

