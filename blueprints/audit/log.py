"""Writing the audit log: every view of a client's data is recorded in the same request."""

from __future__ import annotations

from flask import request

from core.timeutil import utcnow
from extensions import db

from ..auth.models import User
from .models import AuditEntry


def record(actor: User, child_id: int | None, subject: str, action: str, basis: str) -> None:
    """Add an entry for the current request's page. Commits, so the entry survives a later error."""
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    db.session.add(
        AuditEntry(
            at=utcnow(),
            actor_id=actor.id,
            actor_name=actor.name,
            child_id=child_id,
            subject=subject,
            action=action,
            page=f"{request.method} {rule}",
            basis=basis,
        )
    )
    db.session.commit()
