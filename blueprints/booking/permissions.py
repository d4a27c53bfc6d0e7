"""Whose bookings a staff member may see and manage.

Professionals manage their own appointments, reception the appointments at
the centres they belong to, administrators everything. Nothing here reveals
questionnaire content: booking data only.
"""

from __future__ import annotations

from sqlalchemy import select

from extensions import db

from ..auth.models import StaffRole, User
from ..organisation.models import Service
from .models import Appointment, EarlierTimeRequest, WorkingHours

# The audit log's basis of a refused appointment or agenda.
REFUSED = "not their agenda or family centre"


def centre_ids(user: User) -> set[int]:
    """The centres a staff member belongs to."""
    return {centre.id for centre in getattr(user, "centres", [])}


def professionals_visible_to(user: User) -> list[User]:
    """The professionals whose agenda ``user`` may open, by name."""
    professionals = (
        select(User).join(StaffRole).where(StaffRole.role == "professional", User.active).order_by(User.name)
    )
    if user.has_role("admin"):
        return list(db.session.scalars(professionals))
    visible = {user.id} if user.has_role("professional") else set()
    if user.has_role("reception") and centre_ids(user):
        working_there = select(WorkingHours.user_id).where(WorkingHours.centre_id.in_(centre_ids(user)))
        visible |= set(db.session.scalars(working_there))
    return [person for person in db.session.scalars(professionals) if person.id in visible]


def can_open_agenda(user: User, professional_id: int) -> bool:
    """Whether ``user`` may see the agenda of the professional ``professional_id``."""
    return any(person.id == professional_id for person in professionals_visible_to(user))


def can_manage(user: User, appointment: Appointment) -> bool:
    """Whether ``user`` may change ``appointment`` (cancel, move, record attendance)."""
    if user.has_role("admin"):
        return True
    if user.has_role("professional") and appointment.professional_id == user.id:
        return True
    return user.has_role("reception") and appointment.centre_id in centre_ids(user)


def access_basis(user: User, professional_id: int) -> str:
    """Why ``user`` may see an appointment with ``professional_id``, for the audit log."""
    if professional_id == user.id:
        return "own appointments"
    if user.has_role("admin"):
        return "administrator"
    return "reception at the family centre"


def can_see_wish(user: User, wish: EarlierTimeRequest) -> bool:
    """Whether ``user`` sees a family's wish on the waiting list: as they would its appointment, or for a family
    with no booking, administrators, the service's professionals and reception at the centre asked for."""
    if wish.appointment is not None:
        return can_manage(user, wish.appointment)
    if user.has_role("admin"):
        return True
    service = db.session.get(Service, wish.service_id)
    if user.has_role("professional") and any(person.id == user.id for person in service.professionals):
        return True
    return user.has_role("reception") and (wish.centre_id is None or wish.centre_id in centre_ids(user))
