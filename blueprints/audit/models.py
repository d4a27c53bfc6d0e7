"""Audit log entries. The application only ever adds them; the database refuses changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.database import UTCDateTime
from core.timeutil import utcnow
from extensions import db


class AuditEntry(db.Model):
    """One view or use of a client's data by a staff member.

    Actor and child are kept as plain ids plus the actor's name at the time, not
    as foreign keys, so that closing an account or erasing a child's data never
    rewrites the log; a database trigger refuses any UPDATE (see migration 0006).
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_child_at", "child_id", "at"),
        Index("ix_audit_entry_actor_at", "actor_id", "at"),
        # Data requests look up the appointments and registrations of a guardian.
        Index("ix_audit_entry_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int]
    actor_name: Mapped[str] = mapped_column(String(200))
    # Whose data: the child (client) the data belongs to.
    child_id: Mapped[int | None]
    # What was looked at, e.g. "response:12" or "child:3".
    subject: Mapped[str] = mapped_column(String(80))
    # What was done: "view", "download", "update".
    action: Mapped[str] = mapped_column(String(20))
    # Which page: the URL pattern, never the address with its secrets.
    page: Mapped[str] = mapped_column(String(200))
    # On what basis: e.g. "inviting professional" or "case shared by Sara Nyström".
    basis: Mapped[str] = mapped_column(String(300))
