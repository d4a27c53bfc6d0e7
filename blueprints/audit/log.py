"""Writing the audit log: every view of a client's data is recorded in the same request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

from flask import abort, request
from sqlalchemy import insert

from core.timeutil import utcnow
from extensions import db

from ..auth.models import User
from .models import AuditEntry


def record(actor: User, child_id: int | None, subject: str, action: str, basis: str) -> None:
    """Add an entry for the current request's page. Commits, so the entry survives a later error."""
    record_each(actor, [(child_id, subject)], action, basis)


def record_each(actor: User, shown: Iterable[tuple[int | None, str]], action: str, basis: str) -> None:
    """Add one entry per (child id, subject) shown on the current page, in one statement. Commits.

    A list page (an agenda, a participant list) shows many families at once;
    each of them must be able to learn that it was seen.
    """
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    common = {"at": utcnow(), "actor_id": actor.id, "actor_name": actor.name, "action": action, "page": f"{request.method} {rule}", "basis": basis}
    rows = [{**common, "child_id": child_id, "subject": subject} for child_id, subject in dict.fromkeys(shown)]
    if rows:
        db.session.execute(insert(AuditEntry), rows)
    db.session.commit()


def refuse(actor: User, child_id: int | None, subject: str, basis: str) -> NoReturn:
    """Log a refused attempt to see or change a client's data ("denied", and why), then answer 403.

    Every refusal of client data goes through here. The entry is committed before
    the request fails, so the error's rollback cannot undo it.
    """
    record(actor, child_id, subject, "denied", basis)
    abort(403)
