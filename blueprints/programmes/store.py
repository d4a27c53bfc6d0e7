"""Importing programmes as new versions (with their images), and loading a stored version to show.

As with instruments, the ``version:`` in the file is authoritative: importing unchanged
content does nothing, changed content needs a higher number, and stored versions are never
rewritten (docs/programmes.md, "Versions").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import func, select

from core.definition_files import ImportRefused, ImportReport
from extensions import db

from .definition import Programme, canonical_text, parse_stored
from .models import Enrolment, ProgrammeImage, ProgrammeVersion


def _digest(programme: Programme) -> str:
    """One hash over the text and every image, so a changed image is a changed programme."""
    digest = hashlib.sha256(canonical_text(programme).encode("utf-8"))
    for name in sorted(programme.images):
        content_type, data = programme.images[name]
        digest.update(f"\0{name}\0{content_type}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def import_programme(programme: Programme) -> ImportReport:
    """Store ``programme`` as a new version, or do nothing when that content is already stored.

    Call it in a transaction that holds the write lock (``begin_write``). Flushes; the caller
    commits. Raises ImportRefused for a reused version number with other content, or a number
    lower than the latest stored one.
    """
    digest = _digest(programme)
    same_number = db.session.scalar(
        select(ProgrammeVersion).where(
            ProgrammeVersion.programme_id == programme.id, ProgrammeVersion.version == programme.version
        )
    )
    latest = latest_version_number(programme.id)
    if same_number is not None:
        if same_number.sha256 == digest:
            return ImportReport(programme.id, programme.version, created=False)
        raise ImportRefused(
            f"{programme.id} version {programme.version} is already stored with different content, and stored "
            f"versions are never changed. Raise `version:` in the file to {latest + 1}."
        )
    if latest is not None and programme.version < latest:
        raise ImportRefused(
            f"{programme.id} version {programme.version} is lower than the latest stored version, {latest}. "
            f"Give the changed file `version: {latest + 1}`."
        )
    stored = ProgrammeVersion(
        programme_id=programme.id,
        version=programme.version,
        definition_text=canonical_text(programme),
        sha256=digest,
        images=[
            ProgrammeImage(name=name, content_type=content_type, data=data)
            for name, (content_type, data) in sorted(programme.images.items())
        ],
    )
    db.session.add(stored)
    db.session.flush()
    return ImportReport(programme.id, programme.version, created=True)


def latest_version_number(programme_id: str) -> int | None:
    """The highest stored version of a programme, or None when it was never imported."""
    return db.session.scalar(
        select(func.max(ProgrammeVersion.version)).where(ProgrammeVersion.programme_id == programme_id)
    )


def stored_version(programme_id: str, version: int) -> ProgrammeVersion | None:
    """The stored row of ``programme_id`` at ``version``, or None."""
    return db.session.scalar(
        select(ProgrammeVersion).where(
            ProgrammeVersion.programme_id == programme_id, ProgrammeVersion.version == version
        )
    )


def load_version(programme_id: str, version: int) -> Programme:
    """The stored programme at ``version``; raises LookupError when not stored."""
    stored = stored_version(programme_id, version)
    if stored is None:
        raise LookupError(f"{programme_id} version {version} is not stored")
    return _parsed(stored.id, stored.definition_text)


def _newest_rows() -> list[ProgrammeVersion]:
    """The newest stored version row of every programme, in id order.

    Programmes are few and their versions fewer, so all rows are read and the newest kept per id.
    """
    rows = db.session.scalars(
        select(ProgrammeVersion).order_by(ProgrammeVersion.programme_id, ProgrammeVersion.version)
    )
    return list({row.programme_id: row for row in rows}.values())


def newest_version_row(programme_id: str) -> ProgrammeVersion | None:
    """The stored row of a programme's newest version (where whether it is offered is kept), or None."""
    latest = latest_version_number(programme_id)
    return stored_version(programme_id, latest) if latest is not None else None


@dataclass(frozen=True)
class StoredProgramme:
    """A programme as administrators see it: its newest version, whether it is offered, families enrolled."""

    programme: Programme
    imported_at: datetime
    in_use: bool
    enrolled: int


def overview() -> list[StoredProgramme]:
    """Every imported programme, for the administration page."""
    counts = dict(
        db.session.execute(select(Enrolment.programme_id, func.count()).group_by(Enrolment.programme_id)).all()
    )
    return [
        StoredProgramme(
            _parsed(row.id, row.definition_text), row.imported_at, row.in_use, counts.get(row.programme_id, 0)
        )
        for row in _newest_rows()
    ]


def latest_programmes(coached: bool | None = None, in_use_only: bool = True) -> list[Programme]:
    """The newest stored version of every programme (coached ones, open courses, or both), in id order."""
    programmes = []
    for row in _newest_rows():
        if in_use_only and not row.in_use:
            continue
        programme = _parsed(row.id, row.definition_text)
        if coached is None or programme.coached == coached:
            programmes.append(programme)
    return programmes


def load_latest(programme_id: str) -> Programme:
    """The newest stored version of a programme; raises LookupError when none."""
    latest = latest_version_number(programme_id)
    if latest is None:
        raise LookupError(f"{programme_id} has not been imported")
    return load_version(programme_id, latest)


def image(programme_id: str, version: int, name: str) -> ProgrammeImage | None:
    """A stored image of a programme version, or None."""
    stored = stored_version(programme_id, version)
    if stored is None:
        return None
    return next((image for image in stored.images if image.name == name), None)


@lru_cache(maxsize=32)
def _parsed(version_id: int, text: str) -> Programme:
    # Stored versions never change, so a parsed programme can be kept for the life of the process.
    # Images are served from the database by name; the parsed programme does not carry them.
    return parse_stored(text, f"programme version {version_id} (stored)", {})
