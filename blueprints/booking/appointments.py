"""Booking, moving, cancelling and recording appointments: the rules, with no HTTP in them.

Double bookings are prevented in three layers: the transaction takes a lock
before it checks (SQLite: the request began with ``BEGIN IMMEDIATE``;
PostgreSQL: ``SELECT ... FOR UPDATE`` on the professional's row), the slot is
recomputed from working hours and bookings inside that transaction, and a
unique index refuses a second active appointment at the same start.

These functions flush and never commit: the view commits once, after every
change of the request, and only then sends email.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.timeutil import to_local
from core.tokens import make_token, new_reference, row_for_token
from extensions import db

from ..auth.models import User
from ..organisation.models import Service
from .free_times import Slot
from .models import Absence, Appointment, AppointmentStatus, ProfessionalProfile
from .time_search import SlotChoice, SlotQuery, find_slots

MANAGE_PURPOSE = "manage-appointment"


class BookingError(Exception):
    """A booking action that cannot be done; the views explain it in the user's language."""


class SlotUnavailable(BookingError):
    """The chosen time is not free (any more), or never was a valid time."""


class ChangeNotAllowed(BookingError):
    """The appointment can no longer be changed by the family (deadline passed, cancelled, over)."""


@dataclass(frozen=True)
class FamilyDetails:
    """What the family tells about themselves when booking."""

    guardian_name: str
    guardian_email: str
    guardian_phone: str
    child_first_name: str
    child_age_years: int | None
    language: str
    message: str
    # The language to write to the family in; empty: the appointment's language.
    family_language: str = ""
    sms_wanted: bool = False


def manage_token(appointment: Appointment) -> str:
    """The secret token of the family's manage link."""
    return make_token(MANAGE_PURPOSE, appointment.reference)


def appointment_for_token(token: str) -> Appointment | None:
    """The appointment a manage link points at, or None for an unknown or forged link."""
    return row_for_token(Appointment.reference, MANAGE_PURPOSE, token)


def lock_professional(professional_id: int) -> None:
    """Serialise bookings of one professional (PostgreSQL row lock; a no-op on SQLite)."""
    db.session.execute(select(User.id).where(User.id == professional_id).with_for_update())


def _verified_slot(
    service: Service,
    choice: SlotChoice,
    now: datetime,
    family: bool,
    moving: int | None = None,
    held: int | None = None,
) -> Slot:
    """Recompute the chosen professional's free times that day and find the choice among them."""
    if choice.mode not in service.modes:
        raise SlotUnavailable()
    day = to_local(choice.starts_at).date()
    query = SlotQuery(service, choice.mode, choice.centre_id, professional_id=choice.professional_id, family=family)
    for slot in find_slots(query, day, day, now, ignore_appointment=moving, ignore_hold=held):
        if slot.starts_at == choice.starts_at and slot.centre_id == choice.centre_id:
            return slot
    raise SlotUnavailable()


def is_bookable(service: Service, choice: SlotChoice, now: datetime, family: bool = True) -> bool:
    """Whether the chosen slot is free right now (checked again, under a lock, when booking)."""
    try:
        _verified_slot(service, choice, now, family)
    except SlotUnavailable:
        return False
    return True


@contextmanager
def _unless_double_booked():
    """Make the changes in the block in a SAVEPOINT, turning the database's double-booking guard into
    ``SlotUnavailable``.

    Only the block's changes are undone then, so the request's transaction goes on
    (to show the nearest free times, and to keep its audit entries).
    """
    try:
        with db.session.begin_nested():
            yield
    except IntegrityError as error:
        raise SlotUnavailable() from error


def _meeting_link(professional_id: int, mode: str) -> str:
    """The professional's video meeting room for a video appointment; empty for every other mode."""
    if mode != "video":
        return ""
    profile = db.session.get(ProfessionalProfile, professional_id)
    return profile.video_url if profile else ""


def book(
    service: Service,
    choice: SlotChoice,
    details: FamilyDetails,
    now: datetime,
    booked_by: User | None = None,
    held: int | None = None,
) -> Appointment:
    """Book the chosen slot for a family, or raise ``SlotUnavailable``. Flushes; the caller commits.

    ``held`` is the id of the waiting-list offer holding that slot for this family.
    """
    lock_professional(choice.professional_id)
    slot = _verified_slot(service, choice, now, family=booked_by is None, held=held)
    appointment = Appointment(
        service_id=service.id,
        professional_id=slot.professional_id,
        centre_id=slot.centre_id,
        mode=choice.mode,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        buffer_before_minutes=service.buffer_before_minutes,
        buffer_after_minutes=service.buffer_after_minutes,
        status=AppointmentStatus.BOOKED,
        guardian_name=details.guardian_name,
        guardian_email=details.guardian_email,
        guardian_phone=details.guardian_phone,
        child_first_name=details.child_first_name,
        child_age_years=details.child_age_years,
        language=details.language,
        family_language=details.family_language or details.language,
        sms_wanted=details.sms_wanted,
        message=details.message,
        video_url=_meeting_link(slot.professional_id, choice.mode),
        reference=new_reference(),
        booked_by_id=booked_by.id if booked_by else None,
        created_at=now,
    )
    with _unless_double_booked():
        db.session.add(appointment)
    return appointment


def change_deadline(service: Service, starts_at: datetime) -> datetime:
    """The last moment a family may cancel or move an appointment of ``service`` starting at ``starts_at``."""
    return starts_at - timedelta(hours=service.cancellation_deadline_hours)


def changeable_until(appointment: Appointment) -> datetime:
    """The last moment the family may cancel or move the appointment themselves."""
    return change_deadline(appointment.service, appointment.starts_at)


def family_can_change(appointment: Appointment, now: datetime) -> bool:
    """Whether the family may still cancel or move the appointment through their link."""
    return appointment.status == AppointmentStatus.BOOKED and now < changeable_until(appointment)


def move(
    appointment: Appointment,
    choice: SlotChoice,
    now: datetime,
    by_staff: User | None = None,
    held: int | None = None,
) -> None:
    """Move an appointment to another free slot of the same service. Flushes; the caller commits.

    ``held`` is the id of the earlier-time offer holding that slot for this family.
    """
    if by_staff is None and not family_can_change(appointment, now):
        raise ChangeNotAllowed()
    if appointment.status != AppointmentStatus.BOOKED:
        raise ChangeNotAllowed()
    lock_professional(choice.professional_id)
    slot = _verified_slot(appointment.service, choice, now, family=by_staff is None, moving=appointment.id, held=held)
    # Follows both the professional and the mode: a move to video with the same professional needs the link too.
    video_url = _meeting_link(slot.professional_id, choice.mode)
    with _unless_double_booked():
        appointment.video_url = video_url
        appointment.professional_id = slot.professional_id
        appointment.centre_id = slot.centre_id
        appointment.mode = choice.mode
        appointment.starts_at = slot.starts_at
        appointment.ends_at = slot.ends_at
        appointment.sequence += 1
        appointment.reminder_sent_at = None  # the new time gets its own reminder


def cancel(appointment: Appointment, now: datetime, by_staff: User | None = None, reason: str = "") -> None:
    """Cancel an appointment, by the family (within the deadline) or by staff (with a reason). Flushes; the caller
    commits.
    """
    if appointment.status != AppointmentStatus.BOOKED:
        raise ChangeNotAllowed()
    if by_staff is None and not family_can_change(appointment, now):
        raise ChangeNotAllowed()
    appointment.status = AppointmentStatus.CANCELLED_BY_STAFF if by_staff else AppointmentStatus.CANCELLED_BY_FAMILY
    appointment.cancelled_at = now
    appointment.cancel_reason = reason.strip()
    appointment.sequence += 1
    db.session.flush()


def record_outcome(appointment: Appointment, status: AppointmentStatus, now: datetime) -> None:
    """Mark an appointment attended or not attended (no-show), once it has begun. Flushes; the caller commits."""
    if status not in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW, AppointmentStatus.BOOKED):
        raise ValueError(status)
    if not appointment.is_active or appointment.starts_at > now:
        raise ChangeNotAllowed()
    appointment.status = status
    db.session.flush()


class TimeNotFree(BookingError):
    """Blocking time that overlaps booked appointments; they are listed so staff can deal with them."""

    def __init__(self, appointments: list[Appointment]) -> None:
        super().__init__()
        self.appointments = appointments


class AlreadyBlocked(BookingError):
    """Blocking time that overlaps an absence or block already recorded, which is named so staff can change it."""

    def __init__(self, absence: Absence) -> None:
        super().__init__()
        self.absence = absence


def block_time(professional_id: int, starts_at: datetime, ends_at: datetime, note: str, by: User) -> Absence:
    """Make a professional unbookable for a while (meeting, training, sick leave). Flushes; the caller commits.

    Refused when booked appointments fall in that time (cancel or move them first), or when it
    overlaps time already blocked (remove or change that first, so the list stays unambiguous).
    """
    if starts_at >= ends_at:
        raise ValueError("start after end")
    lock_professional(professional_id)
    overlapping = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.professional_id == professional_id,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at < ends_at,
            Appointment.ends_at > starts_at,
        )
        .order_by(Appointment.starts_at)
    ).all()
    if overlapping:
        raise TimeNotFree(list(overlapping))
    already = db.session.scalar(
        select(Absence)
        .where(Absence.user_id == professional_id, Absence.starts_at < ends_at, Absence.ends_at > starts_at)
        .order_by(Absence.starts_at)
        .limit(1)
    )
    if already is not None:
        raise AlreadyBlocked(already)
    absence = Absence(
        user_id=professional_id, starts_at=starts_at, ends_at=ends_at, note=note.strip(), created_by_id=by.id
    )
    db.session.add(absence)
    db.session.flush()
    return absence
