"""Writing the audit log: every view of a client's data is recorded in the same request.

Entries go into the request's own transaction, so a view and its record are
committed together by the view (a page that only shows data commits too,
or the entry is lost) and a failed change leaves no record of a change that
never happened. Refusals are the exception, see ``refuse``.
"""

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
    """Add an entry for the current request's page to its transaction; the view commits."""
    record_each(actor, [(child_id, subject)], action, basis)


def record_each(actor: User, shown: Iterable[tuple[int | None, str]], action: str, basis: str) -> None:
    """Add one entry per (child id, subject) shown on the current page, in one statement; the view commits.

    A list page (an agenda, a participant list) shows many families at once;
    each of them must be able to learn that it was seen.
    """
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    common = {
        "at": utcnow(),
        "actor_id": actor.id,
        "actor_name": actor.name,
        "action": action,
        "page": f"{request.method} {rule}",
        "basis": basis,
    }
    rows = [{**common, "child_id": child_id, "subject": subject} for child_id, subject in dict.fromkeys(shown)]
    if rows:
        db.session.execute(insert(AuditEntry), rows)


def refuse(actor: User, child_id: int | None, subject: str, basis: str) -> NoReturn:
    """Log a refused attempt to see or change a client's data ("denied", and why), then answer 403.

    Every refusal of client data goes through here. The entry must outlive the
    failing request, so it is committed here, in a transaction of its own: the
    request's transaction is rolled back first, and only then is the entry
    written and committed. Rolling back loses nothing, since the 403 discards
    whatever the request did anyway, and it means a refusal can never commit a
    change the request had flushed before it was refused. (Writing the entry
    through a second connection instead would leave the request's work
    pending, but on SQLite that connection would wait for the write lock the
    request itself holds until the busy timeout ends it.)
    """
    db.session.rollback()
    record(actor, child_id, subject, "denied", basis)
    db.session.commit()
    abort(403)
