"""An administrator's own version of a site text, in Swedish, Finnish and English."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime
from core.timeutil import utcnow
from extensions import db


class SiteText(db.Model):
    """The saved text of one document (``privacy``, ``accessibility``); deleting it restores the default."""

    __tablename__ = "site_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    body_sv: Mapped[str] = mapped_column(Text)
    body_fi: Mapped[str] = mapped_column(Text)
    # English may be left empty: English visitors then read the Swedish text.
    body_en: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()  # noqa: F821 - defined in auth.models
