"""A child's case as a person: name, date of birth, personal identity code and guardians.

Plain functions, tested without HTTP: they check and store what the professional typed,
flush, and leave committing to the view. The personal identity code is checked here and
stored canonical; a problem is reported by a reason word, never with the code in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, exists, not_, select

from core.personal_id import InvalidPersonalId, parse_personal_id
from extensions import db

from ..auth.models import User
from .models import RELATIONS, CaseMember, Child, Guardian, Guardianship


class PersonalIdProblem(InvalidPersonalId):
    """A valid code that cannot be stored: ``reason`` is "birth date" (another date than the child's) or "in use"."""


@dataclass(frozen=True)
class GuardianDetails:
    """A guardian as typed on the case form; ``guardian_id`` names one already stored."""

    name: str
    relation: str
    email: str = ""
    phone: str = ""
    guardian_id: int | None = None


def birth_date_problem(born: date, today: date) -> bool:
    """True when a child's date of birth is in the future or 18 years or more ago."""
    return born > today or born < date(today.year - 18, today.month, 1)


def checked_personal_id(text: str, date_of_birth: date, child: Child | None = None) -> str | None:
    """The canonical code for ``text`` (None for an empty field), checked against the date of birth.

    Raises InvalidPersonalId when the code's own check fails, and PersonalIdProblem (one) when its
    date is not the child's date of birth or another child's case already has it (one child, one case).
    """
    if not text.strip():
        return None
    parsed = parse_personal_id(text)
    if parsed.birth_date != date_of_birth:
        raise PersonalIdProblem("birth date")
    taken = select(Child.id).where(Child.personal_id == parsed.code)
    if child is not None and child.id is not None:
        taken = taken.where(Child.id != child.id)
    if db.session.scalar(taken) is not None:
        raise PersonalIdProblem("in use")
    return parsed.code


def save_details(child: Child, first_name: str, surname: str, date_of_birth: date, personal_id: str | None) -> None:
    """Set the child's name, date of birth and (already checked) code. Flushes."""
    child.first_name = first_name.strip()
    child.surname = surname.strip()
    child.date_of_birth = date_of_birth
    child.personal_id = personal_id
    db.session.flush()


def save_guardians(child: Child, guardians: list[GuardianDetails], known: list[Guardian]) -> None:
    """Make the child's guardians exactly ``guardians``, in that order. Flushes.

    A guardian with an id is updated and must be the child's own or one of ``known`` (the
    guardians of the professional's other cases: a sibling's parent); other ids are ignored.
    A guardian no child is linked to any more is deleted.
    """
    allowed = {g.guardian.id: g.guardian for g in child.guardianships} | {g.id: g for g in known}
    wanted: list[tuple[Guardian, str]] = []
    for details in guardians:
        if details.relation not in RELATIONS:
            raise ValueError(details.relation)
        guardian = allowed.get(details.guardian_id) if details.guardian_id else None
        if details.guardian_id and guardian is None:
            continue
        if guardian is None:
            guardian = Guardian(name="")
            db.session.add(guardian)
        guardian.name = details.name.strip()
        guardian.email = details.email.strip().lower()
        guardian.phone = details.phone.strip()
        if guardian not in [g for g, _ in wanted]:
            wanted.append((guardian, details.relation))
    child.guardianships.clear()
    db.session.flush()
    for position, (guardian, relation) in enumerate(wanted, start=1):
        child.guardianships.append(Guardianship(guardian=guardian, relation=relation, position=position))
    db.session.flush()
    drop_orphan_guardians()


def link_guardian(child: Child, guardian: Guardian, relation: str) -> bool:
    """Link a stored guardian (a sibling's parent) to the child too; False when already linked. Flushes."""
    if relation not in RELATIONS:
        raise ValueError(relation)
    if any(g.guardian_id == guardian.id for g in child.guardianships):
        return False
    child.guardianships.append(
        Guardianship(guardian=guardian, relation=relation, position=len(child.guardianships) + 1)
    )
    db.session.flush()
    return True


def known_guardians(professional: User, child: Child | None = None) -> list[Guardian]:
    """Guardians of the professional's cases not yet linked to ``child``, by name: whom a sibling's case may reuse."""
    mine = select(CaseMember.child_id).where(CaseMember.user_id == professional.id)
    query = (
        select(Guardian)
        .join(Guardianship)
        .where(Guardianship.child_id.in_(mine))
        .distinct()
        .order_by(Guardian.name, Guardian.id)
    )
    linked = {g.guardian_id for g in child.guardianships} if child is not None else set()
    return [guardian for guardian in db.session.scalars(query) if guardian.id not in linked]


def drop_orphan_guardians() -> int:
    """Delete guardians no child is linked to any more (after a case is edited, erased or purged). Flushes."""
    result = db.session.execute(
        delete(Guardian)
        .where(not_(exists().where(Guardianship.guardian_id == Guardian.id)))
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount
