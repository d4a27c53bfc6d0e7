"""Gathers working hours, absences and bookings from the database for ``free_times``.

Also turns a chosen slot into a compact form value and back, so a family's
choice travels through plain HTML forms; the value is re-checked on booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from core import generations
from core.timeutil import local_days
from extensions import db

from ..auth.models import StaffRole, User
from ..organisation.models import MODES, Centre, Service, service_professional
from .free_times import BookingRules, Busy, Slot, WorkBlock, free_slots, one_per_time
from .models import ACTIVE_STATUSES, Absence, Appointment, HeldStatus, HeldTime, ProfessionalProfile, WorkingHours

AVAILABILITY = "availability"
# What the free-time search and the "find a time" page read: a change to any of it
# raises the availability generation, which drops the cached weeks of free times
# (times_page.render_times). A test checks that every table the page reads is here.
generations.watch(
    AVAILABILITY,
    {
        Appointment: (
            "professional_id",
            "status",
            "starts_at",
            "ends_at",
            "buffer_before_minutes",
            "buffer_after_minutes",
        ),
        Absence: ("user_id", "starts_at", "ends_at"),
        HeldTime: ("professional_id", "status", "starts_at", "ends_at"),
        WorkingHours: None,
        Service: None,
        ProfessionalProfile: ("user_id", "languages"),
        User: ("active", "name"),
        StaffRole: None,
        Centre: None,
    },
    tables=("service_professional",),
)

# Busy time is loaded this far beyond the days asked for, so buffers at the edges count
# (buffers are at most two hours, see the service form).
_MARGIN = timedelta(hours=3)


def rules_for(service: Service, family: bool = True) -> BookingRules:
    """The service's booking rules; staff booking for a family are not held to the minimum notice."""
    return BookingRules(
        duration=timedelta(minutes=service.duration_minutes),
        buffer_before=timedelta(minutes=service.buffer_before_minutes),
        buffer_after=timedelta(minutes=service.buffer_after_minutes),
        interval=timedelta(minutes=service.slot_interval_minutes),
        min_notice=timedelta(hours=service.min_notice_hours) if family else timedelta(0),
        max_days_ahead=service.max_days_ahead if family else 366,
    )


def professionals_for(service: Service, language: str | None = None, professional_id: int | None = None) -> list[User]:
    """The active professionals giving ``service``, optionally only those serving in ``language``."""
    chosen = [user for user in service.professionals if user.active]
    if professional_id is not None:
        chosen = [user for user in chosen if user.id == professional_id]
    if language:
        profiles = profiles_by_user([user.id for user in chosen])
        chosen = [user for user in chosen if user.id in profiles and language in profiles[user.id].language_codes]
    return chosen


def profiles_by_user(user_ids: list[int]) -> dict[int, ProfessionalProfile]:
    """The professional profiles of these users, by user id.

    A page asks for the same profiles several times (the form, then each search):
    profiles the session already holds are not loaded again, and their users,
    already loaded with the service, are not joined in.
    """
    identity_map = db.session.identity_map
    found = {}
    for user_id in user_ids:
        profile = identity_map.get(db.session.identity_key(ProfessionalProfile, user_id))
        if profile is not None:
            found[user_id] = profile
    missing = [user_id for user_id in user_ids if user_id not in found]
    if missing:
        rows = db.session.scalars(
            select(ProfessionalProfile)
            .where(ProfessionalProfile.user_id.in_(missing))
            .options(lazyload(ProfessionalProfile.user))
        )
        found.update((profile.user_id, profile) for profile in rows)
    return found


def load_blocks(professional_ids: list[int], centre_id: int | None = None) -> list[WorkBlock]:
    """The weekly working hours of these professionals, at one centre or all."""
    query = select(
        WorkingHours.user_id,
        WorkingHours.centre_id,
        WorkingHours.weekday,
        WorkingHours.start_time,
        WorkingHours.end_time,
        WorkingHours.valid_from,
        WorkingHours.valid_until,
    ).where(WorkingHours.user_id.in_(professional_ids))
    if centre_id is not None:
        query = query.where(WorkingHours.centre_id == centre_id)
    return [WorkBlock(*row) for row in db.session.execute(query)]


@cache
def _minutes(count: int) -> timedelta:
    """A buffer as a timedelta; there are only a few different ones, and a page loads thousands."""
    return timedelta(minutes=count)


def load_busy(
    professional_ids: list[int],
    start: datetime,
    end: datetime,
    ignore_appointment: int | None = None,
    ignore_hold: int | None = None,
) -> list[Busy]:
    """Appointments, absences and times held for a family (earlier-time offers) that touch [start, end].

    An open hold stays busy until the scheduled job marks it expired, a few minutes at most
    after its ``expires_at``: the family's link refuses it from that moment on.
    """
    appointments = select(
        Appointment.professional_id,
        Appointment.starts_at,
        Appointment.ends_at,
        Appointment.buffer_before_minutes,
        Appointment.buffer_after_minutes,
    ).where(
        Appointment.professional_id.in_(professional_ids),
        Appointment.status.in_(ACTIVE_STATUSES),
        Appointment.starts_at < end + _MARGIN,
        Appointment.ends_at > start - _MARGIN,
    )
    if ignore_appointment is not None:
        appointments = appointments.where(Appointment.id != ignore_appointment)
    busy = [
        Busy(pid, starts, ends, _minutes(before), _minutes(after))
        for pid, starts, ends, before, after in db.session.execute(appointments)
    ]
    absences = select(Absence.user_id, Absence.starts_at, Absence.ends_at).where(
        Absence.user_id.in_(professional_ids), Absence.starts_at < end + _MARGIN, Absence.ends_at > start - _MARGIN
    )
    busy.extend(Busy(pid, starts, ends) for pid, starts, ends in db.session.execute(absences))
    holds = select(
        HeldTime.professional_id,
        HeldTime.starts_at,
        HeldTime.ends_at,
        HeldTime.buffer_before_minutes,
        HeldTime.buffer_after_minutes,
    ).where(
        HeldTime.professional_id.in_(professional_ids),
        HeldTime.status == HeldStatus.OPEN,
        HeldTime.starts_at < end + _MARGIN,
        HeldTime.ends_at > start - _MARGIN,
    )
    if ignore_hold is not None:
        holds = holds.where(HeldTime.id != ignore_hold)
    busy.extend(
        Busy(pid, starts, ends, _minutes(before), _minutes(after))
        for pid, starts, ends, before, after in db.session.execute(holds)
    )
    return busy


def appointment_counts(professional_ids: list[int], start: datetime, end: datetime) -> dict[int, int]:
    """How many active appointments each professional has in [start, end): to share work fairly."""
    rows = db.session.execute(
        select(Appointment.professional_id, func.count())
        .where(
            Appointment.professional_id.in_(professional_ids),
            Appointment.status.in_(ACTIVE_STATUSES),
            Appointment.starts_at >= start,
            Appointment.starts_at < end,
        )
        .group_by(Appointment.professional_id)
    )
    return dict(rows.all())


@dataclass(frozen=True)
class SlotQuery:
    """What a family asked for: a service and optional centre, language, professional and mode."""

    service: Service
    mode: str
    centre_id: int | None = None
    language: str | None = None
    professional_id: int | None = None
    family: bool = True


def find_slots(
    query: SlotQuery,
    first_day: date,
    last_day: date,
    now: datetime,
    ignore_appointment: int | None = None,
    ignore_hold: int | None = None,
) -> list[Slot]:
    """Free slots matching ``query``; with no professional named, one per time and centre.

    ``ignore_appointment`` (the one being moved) and ``ignore_hold`` (the offer being taken) do not count as busy.
    """
    professionals = professionals_for(query.service, query.language, query.professional_id)
    if not professionals or query.mode not in query.service.modes:
        return []
    ids = [user.id for user in professionals]
    # Phone and video appointments do not depend on where the professional sits.
    centre_id = query.centre_id if query.mode == "in_person" else None
    start, end = local_days(first_day, last_day)
    slots = free_slots(
        rules_for(query.service, query.family),
        load_blocks(ids, centre_id),
        load_busy(ids, start, end, ignore_appointment, ignore_hold),
        first_day,
        last_day,
        now,
    )
    if query.professional_id is None:
        slots = one_per_time(slots, appointment_counts(ids, start, end), by_centre=query.mode == "in_person")
    return slots


def encode_slot(slot: Slot, mode: str) -> str:
    """A slot as a form value: mode, professional, centre and start time."""
    return f"{mode}.{slot.professional_id}.{slot.centre_id}.{int(slot.starts_at.timestamp())}"


@dataclass(frozen=True)
class SlotChoice:
    """A slot value read back from a form; not yet checked against availability."""

    mode: str
    professional_id: int
    centre_id: int
    starts_at: datetime


def decode_slot(value: str | None) -> SlotChoice | None:
    """Read a slot value from a form, or None when it is malformed (tampered or truncated)."""
    try:
        mode, professional, centre, timestamp = (value or "").split(".")
        choice = SlotChoice(mode, int(professional), int(centre), datetime.fromtimestamp(int(timestamp), UTC))
    except (ValueError, OverflowError, OSError):
        return None
    return choice if mode in MODES else None


def services_for_families() -> list[Service]:
    """The services families can book themselves (active, not reserved, with someone active giving them).

    Decided in SQL: loading every professional (and their roles) to see who is active cost
    more than the rest of the services page.
    """
    someone_active = (
        select(service_professional.c.service_id)
        .join(User, User.id == service_professional.c.user_id)
        .where(service_professional.c.service_id == Service.id, User.active)
        .exists()
    )
    return list(
        db.session.scalars(
            select(Service)
            .where(Service.active, Service.reserved.is_(False), someone_active)
            .options(lazyload(Service.professionals))
            .order_by(Service.id)
        )
    )
