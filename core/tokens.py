"""Unguessable links without accounts: a public reference plus an HMAC signature.

A manage link (``/book/manage/<token>``) carries ``<reference>.<signature>``.
The database stores only the random reference; the signature is computed from
the app's secret key and the link's purpose, so a copy of the database alone
does not give working links, and a link for one purpose cannot be used for
another. Emails sent later (reminders) can rebuild the same link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from extensions import db


def new_reference() -> str:
    """A random, URL-safe reference of 128 bits."""
    return secrets.token_urlsafe(16)


def _signature(purpose: str, reference: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"{purpose}:{reference}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def make_token(purpose: str, reference: str) -> str:
    """The secret link token for ``reference`` used for ``purpose`` (e.g. "manage-appointment")."""
    return f"{reference}.{_signature(purpose, reference)}"


def reference_from_token(purpose: str, token: str) -> str | None:
    """The reference in a token whose signature is right for ``purpose``; None otherwise."""
    reference, _, signature = (token or "").partition(".")
    if not reference or not signature or len(token) > 100:
        return None
    return reference if hmac.compare_digest(signature, _signature(purpose, reference)) else None


def row_for_token(reference_column: InstrumentedAttribute, purpose: str, token: str):
    """The row whose ``reference_column`` holds the reference of a token signed for ``purpose``; None for an
    unknown or forged link."""
    reference = reference_from_token(purpose, token)
    if reference is None:
        return None
    return db.session.scalar(select(reference_column.class_).where(reference_column == reference))
