"""Acknowledgements of urgent flags (who acted on a flagged response, and when) and email notices to staff.

A response whose scoring raised a flag (PHQ-9 item 9 above 0, "needs attention
today") waits on every case member's Today page until one of them says they
have acted on it. One acknowledgement per response covers every flag it raised
and removes it for everyone.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime
from core.timeutil import utcnow
from extensions import db

from ..auth.models import User

NOTE_MAX_LENGTH = 500


class FlagAcknowledgement(db.Model):
    """A professional's "I have acted on this" for the urgent flags of one sent response."""

    __tablename__ = "flag_acknowledgement"

    # One per response: the first acknowledgement stands, a second click changes nothing.
    response_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_response.id", ondelete="CASCADE"), primary_key=True
    )
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    # Kept as written at the time, so closing the account later does not blank who acted.
    acknowledged_by_name: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH), default="")

    acknowledged_by: Mapped[User | None] = relationship(lazy="joined")


class NoticeKind:
    """What an email notice to staff says (never more than that something awaits in Famnen)."""

    URGENT = "urgent"  # an urgent flag fired: to the inviting professional and the team addresses
    URGENT_REMINDER = "urgent_reminder"  # still not acknowledged after a while: to the team addresses again
    ANSWERED = "answered"  # a family sent answers: to the inviting professional, unless they turned it off


class StaffNotice(db.Model):
    """One email to one address about one sent response; the unique key makes each one happen once.

    ``sent_at`` doubles as the claim: a run sets it before sending and gives it
    back when sending failed, so overlapping runs never send the same notice twice.
    """

    __tablename__ = "staff_notice"
    __table_args__ = (UniqueConstraint("response_id", "kind", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_response.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    failures: Mapped[int] = mapped_column(default=0)
