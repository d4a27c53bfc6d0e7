"""One-time links sent by email or text message: a secret token of which only the hash is kept.

Chat transcripts and message threads both send such links. A link model mixes in
``OneTimeLink`` and adds the foreign key of what it opens; ``issue`` makes one and
``claim`` uses it up, with a conditional UPDATE so two browsers following one link at
once cannot both have it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.database import UTCDateTime
from core.timeutil import utcnow
from extensions import db


def secret_hash(secret: str) -> str:
    """What the database keeps of a secret (a link's token, a browser's key): its SHA-256, so a copy of the
    database opens nothing."""
    return hashlib.sha256(secret.encode()).hexdigest()


class OneTimeLink:
    """The columns every one-time link has."""

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def issue(model: type, days: int, **owner) -> str:
    """Add a link of ``model`` for ``owner`` (its foreign key) that works once within ``days``; return the token."""
    token = secrets.token_urlsafe(24)
    db.session.add(model(token_hash=secret_hash(token), expires_at=utcnow() + timedelta(days=days), **owner))
    return token


def find(model: type, token: str):
    """The link of ``model`` with this token, used or not; None for an unknown token."""
    return db.session.scalar(select(model).where(model.token_hash == secret_hash(token or "")))


def claim(model: type, token: str):
    """The link with this token, now marked used; None when it is unknown, used or expired."""
    now = utcnow()
    link = find(model, token)
    if link is None or link.expires_at <= now:
        return None
    used = db.session.execute(
        update(model)
        .where(model.id == link.id, model.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    return link if used else None
