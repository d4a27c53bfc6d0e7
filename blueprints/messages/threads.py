"""Message threads: a family writes, the centre answers within working days, both sides see what is new.

The thread's address opens only in a browser that holds one of the thread's keys (like a chat's).
A browser gets a key by starting the thread, by coming from the appointment the thread is about,
or by a one-time link from an email or text message telling the family something awaits them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from core import one_time_links
from core.holidays import is_holiday
from core.one_time_links import secret_hash
from core.timeutil import to_local, utcnow
from core.tokens import make_token, new_reference, row_for_token
from extensions import db

from ..activities.models import Registration
from ..auth.models import User
from ..booking.models import Appointment
from ..chat.conversations import address_hash
from ..chat.models import ChatChannel, chat_channel_professional
from ..questionnaires.models import Visit
from .models import MessageThread, ThreadBrowser, ThreadDraft, ThreadLink, ThreadMessage, ThreadStatus

LINK_PURPOSE = "message-thread"
MAX_MESSAGE_LENGTH = 5000
# A one-time link from an email or text message works this long, once.
LINK_DAYS = 30
# A family may write this many messages to one thread in an hour; more is a flood.
FAMILY_MESSAGES_PER_HOUR = 10


class ThreadRefused(Exception):
    """Why a message could not be written; ``reason`` is a key of ``views.REFUSALS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def working_days_after(day: date, count: int) -> date:
    """The day ``count`` working days after ``day``, skipping weekends and Finnish public holidays."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and not is_holiday(day):
            count -= 1
    return day


def default_answer_days() -> int:
    """Within how many working days a message about an appointment is answered (``MESSAGE_ANSWER_DAYS``)."""
    return int(current_app.config["MESSAGE_ANSWER_DAYS"])


def answer_days(thread: MessageThread) -> int:
    """Within how many working days the centre answers this thread: its channel's promise, or the default."""
    return thread.channel.answer_days if thread.channel is not None else default_answer_days()


def link_token(thread: MessageThread) -> str:
    """The secret part of the thread's address."""
    return make_token(LINK_PURPOSE, thread.reference)


def bind_browser(thread: MessageThread) -> str:
    """Let the current browser open the thread: a new key, of which the database keeps only the hash."""
    key = secrets.token_urlsafe(24)
    db.session.add(ThreadBrowser(thread_id=thread.id, key_hash=secret_hash(key)))
    return key


def thread_for(token: str, browser_keys: dict[str, str]) -> MessageThread | None:
    """The thread behind an address, if this browser holds one of its keys; None for a forged link or a stranger."""
    thread = row_for_token(MessageThread.reference, LINK_PURPOSE, token)
    key = browser_keys.get(thread.reference, "") if thread else ""
    if not key:
        return None
    known = db.session.scalar(
        select(ThreadBrowser.id).where(ThreadBrowser.thread_id == thread.id, ThreadBrowser.key_hash == secret_hash(key))
    )
    return thread if known else None


def start(
    *,
    name: str,
    email: str,
    phone: str,
    sms_wanted: bool,
    language: str,
    subject: str,
    body: str,
    address: str,
    channel: ChatChannel | None = None,
    about: About | None = None,
) -> MessageThread:
    """A new thread with the family's first message, waiting for the centre's answer: to a chat channel's
    professionals, or ``about`` an appointment, questionnaire invitation or registration, to its professional.

    Refused when ``address`` started as many threads in the last hour as it may start chats.
    """
    started_from = address_hash(address)
    since = utcnow() - timedelta(hours=1)
    started = db.session.scalar(
        select(func.count(MessageThread.id)).where(
            MessageThread.started_from == started_from, MessageThread.created_at > since
        )
    )
    if started >= current_app.config["CHAT_STARTS_PER_ADDRESS_HOUR"]:
        raise ThreadRefused("too_many_threads")
    thread = MessageThread(
        started_from=started_from,
        reference=new_reference(),
        channel=channel,
        professional_id=about.professional.id if about else None,
        guardian_name=name,
        guardian_email=email,
        guardian_phone=phone,
        sms_wanted=sms_wanted,
        language=language,
        subject=subject,
    )
    if about is not None:
        setattr(thread, f"{about.kind}_id", about.row.id)
    db.session.add(thread)
    db.session.flush()
    write(thread, body, client_key=None)
    return thread


def _sent_before(thread: MessageThread, client_key: str | None) -> ThreadMessage | None:
    if not client_key:
        return None
    return db.session.scalar(
        select(ThreadMessage).where(ThreadMessage.thread_id == thread.id, ThreadMessage.client_key == client_key)
    )


def write(thread: MessageThread, body: str, client_key: str | None) -> ThreadMessage:
    """The family's message. It is the centre's turn again, with a new answer-by day if it was not already waiting."""
    repeated = _sent_before(thread, client_key)
    if repeated is not None:
        return repeated
    now = utcnow()
    recent = db.session.scalar(
        select(func.count(ThreadMessage.id)).where(
            ThreadMessage.thread_id == thread.id,
            ThreadMessage.from_family.is_(True),
            ThreadMessage.created_at > now - timedelta(hours=1),
        )
    )
    if recent >= FAMILY_MESSAGES_PER_HOUR:
        raise ThreadRefused("too_many")
    message = ThreadMessage(thread_id=thread.id, from_family=True, body=body, client_key=client_key, created_at=now)
    db.session.add(message)
    db.session.flush()
    if thread.status != ThreadStatus.WAITING or thread.answer_by is None:
        thread.answer_by = working_days_after(to_local(now).date(), answer_days(thread))
    thread.status = ThreadStatus.WAITING
    thread.last_message_at = now
    thread.family_seen_id = message.id
    return message


def answer(thread: MessageThread, body: str, professional: User, client_key: str | None) -> ThreadMessage:
    """A professional's answer: the family's turn now, and the professional's draft is done with."""
    repeated = _sent_before(thread, client_key)
    if repeated is not None:
        return repeated
    now = utcnow()
    message = ThreadMessage(
        thread_id=thread.id,
        from_family=False,
        staff_id=professional.id,
        author_name=professional.name,
        body=body,
        client_key=client_key,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    thread.status = ThreadStatus.ANSWERED
    thread.answer_by = None
    thread.last_message_at = now
    thread.staff_seen_id = message.id
    if thread.professional_id is None:
        thread.professional_id = professional.id
    db.session.execute(delete(ThreadDraft).where(ThreadDraft.thread_id == thread.id))
    return message


def close(thread: MessageThread) -> None:
    """Mark the thread done (nothing more is owed); a new message from the family opens it again."""
    thread.status = ThreadStatus.CLOSED
    thread.answer_by = None


def new_link(thread: MessageThread) -> str:
    """A one-time link token for an email or text message (``LINK_DAYS``); only its hash is kept."""
    return one_time_links.issue(ThreadLink, LINK_DAYS, thread_id=thread.id)


def thread_of_link(token: str) -> MessageThread | None:
    """The thread a one-time link was made for, used or not (a browser already let in may follow it again)."""
    link = one_time_links.find(ThreadLink, token)
    return db.session.get(MessageThread, link.thread_id) if link else None


def use_link(token: str) -> MessageThread | None:
    """The thread a one-time link opens, marking the link used; None when it is unknown, used or expired."""
    link = one_time_links.claim(ThreadLink, token)
    return db.session.get(MessageThread, link.thread_id) if link else None


@dataclass(frozen=True)
class About:
    """What a family writes about from its page: ``kind`` ("appointment", "visit" or "registration"),
    the row, and the professional concerned."""

    kind: str
    row: Appointment | Visit | Registration
    professional: User


def about_appointment(appointment: Appointment) -> About:
    """Writing from an appointment's manage page: to the appointment's professional."""
    return About("appointment", appointment, appointment.professional)


def about_visit(visit: Visit) -> About:
    """Writing from a questionnaire invitation: to the professional who sent it."""
    return About("visit", visit, visit.professional)


def about_registration(registration: Registration) -> About | None:
    """Writing from a group activity registration: to the activity's first leader (None when it has none)."""
    leaders = registration.date.activity.leaders
    return About("registration", registration, leaders[0]) if leaders else None


def open_thread_about(about: About) -> MessageThread | None:
    """The family's thread about the same thing that is not closed yet, to continue instead of starting another."""
    column = getattr(MessageThread, f"{about.kind}_id")
    return db.session.scalar(
        select(MessageThread)
        .where(column == about.row.id, MessageThread.status != ThreadStatus.CLOSED)
        .order_by(MessageThread.id.desc())
        .limit(1)
    )


def _visible_to(user: User):
    """Which threads a professional answers: those of their chat channels and those written to them."""
    their_channels = select(chat_channel_professional.c.channel_id).where(
        chat_channel_professional.c.user_id == user.id
    )
    return or_(MessageThread.professional_id == user.id, MessageThread.channel_id.in_(their_channels))


def may_answer(thread: MessageThread, user: User) -> bool:
    """Whether the professional is one of those the thread is for."""
    return (
        db.session.scalar(select(MessageThread.id).where(MessageThread.id == thread.id, _visible_to(user))) is not None
    )


def inbox(user: User) -> list[MessageThread]:
    """The professional's threads: those owed an answer first, soonest due first, then the rest, newest first."""
    return list(
        db.session.scalars(
            select(MessageThread)
            .where(_visible_to(user))
            .order_by(
                (MessageThread.status != ThreadStatus.WAITING),
                MessageThread.answer_by,
                MessageThread.last_message_at.desc(),
            )
            .limit(200)
        )
    )


def unread_counts(threads: list[MessageThread]) -> dict[int, int]:
    """Per thread, the family's messages the centre has not opened yet."""
    if not threads:
        return {}
    rows = db.session.execute(
        select(ThreadMessage.thread_id, func.count(ThreadMessage.id))
        .join(MessageThread, MessageThread.id == ThreadMessage.thread_id)
        .where(
            ThreadMessage.thread_id.in_([thread.id for thread in threads]),
            ThreadMessage.from_family.is_(True),
            ThreadMessage.id > MessageThread.staff_seen_id,
        )
        .group_by(ThreadMessage.thread_id)
    )
    return dict(rows.all())


def waiting_count(user: User) -> int:
    """How many of the professional's threads are owed an answer (the staff header's count)."""
    return db.session.scalar(
        select(func.count(MessageThread.id)).where(_visible_to(user), MessageThread.status == ThreadStatus.WAITING)
    )


def seen_by_staff(thread: MessageThread) -> None:
    """The centre has now seen every message of the thread."""
    newest = db.session.scalar(select(func.max(ThreadMessage.id)).where(ThreadMessage.thread_id == thread.id))
    thread.staff_seen_id = max(thread.staff_seen_id, newest or 0)


def seen_by_family(thread: MessageThread) -> None:
    """The family has now seen every message of the thread."""
    newest = db.session.scalar(select(func.max(ThreadMessage.id)).where(ThreadMessage.thread_id == thread.id))
    thread.family_seen_id = max(thread.family_seen_id, newest or 0)


def draft_of(thread: MessageThread, user: User) -> ThreadDraft | None:
    """The professional's unsent answer to the thread, if they saved one."""
    return db.session.get(ThreadDraft, (thread.id, user.id))


def save_draft(thread: MessageThread, user: User, body: str) -> ThreadDraft | None:
    """Keep the professional's unsent answer (an empty one removes the draft)."""
    draft = draft_of(thread, user)
    if not body:
        if draft is not None:
            db.session.delete(draft)
        return None
    if draft is None:
        draft = ThreadDraft(thread_id=thread.id, staff_id=user.id)
        db.session.add(draft)
    draft.body = body
    draft.saved_at = utcnow()
    return draft


def is_overdue(thread: MessageThread, now: datetime) -> bool:
    """Whether the centre has let the answer-by day pass."""
    return (
        thread.status == ThreadStatus.WAITING
        and thread.answer_by is not None
        and to_local(now).date() > thread.answer_by
    )
