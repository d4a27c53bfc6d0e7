"""Inviting families: children, shared cases, visits with their questionnaires, links and their states.

A visit is one link handed to the family (on paper as a QR code, by email or as
a text message). It holds one response per questionnaire, each pinned to the
instrument version that was current when the invitation was made.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from core.tokens import make_token, new_reference, row_for_token
from extensions import db

from ..auth.models import User
from .models import CaseMember, Child, Response, Visit
from .store import latest_version_number, load_version

VISIT_PURPOSE = "questionnaire-visit"
RESPONSE_PURPOSE = "questionnaire-response"


class InvitationError(ValueError):
    """An invitation that cannot be made as asked; the message is for the professional's log, views translate."""


class Status(enum.StrEnum):
    """Where a questionnaire stands, as the professional's list shows it."""

    SENT = "sent"
    OPENED = "opened"
    STARTED = "started"
    SUBMITTED = "submitted"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


# --- Children and their cases ----------------------------------------------------------------


def open_case(
    first_name: str, date_of_birth: date, professional: User, surname: str = "", personal_id: str | None = None
) -> Child:
    """Create a child's case with ``professional`` as its first member. Does not commit.

    ``personal_id`` is the canonical code, already checked (cases.checked_personal_id).
    """
    child = Child(
        first_name=first_name.strip(), surname=surname.strip(), date_of_birth=date_of_birth, personal_id=personal_id
    )
    child.members.append(CaseMember(user_id=professional.id))
    db.session.add(child)
    return child


def children_of(professional: User) -> list[Child]:
    """The children whose cases ``professional`` is a member of, by first name, surname and date of birth."""
    return list(
        db.session.scalars(
            select(Child)
            .join(CaseMember)
            .where(CaseMember.user_id == professional.id)
            .order_by(Child.first_name, Child.surname, Child.date_of_birth)
        )
    )


def linkable_children(user: User) -> list[Child]:
    """The children's cases ``user`` may link appointments and group activity visits to: their own, as
    a professional.
    """
    return children_of(user) if user.has_role("professional") else []


def case_to_link(user: User, wanted: int | None) -> Child | None:
    """The case ``user`` chose to link a visit to (None: remove the link); PermissionError when it is not theirs."""
    if not wanted:
        return None
    child = next((c for c in linkable_children(user) if c.id == wanted), None)
    if child is None:
        raise PermissionError(wanted)
    return child


def membership(user: User, child: Child) -> CaseMember | None:
    """The user's membership of the child's case, or None when they have no part in it."""
    return next((member for member in child.members if member.user_id == user.id), None)


def access_basis(user: User, child: Child) -> str | None:
    """Why ``user`` may read the child's data, in words for the audit log; None when they may not.

    Only professionals who take part in the child's case may (admins only when they are one).
    """
    member = membership(user, child) if user.has_role("professional") else None
    if member is None:
        return None
    if member.added_by is None:
        return "professional who opened the case"
    return f"case shared by {member.added_by.name} on {member.added_at:%Y-%m-%d}"


def share_case(child: Child, colleague: User, by: User) -> bool:
    """Let a colleague (a professional) read the child's answers too; False when they already could.

    Flushes; the caller commits.
    """
    if membership(colleague, child) is not None:
        return False
    child.members.append(CaseMember(user_id=colleague.id, added_by_id=by.id))
    db.session.flush()
    return True


def age_in_months(date_of_birth: date, on: date) -> int:
    """Whole months of age on a day (a child born 15.3. is one month old on 15.4.)."""
    months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
    return months - (1 if on.day < date_of_birth.day else 0)


# --- Visits and responses ----------------------------------------------------------------------


def invite(
    child: Child,
    professional: User,
    instrument_ids: list[str],
    language: str,
    now: datetime,
    valid_days: int,
    email: str = "",
) -> Visit:
    """Make a visit link with one response per instrument, each on the latest stored version. Flushes; the caller
    commits.

    Raises InvitationError for an instrument that was never imported or is not answered by parents.
    """
    if not instrument_ids:
        raise InvitationError("no instruments chosen")
    visit = Visit(
        reference=new_reference(),
        child=child,
        professional_id=professional.id,
        language=language,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
        email=email.strip().lower(),
    )
    for position, instrument_id in enumerate(instrument_ids, start=1):
        version = latest_version_number(instrument_id)
        if version is None:
            raise InvitationError(f"{instrument_id} has not been imported")
        if load_version(instrument_id, version).respondent != "parent":
            raise InvitationError(f"{instrument_id} is not answered by parents")
        visit.responses.append(
            Response(
                reference=new_reference(),
                position=position,
                instrument_id=instrument_id,
                instrument_version=version,
                language=language,
                created_at=now,
            )
        )
    db.session.add(visit)
    db.session.flush()
    return visit


def visit_token(visit: Visit) -> str:
    """The secret token of the family's link."""
    return make_token(VISIT_PURPOSE, visit.reference)


def visit_for_token(token: str) -> Visit | None:
    """The visit a family's link points at, or None for an unknown or forged link."""
    return row_for_token(Visit.reference, VISIT_PURPOSE, token)


def response_token(response: Response) -> str:
    """The secret token of the pages for answering one questionnaire."""
    return make_token(RESPONSE_PURPOSE, response.reference)


def response_for_token(token: str) -> Response | None:
    """The response a questionnaire's pages point at, or None for an unknown or forged link."""
    return row_for_token(Response.reference, RESPONSE_PURPOSE, token)


def status(response: Response, now: datetime) -> Status:
    """Where one questionnaire stands; a submitted one stays submitted after its link expires."""
    visit = response.visit
    if response.submitted_at is not None:
        return Status.SUBMITTED
    if response.withdrawn_at is not None or (visit is not None and visit.withdrawn_at is not None):
        return Status.WITHDRAWN
    if visit is not None and now >= visit.expires_at:
        return Status.EXPIRED
    if response.answers:
        return Status.STARTED
    if visit is not None and visit.first_opened_at is not None:
        return Status.OPENED
    return Status.SENT


def accepts_answers(response: Response, now: datetime) -> bool:
    """Whether the family can still answer (not sent yet, not withdrawn, not expired)."""
    return status(response, now) in (Status.SENT, Status.OPENED, Status.STARTED)


def mark_opened(visit: Visit, now: datetime) -> None:
    """Remember when the family first opened the link (only the first time). Flushes; the caller commits."""
    if visit.first_opened_at is None:
        visit.first_opened_at = now
        db.session.flush()


def withdraw(visit: Visit, now: datetime) -> None:
    """Withdraw the whole visit: its unanswered questionnaires stop accepting answers. Flushes; the caller commits."""
    visit.withdrawn_at = now
    db.session.flush()


def extend(visit: Visit, now: datetime, valid_days: int) -> None:
    """Open the link again for ``valid_days`` from now (resending an expired invitation). Flushes; the
    caller commits.
    """
    visit.expires_at = max(visit.expires_at, now + timedelta(days=valid_days))
    visit.withdrawn_at = None
    db.session.flush()


@dataclass(frozen=True)
class VisitRow:
    """A visit in the professional's list, with each questionnaire's state."""

    visit: Visit
    states: list[tuple[Response, Status]]


def visits_of(professional: User, now: datetime, limit: int = 200) -> list[VisitRow]:
    """The professional's visits, newest first, with the state of each questionnaire."""
    visits = db.session.scalars(
        select(Visit).where(Visit.professional_id == professional.id).order_by(Visit.created_at.desc()).limit(limit)
    )
    return [VisitRow(visit, [(response, status(response, now)) for response in visit.responses]) for visit in visits]
