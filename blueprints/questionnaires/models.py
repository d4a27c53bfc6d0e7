"""Stored instrument versions. A version is written once and never changed, so a response
answered on it can always be scored again exactly as it was."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.database import UTCDateTime
from core.timeutil import utcnow
from extensions import db


class InstrumentVersion(db.Model):
    """One version of an instrument or package, as imported with ``flask questionnaires import``."""

    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("instrument_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    # The definition's canonical text (definition.canonical_text), included instruments embedded.
    definition_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
