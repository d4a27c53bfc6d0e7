"""Chat channels, their opening hours, conversations and the messages in them."""

from __future__ import annotations

import enum
from datetime import datetime, time

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime, value_enum
from core.one_time_links import OneTimeLink
from core.timeutil import utcnow
from extensions import db

from ..auth.models import User
from ..booking.models import Appointment
from ..organisation.models import NamedAndDescribed, Service
from ..questionnaires.models import Visit

# The professionals who answer a channel: they see its queue and its conversations.
chat_channel_professional = Table(
    "chat_channel_professional",
    db.metadata,
    Column("channel_id", ForeignKey("chat_channel.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
)

# The services behind a channel: booking from its chats offers them first.
chat_channel_service = Table(
    "chat_channel_service",
    db.metadata,
    Column("channel_id", ForeignKey("chat_channel.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class ChatChannel(NamedAndDescribed, db.Model):
    """A chat families can open, such as the child health clinic's chat, with its own hours and team."""

    __tablename__ = "chat_channel"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # The languages a family can chat in, space-separated ("sv fi").
    languages: Mapped[str] = mapped_column(String(20), default="sv fi")
    # How many conversations one professional holds at once, and how many families may wait.
    max_per_professional: Mapped[int] = mapped_column(default=3)
    max_queue: Mapped[int] = mapped_column(default=10)
    # Written messages left through the channel are answered within this many working days.
    answer_days: Mapped[int] = mapped_column(default=2)
    active: Mapped[bool] = mapped_column(default=True)

    # Loaded when used, not with every conversation's channel: a channel may have many professionals.
    professionals: Mapped[list[User]] = relationship(secondary=chat_channel_professional, order_by="User.name")
    services: Mapped[list[Service]] = relationship(secondary=chat_channel_service, order_by="Service.id")
    hours: Mapped[list[ChatHours]] = relationship(
        back_populates="channel",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="(ChatHours.weekday, ChatHours.start_time)",
    )

    @property
    def language_codes(self) -> tuple[str, ...]:
        """The languages offered, in the order the administrator gave them."""
        return tuple(self.languages.split())


class ChatHours(db.Model):
    """One weekly opening of a channel, in Helsinki time (closed on public holidays)."""

    __tablename__ = "chat_hours"
    __table_args__ = (
        CheckConstraint("start_time < end_time", name="start_before_end"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_in_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("chat_channel.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int]  # Monday = 0
    start_time: Mapped[time]
    end_time: Mapped[time]

    channel: Mapped[ChatChannel] = relationship(back_populates="hours")


class ConversationStatus(enum.StrEnum):
    """Where a conversation is."""

    QUEUED = "queued"  # waiting for a professional
    ACTIVE = "active"  # a professional has picked it up
    ENDED = "ended"  # nobody can write to it any more


class Conversation(db.Model):
    """One family's chat on a channel, from the queue to its end. The family is known by a nickname only."""

    __tablename__ = "chat_conversation"
    __table_args__ = (Index("ix_chat_conversation_channel_status", "channel_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Public part of the family's link (core.tokens); the link only opens in the browser holding the key.
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    # SHA-256 of the secret kept in the family's browser session.
    browser_key_hash: Mapped[str] = mapped_column(String(64))
    # A keyed hash of the network address that started the chat, for the start limit; never the address.
    started_from: Mapped[str] = mapped_column(String(64), default="")
    channel_id: Mapped[int] = mapped_column(ForeignKey("chat_channel.id"))
    nickname: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[ConversationStatus] = mapped_column(
        value_enum(ConversationStatus), default=ConversationStatus.QUEUED
    )
    professional_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), index=True)
    # The child's case a professional linked the chat to: the child's summary then lists it.
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    channel: Mapped[ChatChannel] = relationship(lazy="joined")
    professional: Mapped[User | None] = relationship(lazy="joined")
    messages: Mapped[list[ChatMessage]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", passive_deletes=True, order_by="ChatMessage.id"
    )

    @property
    def closed_unanswered(self) -> bool:
        """Whether the chat ended because the channel closed before anyone picked it up."""
        return self.picked_up_at is None and any(m.kind == MessageKind.CLOSED_UNANSWERED for m in self.messages)


class MessageKind(enum.StrEnum):
    """Who wrote a message, or which event it records."""

    FAMILY = "family"
    STAFF = "staff"
    JOINED = "joined"  # a professional picked the conversation up
    ENDED_BY_FAMILY = "ended_by_family"
    ENDED_BY_STAFF = "ended_by_staff"
    BOOKED = "booked"  # a professional booked the family an appointment from the chat
    QUESTIONNAIRE = "questionnaire"  # a professional sent the family a questionnaire (``visit``) from the chat
    CLOSED_UNANSWERED = "closed_unanswered"  # the channel closed and nobody picked the chat up
    TRANSFERRED = "transferred"  # a professional passed the chat to a colleague (``to_name``), with a ``note``


class ChatMessage(db.Model):
    """A message or an event in a conversation. The id orders everything and is what browsers ask after."""

    __tablename__ = "chat_message"
    __table_args__ = (
        # A send repeated after a lost connection carries the same key and is stored once.
        UniqueConstraint("conversation_id", "client_key", name="uq_chat_message_client_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("chat_conversation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MessageKind] = mapped_column(value_enum(MessageKind))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    # The professional's name as it was, so a closed account does not blank the transcript.
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    client_key: Mapped[str | None] = mapped_column(String(40))
    # A TRANSFERRED event: the colleague's name, and the note to them, which only professionals see.
    to_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # The appointment a BOOKED event is about; gone (NULL) once the appointment is erased.
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id", ondelete="SET NULL"))
    # The questionnaire invitation a QUESTIONNAIRE event is about; gone (NULL) once it is erased.
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_visit.id", ondelete="SET NULL"))
    # The message changed a channel's queue (a family joined it, a chat was picked up or ended): waiting
    # families' places and the professionals' queue pages are woken for it, not for every message.
    queue_event: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")
    appointment: Mapped[Appointment | None] = relationship()
    visit: Mapped[Visit | None] = relationship()


class TranscriptLink(OneTimeLink, db.Model):
    """A one-time link, emailed at the family's request, to download an ended chat once within a week.

    The email carries the link only, never the conversation.
    """

    __tablename__ = "chat_transcript_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("chat_conversation.id", ondelete="CASCADE"), index=True)
