"""A family's chat from the queue to its end: starting, waiting, picking up, writing and ending.

Families have no account. Starting a conversation gives the browser a secret key, kept in
its session; the conversation's link (``/chat/c/<token>``) opens it only together with that
key, so a link copied elsewhere shows nothing. Every message and every event (a professional
joined, the chat ended) is a ``ChatMessage``; its id orders the conversation, and a browser
asks for what came after the last id it has, so a reconnecting browser gets everything it
missed, once, in order (``live.py`` wakes the waiting requests).

Concurrency follows booking: the channel's row is locked on PostgreSQL (a request already
holds SQLite's write lock) while the queue is counted, a pick-up is a conditional UPDATE from
"queued", and a send carries the browser's key for it so a repeat after a lost connection
is stored once. These functions flush and never commit; the views do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core import one_time_links
from core.one_time_links import secret_hash
from core.timeutil import utcnow
from core.tokens import make_token, new_reference, row_for_token
from extensions import db

from ..auth.models import User
from ..booking.models import Appointment
from ..questionnaires.models import Visit
from . import live
from .hours import opening_at
from .models import ChatChannel, ChatMessage, Conversation, ConversationStatus, MessageKind, TranscriptLink

LINK_PURPOSE = "chat-conversation"
MAX_MESSAGE_LENGTH = 2000
# A family may send this many messages in this many seconds; more is a flood.
FAMILY_BURST = 10
FAMILY_BURST_SECONDS = 30
# The typical wait is the median of the channel's latest pick-ups, when there are enough of them.
WAITS_SAMPLED = 20
WAITS_NEEDED = 3
# An emailed link to download a conversation works once, for this many days.
TRANSCRIPT_LINK_DAYS = 7
# A family still queued this long after joining, once the channel has closed, is told nobody is free.
CLOSED_QUEUE_MINUTES = 30


class ChatRefused(Exception):
    """Why a conversation could not be started or written to; ``reason`` is a key of ``views.REFUSALS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def link_token(conversation: Conversation) -> str:
    """The secret part of the conversation's address."""
    return make_token(LINK_PURPOSE, conversation.reference)


def conversation_for(token: str, browser_keys: dict[str, str]) -> Conversation | None:
    """The conversation behind a link, if this browser holds its key; None for a forged link or another browser."""
    conversation = row_for_token(Conversation.reference, LINK_PURPOSE, token)
    if conversation is None:
        return None
    browser_key = browser_keys.get(conversation.reference, "")
    if not browser_key or not secrets.compare_digest(secret_hash(browser_key), conversation.browser_key_hash):
        return None
    return conversation


def going_on(channel: ChatChannel, browser_keys: dict[str, str]) -> Conversation | None:
    """The chat this browser has waiting or open on the channel, if any."""
    if not browser_keys:
        return None
    candidates = db.session.scalars(
        select(Conversation).where(
            Conversation.reference.in_(list(browser_keys)),
            Conversation.channel_id == channel.id,
            Conversation.status.in_([ConversationStatus.QUEUED, ConversationStatus.ACTIVE]),
        )
    )
    for conversation in candidates:
        if secrets.compare_digest(secret_hash(browser_keys[conversation.reference]), conversation.browser_key_hash):
            return conversation
    return None


def _lock_channel(channel: ChatChannel) -> None:
    """Serialise starts and pick-ups on one channel (PostgreSQL; a request holds SQLite's write lock already)."""
    db.session.execute(select(ChatChannel.id).where(ChatChannel.id == channel.id).with_for_update())


def queue_length(channel: ChatChannel) -> int:
    """How many families are waiting on the channel."""
    return db.session.scalar(
        select(func.count(Conversation.id)).where(
            Conversation.channel_id == channel.id, Conversation.status == ConversationStatus.QUEUED
        )
    )


def address_hash(address: str) -> str:
    """What is kept of the network address that starts a chat: an HMAC under the secret key, enough to count starts."""
    return hmac.new(current_app.config["SECRET_KEY"].encode(), address.encode(), hashlib.sha256).hexdigest()


def starts_from(started_from: str, since: datetime) -> int:
    """How many chats were started from one (hashed) address since ``since``."""
    return db.session.scalar(
        select(func.count(Conversation.id)).where(
            Conversation.started_from == started_from, Conversation.created_at > since
        )
    )


def start(channel: ChatChannel, nickname: str, language: str, topic: str, address: str) -> tuple[Conversation, str]:
    """Put a family in the channel's queue with their first message; return the conversation and the browser's key.

    Refused when the channel is closed now, its queue is full, or ``address`` started too many chats lately.
    """
    now = utcnow()
    if not channel.active or opening_at(channel, now) is None:
        raise ChatRefused("closed")
    _lock_channel(channel)
    started_from = address_hash(address)
    if starts_from(started_from, now - timedelta(hours=1)) >= current_app.config["CHAT_STARTS_PER_ADDRESS_HOUR"]:
        raise ChatRefused("too_many_starts")
    if queue_length(channel) >= channel.max_queue:
        raise ChatRefused("queue_full")
    browser_key = secrets.token_urlsafe(24)
    conversation = Conversation(
        reference=new_reference(),
        browser_key_hash=secret_hash(browser_key),
        started_from=started_from,
        channel=channel,
        nickname=nickname,
        language=language,
        created_at=now,
    )
    db.session.add(conversation)
    db.session.flush()
    _add(conversation, MessageKind.FAMILY, body=topic, queue_event=True)
    return conversation, browser_key


def _add(
    conversation: Conversation,
    kind: MessageKind,
    *,
    body: str = "",
    author: User | None = None,
    client_key: str | None = None,
    queue_event: bool = False,
    appointment: Appointment | None = None,
    visit: Visit | None = None,
) -> ChatMessage:
    """Store one message or event and tell the waiting browsers once it is committed."""
    message = ChatMessage(
        conversation_id=conversation.id,
        kind=kind,
        body=body,
        staff_id=author.id if author else None,
        author_name=author.name if author else "",
        client_key=client_key,
        queue_event=queue_event,
        appointment=appointment,
        visit=visit,
        created_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    live.announce(message.id, live.topics_of(conversation.id, conversation.channel_id, queue_event))
    return message


def _sent_before(conversation: Conversation, client_key: str) -> ChatMessage | None:
    return db.session.scalar(
        select(ChatMessage).where(ChatMessage.conversation_id == conversation.id, ChatMessage.client_key == client_key)
    )


def send(conversation: Conversation, body: str, client_key: str | None, author: User | None = None) -> ChatMessage:
    """Add a message from the family (``author`` None) or from a professional.

    A repeat of a send already stored (same ``client_key``) returns the stored message.
    Refused when the conversation has ended, or when a family sends faster than a person types.
    """
    if client_key:
        earlier = _sent_before(conversation, client_key)
        if earlier is not None:
            return earlier
    if conversation.status == ConversationStatus.ENDED:
        raise ChatRefused("ended")
    if author is None and _recent_family_messages(conversation) >= FAMILY_BURST:
        raise ChatRefused("too_fast")
    kind = MessageKind.STAFF if author else MessageKind.FAMILY
    try:
        with db.session.begin_nested():
            return _add(conversation, kind, body=body, author=author, client_key=client_key)
    except IntegrityError:
        # The same send arrived twice at once through two connections (PostgreSQL): the other one stored it.
        earlier = _sent_before(conversation, client_key or "")
        if earlier is None:
            raise
        return earlier


def _recent_family_messages(conversation: Conversation) -> int:
    since = utcnow() - timedelta(seconds=FAMILY_BURST_SECONDS)
    return db.session.scalar(
        select(func.count(ChatMessage.id)).where(
            ChatMessage.conversation_id == conversation.id,
            ChatMessage.kind == MessageKind.FAMILY,
            ChatMessage.created_at >= since,
        )
    )


def held_by(professional: User, channel: ChatChannel) -> int:
    """How many of the channel's conversations the professional holds now."""
    return db.session.scalar(
        select(func.count(Conversation.id)).where(
            Conversation.channel_id == channel.id,
            Conversation.professional_id == professional.id,
            Conversation.status == ConversationStatus.ACTIVE,
        )
    )


def pick_up(conversation: Conversation, professional: User) -> None:
    """Take a waiting conversation. Refused when a colleague took it first or the professional holds enough."""
    _lock_channel(conversation.channel)
    if held_by(professional, conversation.channel) >= conversation.channel.max_per_professional:
        raise ChatRefused("holding_enough")
    now = utcnow()
    taken = db.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.status == ConversationStatus.QUEUED)
        .values(status=ConversationStatus.ACTIVE, professional_id=professional.id, picked_up_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(conversation)
    if not taken:
        raise ChatRefused("taken")
    _add(conversation, MessageKind.JOINED, author=professional, queue_event=True)


def holds(conversation: Conversation, professional: User) -> bool:
    """Whether the professional holds the conversation and it is still on (so may write in it or book from it)."""
    return conversation.status == ConversationStatus.ACTIVE and conversation.professional_id == professional.id


def transfer(conversation: Conversation, professional: User, colleague: User, note: str) -> ChatMessage:
    """Pass a held chat to a colleague of the channel, with a note only professionals see.

    Refused when the professional does not hold it, the colleague does not answer the channel,
    or already holds as many chats as one may.
    """
    if not holds(conversation, professional):
        raise ChatRefused("not_held")
    channel = conversation.channel
    if colleague.id == professional.id or colleague not in channel.professionals:
        raise ChatRefused("not_a_colleague")
    _lock_channel(channel)
    if held_by(colleague, channel) >= channel.max_per_professional:
        raise ChatRefused("colleague_full")
    conversation.professional_id = colleague.id
    # A queue event: the colleague's chat page lists the chats they hold, and wakes for it.
    message = _add(conversation, MessageKind.TRANSFERRED, author=professional, queue_event=True)
    message.to_name = colleague.name
    message.note = note
    return message


def held_conversation(conversation_id: int | None, professional: User) -> Conversation | None:
    """The conversation with ``conversation_id`` if the professional holds it now; None otherwise."""
    conversation = db.session.get(Conversation, conversation_id) if conversation_id else None
    return conversation if conversation is not None and holds(conversation, professional) else None


def record_questionnaire(conversation: Conversation, visit: Visit, professional: User) -> ChatMessage:
    """Show in the chat that the professional sent the family a questionnaire (the family sees its link);
    the chat is linked to the visit's child's case if it was not linked yet."""
    if not holds(conversation, professional):
        raise ChatRefused("not_held")
    if conversation.child_id is None:
        conversation.child_id = visit.child_id
    return _add(conversation, MessageKind.QUESTIONNAIRE, author=professional, visit=visit)


def record_booking(conversation: Conversation, appointment: Appointment, professional: User) -> ChatMessage:
    """Show in the chat that the professional booked the family ``appointment`` (the family sees its link)."""
    if not holds(conversation, professional):
        raise ChatRefused("not_held")
    return _add(conversation, MessageKind.BOOKED, author=professional, appointment=appointment)


def end(conversation: Conversation, by: User | None = None) -> bool:
    """End the conversation, by the family (``by`` None) or a professional; False when it had ended already."""
    ended = db.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id, Conversation.status != ConversationStatus.ENDED)
        .values(status=ConversationStatus.ENDED, ended_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(conversation)
    if ended:
        _add(
            conversation, MessageKind.ENDED_BY_STAFF if by else MessageKind.ENDED_BY_FAMILY, author=by, queue_event=True
        )
    return bool(ended)


def end_unanswered(now: datetime) -> int:
    """End the chats still queued on a closed channel after ``CLOSED_QUEUE_MINUTES``; return how many.

    Professionals may still pick up families who queued before closing time; a family nobody
    picks up is told so, and offered to write a message instead, rather than wait all night.
    """
    waiting = db.session.scalars(
        select(Conversation).where(
            Conversation.status == ConversationStatus.QUEUED,
            Conversation.created_at < now - timedelta(minutes=CLOSED_QUEUE_MINUTES),
        )
    ).all()
    ended = 0
    for conversation in waiting:
        if opening_at(conversation.channel, now) is not None:
            continue
        # Conditional, like ``end``: a pick-up or a parallel run of the job may have come first.
        if db.session.execute(
            update(Conversation)
            .where(Conversation.id == conversation.id, Conversation.status == ConversationStatus.QUEUED)
            .values(status=ConversationStatus.ENDED, ended_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount:
            _add(conversation, MessageKind.CLOSED_UNANSWERED, queue_event=True)
            ended += 1
    return ended


def messages_after(conversation: Conversation, after_id: int) -> list[ChatMessage]:
    """The conversation's messages and events after ``after_id``, oldest first."""
    return list(
        db.session.scalars(
            select(ChatMessage)
            .where(ChatMessage.conversation_id == conversation.id, ChatMessage.id > after_id)
            .order_by(ChatMessage.id)
        )
    )


@dataclass(frozen=True)
class QueuePlace:
    """Where a waiting family stands: their place (1 = next) and the channel's typical wait lately."""

    position: int
    typical_wait_minutes: int | None


def queue_place(conversation: Conversation) -> QueuePlace | None:
    """The family's place in the queue, or None when the conversation is no longer waiting."""
    if conversation.status != ConversationStatus.QUEUED:
        return None
    ahead = db.session.scalar(
        select(func.count(Conversation.id)).where(
            Conversation.channel_id == conversation.channel_id,
            Conversation.status == ConversationStatus.QUEUED,
            Conversation.id < conversation.id,
        )
    )
    return QueuePlace(ahead + 1, typical_wait_minutes(conversation.channel))


def typical_wait_minutes(channel: ChatChannel) -> int | None:
    """The median wait of the channel's latest pick-ups, in whole minutes (at least 1); None without enough of them.

    Measured, not promised: the page says it is how long families have waited lately.
    """
    rows = db.session.execute(
        select(Conversation.created_at, Conversation.picked_up_at)
        .where(Conversation.channel_id == channel.id, Conversation.picked_up_at.is_not(None))
        .order_by(Conversation.picked_up_at.desc())
        .limit(WAITS_SAMPLED)
    ).all()
    if len(rows) < WAITS_NEEDED:
        return None
    median = statistics.median((picked - created).total_seconds() for created, picked in rows)
    return max(1, round(median / 60))


def waiting_since(conversation: Conversation, now: datetime) -> int:
    """Whole minutes the family has waited or chatted since starting."""
    return int((now - conversation.created_at).total_seconds() // 60)


def new_transcript_link(conversation: Conversation) -> str:
    """A one-time token to download the conversation within ``TRANSCRIPT_LINK_DAYS``."""
    return one_time_links.issue(TranscriptLink, TRANSCRIPT_LINK_DAYS, conversation_id=conversation.id)


def use_transcript_link(token: str) -> Conversation | None:
    """The conversation an emailed link downloads, marking the link used; None when unknown, used or expired."""
    link = one_time_links.claim(TranscriptLink, token)
    return db.session.get(Conversation, link.conversation_id) if link else None
