"""Importing definitions as new versions, and loading a stored version to score with.

The ``version:`` in the YAML file is authoritative. Importing a file whose
content equals a stored version does nothing; a changed file must carry a
version number higher than every stored one. Stored versions are never
rewritten (see docs/instruments.md, "Versions").
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from sqlalchemy import func, select

from core.definition_files import ImportRefused, ImportReport
from extensions import db

from .definition import Definition, canonical_text, parse_text
from .models import InstrumentVersion


def import_definition(definition: Definition) -> ImportReport:
    """Store ``definition`` as a new version, or do nothing when that content is already stored.

    Call it in a transaction that holds the write lock from the check to the insert
    (``begin_write``), so two imports cannot both add version N. Flushes; the caller
    commits. Raises ImportRefused when the file reuses a stored version number with
    different content, or carries a number lower than the latest stored one.
    """
    text = canonical_text(definition)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    same_number = db.session.scalar(
        select(InstrumentVersion).where(
            InstrumentVersion.instrument_id == definition.id, InstrumentVersion.version == definition.version
        )
    )
    if same_number is not None:
        if same_number.sha256 == digest:
            return ImportReport(definition.id, definition.version, created=False)
        raise ImportRefused(
            f"{definition.id} version {definition.version} is already stored with different content, and stored "
            f"versions are never changed. Raise `version:` in the file to {latest_version_number(definition.id) + 1}."
        )
    latest = latest_version_number(definition.id)
    if latest is not None and definition.version < latest:
        raise ImportRefused(
            f"{definition.id} version {definition.version} is lower than the latest stored version, {latest}. "
            f"Give the changed file `version: {latest + 1}`."
        )
    db.session.add(
        InstrumentVersion(instrument_id=definition.id, version=definition.version, definition_text=text, sha256=digest)
    )
    db.session.flush()
    return ImportReport(definition.id, definition.version, created=True)


def latest_version_number(instrument_id: str) -> int | None:
    """The highest stored version of an instrument, or None when it was never imported."""
    return db.session.scalar(
        select(func.max(InstrumentVersion.version)).where(InstrumentVersion.instrument_id == instrument_id)
    )


def load_version(instrument_id: str, version: int) -> Definition:
    """The stored definition of ``instrument_id`` at ``version``; raises LookupError when not stored."""
    stored = db.session.scalar(
        select(InstrumentVersion).where(
            InstrumentVersion.instrument_id == instrument_id, InstrumentVersion.version == version
        )
    )
    if stored is None:
        raise LookupError(f"{instrument_id} version {version} is not stored")
    return _parsed(stored.definition_text, f"{instrument_id} version {version} (stored)")


def load_latest(instrument_id: str) -> Definition:
    """The newest stored version of an instrument, for a new response; raises LookupError when none."""
    latest = latest_version_number(instrument_id)
    if latest is None:
        raise LookupError(f"{instrument_id} has not been imported")
    return load_version(instrument_id, latest)


def load_latest_of(instrument_ids) -> list[Definition]:
    """The newest stored version of each of ``instrument_ids`` (a list or a subquery), in id order, in one query.

    Instruments never imported are left out.
    """
    stored = InstrumentVersion.__table__.alias("stored")
    newer = select(InstrumentVersion.version).where(
        InstrumentVersion.instrument_id == stored.c.instrument_id, InstrumentVersion.version > stored.c.version
    )
    rows = db.session.execute(
        select(stored.c.instrument_id, stored.c.version, stored.c.definition_text)
        .where(stored.c.instrument_id.in_(instrument_ids), ~newer.exists())
        .order_by(stored.c.instrument_id)
    )
    return [_parsed(text, f"{instrument_id} version {version} (stored)") for instrument_id, version, text in rows]


@lru_cache(maxsize=64)
def _parsed(text: str, source_name: str) -> Definition:
    # Stored texts never change, so a parsed definition can be kept for the life of the process.
    return parse_text(text, source_name)
