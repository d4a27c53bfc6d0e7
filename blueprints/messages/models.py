"""Message threads between a family and the family centre, their messages, one-time links and staff drafts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime, value_enum
from core.one_time_links import OneTimeLink
from core.timeutil import utcnow
from extensions import db

from ..activities.models import Registration
from ..auth.models import User
from ..booking.models import Appointment
from ..chat.models import ChatChannel
from ..questionnaires.models import Visit


class ThreadStatus(enum.StrEnum):
    """Whose turn it is in a thread."""

    WAITING = "waiting"  # the family wrote last: the centre owes an answer by ``answer_by``
    ANSWERED = "answered"  # the centre answered; the family may write again
    CLOSED = "closed"  # done; a new message from the family opens it again


class MessageThread(db.Model):
    """A family's written question to the centre and the answers, like Maisa's messages.

    Started from a chat channel (outside its hours, or instead of chatting) or from a link the family
    already has (an appointment's or a group activity registration's manage page, a questionnaire
    invitation), which then names the professional concerned.
    """

    __tablename__ = "message_thread"
    __table_args__ = (Index("ix_message_thread_status_due", "status", "answer_by"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public part of the thread's address (core.tokens); the address opens only in a browser holding a key.
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("chat_channel.id", ondelete="SET NULL"), index=True)
    # What the family writes about, when they wrote from its page: one of these three, or none.
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id", ondelete="SET NULL"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_visit.id", ondelete="SET NULL"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity_registration.id", ondelete="SET NULL"), index=True
    )
    # The professional the family writes to (from an appointment), or who answered a channel's thread first.
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), index=True)
    guardian_name: Mapped[str] = mapped_column(String(200))
    guardian_email: Mapped[str] = mapped_column(String(254), default="")
    guardian_phone: Mapped[str] = mapped_column(String(40), default="")
    sms_wanted: Mapped[bool] = mapped_column(default=False)
    # The language the family wrote in: every notice and page of the thread is in it.
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(200))
    # A keyed hash of the network address that started the thread, for the start limit; never the address.
    started_from: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[ThreadStatus] = mapped_column(value_enum(ThreadStatus), default=ThreadStatus.WAITING)
    # The last day (Helsinki) the centre promised to answer by; set when the family writes and it is the centre's turn.
    answer_by: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The newest message each side has seen, for unread counts.
    staff_seen_id: Mapped[int] = mapped_column(default=0)
    family_seen_id: Mapped[int] = mapped_column(default=0)
    # The newest family message the professionals were emailed about (the emails say only that one awaits).
    staff_told_id: Mapped[int] = mapped_column(default=0)

    channel: Mapped[ChatChannel | None] = relationship(lazy="joined")
    appointment: Mapped[Appointment | None] = relationship()
    visit: Mapped[Visit | None] = relationship()
    registration: Mapped[Registration | None] = relationship()
    professional: Mapped[User | None] = relationship(lazy="joined")
    messages: Mapped[list[ThreadMessage]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", passive_deletes=True, order_by="ThreadMessage.id"
    )

    @property
    def written_language(self) -> str:
        """The language notices to the family are in (the one they wrote in)."""
        return self.language


class ThreadMessage(db.Model):
    """One message in a thread, by the family or by a professional."""

    __tablename__ = "thread_message"
    __table_args__ = (
        # A send repeated after a lost connection carries the same key and is stored once.
        UniqueConstraint("thread_id", "client_key", name="uq_thread_message_client_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"), index=True)
    from_family: Mapped[bool]
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    # The professional's name as it was, so a closed account does not blank the thread.
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    client_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    thread: Mapped[MessageThread] = relationship(back_populates="messages")


class ThreadBrowser(db.Model):
    """A browser that may open a thread: the SHA-256 of a key kept in its session."""

    __tablename__ = "thread_browser"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ThreadLink(OneTimeLink, db.Model):
    """A one-time link sent by email or text message that lets a new browser into the thread."""

    __tablename__ = "thread_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"), index=True)


class ThreadDraft(db.Model):
    """A professional's unsent answer to a thread, saved as they write."""

    __tablename__ = "thread_draft"

    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id", ondelete="CASCADE"), primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
