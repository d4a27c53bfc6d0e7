"""Registering for a date, changing or cancelling a registration, and the waiting list: the rules, no HTTP.

Capacity is never exceeded because every change that takes or frees places
runs under the date's lock: SQLite requests that change state began with
``BEGIN IMMEDIATE``, and on PostgreSQL ``lock_date`` takes ``SELECT ... FOR
UPDATE`` on the date's row. Under the lock the places taken are counted
afresh, so two families can never both get the last place.

The waiting list is served in strict arrival order. Whenever places free up
(a cancellation, smaller numbers, a larger capacity), ``promote`` runs in the
same locked transaction: the first in line gets a place if their whole party
fits; if it does not, nobody behind them jumps the queue. A party larger
than the whole capacity can never fit and does not hold up the queue. Each
freed place is therefore handed out exactly once, however many cancellations
arrive at the same moment. New registrations never overtake people waiting.

Nothing here commits: the functions flush, and the view, command or job
commits once, then emails the families (``notifications``), so an email
never announces a place that was rolled back. The lock is held until that
commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update

from core.tokens import make_token, new_reference, row_for_token
from extensions import db

from ..auth.models import User
from .models import Activity, ActivityDate, Attendance, Registration, RegistrationStatus

MANAGE_PURPOSE = "manage-activity-registration"
# More than this many adults or children in one registration is almost surely a typing error.
MAX_PARTY_MEMBERS = 10


class RegistrationError(Exception):
    """A registration action that cannot be done; the views explain it in the user's language."""


class RegistrationClosed(RegistrationError):
    """Registration is not possible for the date: ``reason`` is cancelled, past, drop_in or closed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotEnoughPlaces(RegistrationError):
    """The party does not fit: ``available`` places could be had.

    ``too_large`` means the party is larger than the whole capacity of a date,
    so even the waiting list cannot help.
    """

    def __init__(self, available: int, too_large: bool = False) -> None:
        super().__init__(available)
        self.available = available
        self.too_large = too_large


class ChangeNotAllowed(RegistrationError):
    """The registration can no longer be changed this way (cancelled, or the date has begun)."""


@dataclass(frozen=True)
class Party:
    """Who is coming: adults and children, all of whom take a place."""

    adults: int
    children: int

    @property
    def people(self) -> int:
        """Places the party takes."""
        return self.adults + self.children


@dataclass(frozen=True)
class Guardian:
    """How to reach the family, and the language they want to hear from us in."""

    name: str
    email: str
    phone: str
    language: str
    sms_wanted: bool = False


def manage_token(registration: Registration) -> str:
    """The secret token of the family's manage link."""
    return make_token(MANAGE_PURPOSE, registration.reference)


def registration_for_token(token: str) -> Registration | None:
    """The registration a manage link points at, or None for an unknown or forged link."""
    return row_for_token(Registration.reference, MANAGE_PURPOSE, token)


def closes_at(date: ActivityDate) -> datetime:
    """The moment registration for ``date`` closes."""
    return date.starts_at - timedelta(hours=date.activity.registration_closes_hours)


def closed_reason(date: ActivityDate, now: datetime) -> str | None:
    """Why families cannot register for ``date`` now (cancelled, past, drop_in, closed), or None."""
    if date.cancelled:
        return "cancelled"
    if date.starts_at <= now:
        return "past"
    if not date.activity.registration_required:
        return "drop_in"
    if now >= closes_at(date):
        return "closed"
    return None


def lock_date(date_id: int) -> ActivityDate:
    """Take the date's lock (a row lock on PostgreSQL) and return the date as it is now."""
    db.session.execute(select(ActivityDate.id).where(ActivityDate.id == date_id).with_for_update())
    date = db.session.get(ActivityDate, date_id, populate_existing=True)
    if date is None:
        raise LookupError(date_id)
    return date


def _relock(registration: Registration) -> ActivityDate:
    """Lock the registration's date, then reread the registration: another request may have changed it."""
    date = lock_date(registration.date_id)
    db.session.refresh(registration)
    return date


def places_taken(date_id: int) -> int:
    """Adults and children with a confirmed place on the date."""
    taken = db.session.scalar(
        select(func.sum(Registration.adults + Registration.children)).where(
            Registration.date_id == date_id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    return int(taken or 0)


def free_places(date: ActivityDate) -> int | None:
    """Places still free on the date (never negative), or None when the activity has no limit."""
    capacity = date.activity.capacity
    if capacity is None:
        return None
    return max(0, capacity - places_taken(date.id))


def _waiting(date_id: int) -> list[Registration]:
    """The waiting list of a date, first in line first, read afresh."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.date_id == date_id, Registration.status == RegistrationStatus.WAITING)
            .order_by(Registration.arrival)
            .execution_options(populate_existing=True)
        )
    )


def waiting_position(registration: Registration) -> int | None:
    """The registration's place in the waiting list (1 is next in line), or None when it is not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.date_id == registration.date_id,
            Registration.status == RegistrationStatus.WAITING,
            Registration.arrival < registration.arrival,
        )
    )
    return int(ahead or 0) + 1


def _check_party_size(activity: Activity, party: Party) -> None:
    if party.adults < 1 or party.children < 0 or party.adults > MAX_PARTY_MEMBERS or party.children > MAX_PARTY_MEMBERS:
        raise ValueError("party size out of range")  # the forms refuse these with a message first
    if activity.capacity is not None and party.people > activity.capacity:
        raise NotEnoughPlaces(activity.capacity, too_large=True)


def promote(date: ActivityDate, now: datetime) -> list[Registration]:
    """Give freed places to the waiting list in arrival order; call with the date locked. Flushes; the caller commits.

    Returns the registrations that got a place, so they can be emailed after the commit.
    """
    if date.cancelled or date.starts_at <= now:
        return []
    capacity = date.activity.capacity
    free = free_places(date)
    promoted = []
    for registration in _waiting(date.id):
        if capacity is not None and registration.people > capacity:
            continue  # can never fit: must not hold up the queue
        if free is not None and registration.people > free:
            break  # strict order: nobody overtakes the first in line
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.sequence += 1
        promoted.append(registration)
        if free is not None:
            free -= registration.people
    db.session.flush()
    return promoted


def register(
    date_id: int, party: Party, guardian: Guardian, now: datetime, registered_by: User | None = None
) -> Registration:
    """Register a family for a date: a confirmed place, or a place in the queue. Flushes; the caller commits.

    Staff taking a registration by phone may do so after the online deadline,
    until the date begins. Raises ``RegistrationClosed`` or ``NotEnoughPlaces``
    before anything is written. The date stays locked until the caller's
    commit, so the next registration is counted after this one: arrival order.
    """
    date = lock_date(date_id)
    reason = closed_reason(date, now)
    if reason and not (reason == "closed" and registered_by is not None):
        raise RegistrationClosed(reason)
    activity = date.activity
    _check_party_size(activity, party)
    free = free_places(date)
    someone_waiting = bool(_waiting(date.id))
    if free is None or (party.people <= free and not someone_waiting):
        status = RegistrationStatus.CONFIRMED
    elif activity.waiting_list:
        status = RegistrationStatus.WAITING
    else:
        raise NotEnoughPlaces(0 if someone_waiting else free)
    last_arrival = db.session.scalar(select(func.max(Registration.arrival)).where(Registration.date_id == date.id))
    # created_at is left to the insert, under the lock, so it follows the arrival order too.
    registration = Registration(
        date_id=date.id,
        arrival=(last_arrival or 0) + 1,
        status=status,
        adults=party.adults,
        children=party.children,
        guardian_name=guardian.name,
        guardian_email=guardian.email,
        guardian_phone=guardian.phone,
        sms_wanted=guardian.sms_wanted,
        language=guardian.language,
        reference=new_reference(),
        registered_by_id=registered_by.id if registered_by else None,
    )
    db.session.add(registration)
    db.session.flush()
    return registration


def change_party(registration: Registration, party: Party, now: datetime) -> list[Registration]:
    """Change how many adults and children come, while registration is open. Flushes; the caller commits.

    More people need free places (``NotEnoughPlaces`` otherwise, raised before
    anything is written); fewer free places that go to the waiting list in the
    same transaction. Returns the registrations promoted, to be emailed only
    after the caller's commit.
    """
    date = _relock(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ChangeNotAllowed()
    reason = closed_reason(date, now)
    if reason:
        raise RegistrationClosed(reason)
    _check_party_size(date.activity, party)
    if registration.status == RegistrationStatus.CONFIRMED:
        free = free_places(date)
        if free is not None and party.people - registration.people > free:
            raise NotEnoughPlaces(free + registration.people)
    registration.adults = party.adults
    registration.children = party.children
    registration.sequence += 1
    return promote(date, now)


def family_can_cancel(registration: Registration, now: datetime) -> bool:
    """Whether the family may still cancel through their link (any time before the date begins)."""
    return (
        registration.status != RegistrationStatus.CANCELLED
        and not registration.date.cancelled
        and now < registration.date.starts_at
    )


def cancel(registration: Registration, now: datetime, by_staff: User | None = None) -> list[Registration]:
    """Cancel a registration, by the family before the date begins or by staff. Flushes; the caller commits.

    The places it held go to the waiting list in the same transaction; returns
    the registrations promoted. The caller (a view, or a data request's
    erasure) commits once and only then emails them, so an email never
    announces a place that was rolled back. Raises ``ChangeNotAllowed`` before
    anything is written.
    """
    date = _relock(registration)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ChangeNotAllowed()
    if by_staff is None and not family_can_cancel(registration, now):
        raise ChangeNotAllowed()
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.cancelled_by_id = by_staff.id if by_staff else None
    registration.sequence += 1
    return promote(date, now)


def promote_all(activity: Activity, now: datetime) -> list[Registration]:
    """Fill the places a larger capacity opened on the activity's coming dates. Flushes; the caller commits.

    Dates are locked in id order, so two such changes cannot deadlock.
    """
    coming = db.session.scalars(
        select(ActivityDate.id)
        .where(ActivityDate.activity_id == activity.id, ActivityDate.starts_at > now, ActivityDate.cancelled.is_(False))
        .order_by(ActivityDate.id)
    ).all()
    promoted: list[Registration] = []
    for date_id in coming:
        promoted += promote(lock_date(date_id), now)
    return promoted


def registered_families(date_id: int, include_waiting: bool = True) -> list[Registration]:
    """The registrations of a date still standing (confirmed, and waiting if asked), in arrival order."""
    statuses = [RegistrationStatus.CONFIRMED] + ([RegistrationStatus.WAITING] if include_waiting else [])
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.date_id == date_id, Registration.status.in_(statuses))
            .order_by(Registration.arrival)
        )
    )


def set_attendance(registration: Registration, attendance: Attendance | None, now: datetime) -> None:
    """Mark whether a family with a place came (None removes the mark), once the date has begun. Flushes; the caller
    commits.
    """
    if registration.status != RegistrationStatus.CONFIRMED or registration.date.starts_at > now:
        raise ChangeNotAllowed()
    registration.attendance = attendance
    db.session.flush()


def link_to_child(registration: Registration, child_id: int | None) -> None:
    """Link a family with a place to a child's case (None removes the link), so the child's summary lists the date.

    Flushes; the caller commits.
    """
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ChangeNotAllowed()
    registration.child_id = child_id
    db.session.flush()


def identifies_someone() -> ColumnElement[bool]:
    """Registrations that still name a family or link to a child's case (not yet forgotten)."""
    return or_(Registration.guardian_name != "", Registration.child_id.is_not(None))


def forget_contact_details(condition: ColumnElement[bool]) -> int:
    """Remove the names, emails, phone numbers and links to a child's case from the registrations matching
    ``condition``.

    The rest stays (numbers of adults and children, attendance), so the
    figures the municipality reports do not change when people are forgotten.
    Returns how many registrations were forgotten. Runs one UPDATE in the
    current transaction and does not commit: the caller (a data request's
    erasure, the retention purge) commits together with its other deletions.
    """
    return (
        db.session.execute(
            update(Registration)
            .where(condition, identifies_someone())
            .values(guardian_name="", guardian_email="", guardian_phone="", child_id=None)
        ).rowcount
        or 0
    )
