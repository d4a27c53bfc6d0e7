"""The earlier-time waiting list: families ask to be offered a time within a window, an earlier one for their
booked appointment, or any time that fits when nothing fits their search now and they have no booking.

When a time that fits frees up (a cancellation, new working hours, an offer declined or
expired), the family first in line is offered it and the time is *held* for them
(``HeldTime``) for ``EARLIER_TIME_HOLD_HOURS``: the free-time search counts an open hold
as busy, so nobody else is shown it. Taking the offer moves the appointment in the same
transaction that closes the hold; declining or letting it expire puts the family back in
line (never offered that time again) and the time goes to the next family. A family with no
booking gave their contact details when they got in line; taking the offer books the time.

Concurrency is guarded as booking is: the professional's row is locked (PostgreSQL; a
request or job holds SQLite's write lock), a wish is claimed with a conditional UPDATE
from "waiting" to "offered", an offer is decided with a conditional UPDATE from "open",
and a unique index allows one open hold per professional and start time.

These functions flush and never commit; ``jobs.offer_earlier_times`` and the views do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from core.timeutil import to_local
from core.tokens import make_token, new_reference, row_for_token
from extensions import db

from ..organisation.models import Service
from .appointments import (
    BookingError,
    FamilyDetails,
    SlotUnavailable,
    book,
    family_can_change,
    is_bookable,
    lock_professional,
    move,
)
from .free_times import Slot
from .models import (
    OPEN_EARLIER_STATUSES,
    Appointment,
    AppointmentStatus,
    EarlierTimeRequest,
    EarlierTimeStatus,
    HeldStatus,
    HeldTime,
)
from .time_search import SlotChoice, SlotQuery, find_slots

OFFER_PURPOSE = "earlier-time-offer"
# Mornings end at noon; afternoons start there.
NOON = time(12)


@dataclass(frozen=True)
class Window:
    """When a family could come: from ``first_day`` to ``last_day`` (Helsinki days), on these weekdays
    (Monday = 0), in this part of the day ("any", "morning" or "afternoon")."""

    first_day: date
    last_day: date
    weekdays: tuple[int, ...]
    part_of_day: str

    @property
    def weekday_text(self) -> str:
        """The weekdays as stored: space-separated numbers."""
        return " ".join(str(day) for day in sorted(set(self.weekdays)))


class OfferUnavailable(BookingError):
    """An offer that can no longer be taken or declined: ``reason`` is "decided", "expired" or "taken"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def open_request(appointment: Appointment) -> EarlierTimeRequest | None:
    """The appointment's wish for an earlier time that is still in line or holding a time, if any."""
    return db.session.scalar(
        select(EarlierTimeRequest).where(
            EarlierTimeRequest.appointment_id == appointment.id,
            EarlierTimeRequest.status.in_(OPEN_EARLIER_STATUSES),
        )
    )


def waiting_for_earlier(appointment_ids: list[int]) -> set[int]:
    """Which of these appointments' families are in line for an earlier time (shown on the agenda)."""
    if not appointment_ids:
        return set()
    return set(
        db.session.scalars(
            select(EarlierTimeRequest.appointment_id).where(
                EarlierTimeRequest.appointment_id.in_(appointment_ids),
                EarlierTimeRequest.status.in_(OPEN_EARLIER_STATUSES),
            )
        )
    )


def open_offer(request: EarlierTimeRequest | None) -> HeldTime | None:
    """The time held for this wish right now, if any."""
    if request is None:
        return None
    return next((held for held in request.offers if held.status == HeldStatus.OPEN), None)


def offer_on_hold(request: EarlierTimeRequest | None, now: datetime) -> HeldTime | None:
    """The time held for this wish that the family can still take (the job may not have let an expired one go)."""
    held = open_offer(request)
    return held if held is not None and held.expires_at > now else None


def ask(appointment: Appointment, window: Window, now: datetime) -> EarlierTimeRequest:
    """Put the family in line for an earlier time, or change the window of the wish they have (keeping
    their place). Flushes; the caller commits."""
    if not family_can_change(appointment, now):
        raise SlotUnavailable()
    request = open_request(appointment)
    if request is None:
        request = EarlierTimeRequest(appointment_id=appointment.id, service_id=appointment.service_id, created_at=now)
        request.status = EarlierTimeStatus.WAITING
        db.session.add(request)
    request.first_day, request.last_day = window.first_day, window.last_day
    request.weekdays, request.part_of_day = window.weekday_text, window.part_of_day
    db.session.flush()
    return request


def withdraw(request: EarlierTimeRequest, now: datetime, status: EarlierTimeStatus = EarlierTimeStatus.WITHDRAWN):
    """End a wish (the family stopped waiting, or it can no longer be met); a time held for it is let go."""
    for held in request.offers:
        if held.status == HeldStatus.OPEN:
            held.status, held.decided_at = HeldStatus.WITHDRAWN, now
    request.status, request.ended_at = status, now
    db.session.flush()


def still_in_line(request: EarlierTimeRequest, now: datetime) -> bool:
    """Whether the wish can still be met: the window is not over, and an appointment to move is still changeable."""
    if request.last_day < to_local(now).date():
        return False
    return request.appointment is None or family_can_change(request.appointment, now)


def fits(request: EarlierTimeRequest, starts_at: datetime) -> bool:
    """Whether a time falls in the wish's days, weekdays and part of day, and before the appointment."""
    local = to_local(starts_at)
    if not request.first_day <= local.date() <= request.last_day:
        return False
    if request.appointment is not None and starts_at >= request.appointment.starts_at:
        return False
    if local.weekday() not in request.weekday_numbers:
        return False
    return request.part_of_day == "any" or (request.part_of_day == "morning") == (local.time() < NOON)


def candidate_for(request: EarlierTimeRequest, now: datetime) -> Slot | None:
    """The earliest free time that fits the wish and was not offered to this family before."""
    first_day = max(request.first_day, to_local(now).date())
    last_day = request.last_day
    if request.appointment is not None:
        last_day = min(last_day, to_local(request.appointment.starts_at).date())
    if first_day > last_day:
        return None
    offered_before = {(held.professional_id, held.starts_at) for held in request.offers}
    for slot in find_slots(search_of(request), first_day, last_day, now):
        if fits(request, slot.starts_at) and (slot.professional_id, slot.starts_at) not in offered_before:
            return slot
    return None


def search_of(request: EarlierTimeRequest) -> SlotQuery:
    """The free-time search a wish stands for: the appointment's service, mode, centre and language, or the
    family's own search when they have no booking."""
    appointment = request.appointment
    if appointment is not None:
        centre_id = appointment.centre_id if appointment.mode == "in_person" else None
        return SlotQuery(appointment.service, appointment.mode, centre_id, appointment.language)
    service = db.session.get(Service, request.service_id)
    centre_id = request.centre_id if request.mode == "in_person" else None
    return SlotQuery(service, request.mode, centre_id, request.language or None)


def hold(request: EarlierTimeRequest, slot: Slot, now: datetime) -> HeldTime:
    """Hold ``slot`` for the family of ``request``. Flushes; the caller commits, then tells the family.

    Raises ``OfferUnavailable("taken")`` when another run claimed the wish or the time first.
    """
    lock_professional(slot.professional_id)
    claimed = db.session.execute(
        update(EarlierTimeRequest)
        .where(EarlierTimeRequest.id == request.id, EarlierTimeRequest.status == EarlierTimeStatus.WAITING)
        .values(status=EarlierTimeStatus.OFFERED)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise OfferUnavailable("taken")
    db.session.refresh(request)
    search = search_of(request)
    service = search.service
    # Checked again under the lock: the search above may have read before another booking.
    if not is_bookable(service, SlotChoice(search.mode, slot.professional_id, slot.centre_id, slot.starts_at), now):
        raise OfferUnavailable("taken")
    held = HeldTime(
        request_id=request.id,
        professional_id=slot.professional_id,
        centre_id=slot.centre_id,
        mode=search.mode,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        buffer_before_minutes=service.buffer_before_minutes,
        buffer_after_minutes=service.buffer_after_minutes,
        status=HeldStatus.OPEN,
        expires_at=hold_until(slot.starts_at, now),
        created_at=now,
        reference=new_reference(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(held)
    except IntegrityError as error:
        raise OfferUnavailable("taken") from error
    return held


def hold_until(starts_at: datetime, now: datetime) -> datetime:
    """Until when a time is held: ``EARLIER_TIME_HOLD_HOURS``, but ending an hour before the time at the latest."""
    hours = timedelta(hours=int(current_app.config["EARLIER_TIME_HOLD_HOURS"]))
    return max(now, min(now + hours, starts_at - timedelta(hours=1)))


def offer_token(held: HeldTime) -> str:
    """The secret token of the family's link to an offer."""
    return make_token(OFFER_PURPOSE, held.reference)


def offer_for_token(token: str) -> HeldTime | None:
    """The offer a link points at, or None for an unknown or forged link."""
    return row_for_token(HeldTime.reference, OFFER_PURPOSE, token)


def _decide(held: HeldTime, status: HeldStatus, now: datetime) -> None:
    """Close an open offer once: a second click, a second tab or the expiry job finds it decided."""
    if held.status == HeldStatus.OPEN and held.expires_at <= now:
        raise OfferUnavailable("expired")
    decided = db.session.execute(
        update(HeldTime)
        .where(HeldTime.id == held.id, HeldTime.status == HeldStatus.OPEN, HeldTime.expires_at > now)
        .values(status=status, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(held)
    if decided != 1:
        raise OfferUnavailable("expired" if held.status == HeldStatus.EXPIRED else "decided")


def accept(held: HeldTime, now: datetime) -> Appointment:
    """Take an offered time: the appointment moves to it in the same transaction. Flushes; the caller commits.

    Raises ``OfferUnavailable`` when the offer was decided or has expired; ``ChangeNotAllowed`` or
    ``SlotUnavailable`` from moving (the caller rolls back, so the offer stays as it was).
    """
    lock_professional(held.professional_id)
    _decide(held, HeldStatus.ACCEPTED, now)
    request = held.request
    choice = SlotChoice(held.mode, held.professional_id, held.centre_id, held.starts_at)
    if request.appointment is not None:
        appointment = request.appointment
        move(appointment, choice, now, held=held.id)
    else:  # a family with no booking books the time
        service = db.session.get(Service, request.service_id)
        appointment = book(service, choice, details_of(request), now, held=held.id)
        request.appointment_id = appointment.id
    request.status, request.ended_at = EarlierTimeStatus.MOVED, now
    db.session.flush()
    return appointment


def details_of(request: EarlierTimeRequest) -> FamilyDetails:
    """The booking details a family with no booking gave when they got in line."""
    return FamilyDetails(
        guardian_name=request.guardian_name,
        guardian_email=request.guardian_email,
        guardian_phone=request.guardian_phone,
        child_first_name="",
        child_age_years=None,
        language=request.language or request.written_language,
        message="",
        family_language=request.family_language,
        sms_wanted=request.sms_wanted,
    )


def join_line(
    service: Service, search: SlotQuery, family: FamilyDetails, window: Window, now: datetime
) -> EarlierTimeRequest:
    """Put a family with no booking in line for a time that fits their search. Flushes; the caller commits."""
    request = EarlierTimeRequest(
        service_id=service.id,
        first_day=window.first_day,
        last_day=window.last_day,
        weekdays=window.weekday_text,
        part_of_day=window.part_of_day,
        status=EarlierTimeStatus.WAITING,
        created_at=now,
        guardian_name=family.guardian_name,
        guardian_email=family.guardian_email,
        guardian_phone=family.guardian_phone,
        sms_wanted=family.sms_wanted,
        family_language=family.family_language,
        language=family.language,
        mode=search.mode,
        centre_id=search.centre_id,
        reference=new_reference(),
    )
    db.session.add(request)
    db.session.flush()
    return request


WISH_PURPOSE = "time-wish"


def wish_token(request: EarlierTimeRequest) -> str:
    """The secret token of the link to a wish of a family with no booking."""
    return make_token(WISH_PURPOSE, request.reference or "")


def wish_for_token(token: str) -> EarlierTimeRequest | None:
    """The wish a link points at, or None for an unknown or forged link."""
    return row_for_token(EarlierTimeRequest.reference, WISH_PURPOSE, token)


def decline(held: HeldTime, now: datetime) -> None:
    """Keep the current time: the family goes back in line, and the time goes to the next family."""
    _decide(held, HeldStatus.DECLINED, now)
    request = held.request
    if request.status == EarlierTimeStatus.OFFERED:
        request.status = EarlierTimeStatus.WAITING
    db.session.flush()


def expire_holds(now: datetime) -> int:
    """Let go of the times held past their expiry; their families go back in line. Returns how many."""
    expired = list(
        db.session.scalars(
            select(HeldTime)
            .where(HeldTime.status == HeldStatus.OPEN, HeldTime.expires_at <= now)
            .with_for_update(of=HeldTime)  # not the joined professional and centre: PostgreSQL refuses outer joins
        )
    )
    for held in expired:
        held.status, held.decided_at = HeldStatus.EXPIRED, now
        if held.request.status == EarlierTimeStatus.OFFERED:
            held.request.status = EarlierTimeStatus.WAITING
    db.session.flush()
    return len(expired)


def end_what_cannot_be_met(now: datetime) -> int:
    """End the wishes whose appointment was cancelled, moved past changing, or whose window is over."""
    ended = 0
    for request in db.session.scalars(
        select(EarlierTimeRequest).where(EarlierTimeRequest.status.in_(OPEN_EARLIER_STATUSES))
    ):
        if not still_in_line(request, now):
            withdraw(request, now, EarlierTimeStatus.ENDED)
            ended += 1
    return ended


def waiting_in_line() -> list[int]:
    """Ids of the wishes waiting for a time, first come first."""
    return list(
        db.session.scalars(
            select(EarlierTimeRequest.id)
            .where(EarlierTimeRequest.status == EarlierTimeStatus.WAITING)
            .order_by(EarlierTimeRequest.created_at, EarlierTimeRequest.id)
        )
    )


def line_for_service(service_id: int) -> list[EarlierTimeRequest]:
    """A service's open wishes in line order, for staff."""
    return list(
        db.session.scalars(
            select(EarlierTimeRequest)
            .outerjoin(Appointment, Appointment.id == EarlierTimeRequest.appointment_id)
            .where(
                EarlierTimeRequest.service_id == service_id,
                EarlierTimeRequest.status.in_(OPEN_EARLIER_STATUSES),
                or_(EarlierTimeRequest.appointment_id.is_(None), Appointment.status == AppointmentStatus.BOOKED),
            )
            .order_by(EarlierTimeRequest.created_at, EarlierTimeRequest.id)
        )
    )
