"""What the family's and the professional's chat pages share: refusals in words, links in messages,
the transcript, and the cursor a waiting browser sends."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from babel.dates import get_day_names
from flask import Response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from core.i18n import clock, current_language, day_and_time, localized, long_date
from core.timeutil import HELSINKI, to_local

from .conversations import queue_place
from .hours import Opening
from .live import LONG_POLL_SECONDS
from .models import ChatChannel, ChatMessage, Conversation, MessageKind

REFUSALS = {
    "closed": _l("The chat is closed right now. See the opening hours below."),
    "too_many_starts": _l("Many chats have been started from this network lately. Please try again in an hour."),
    "queue_full": _l("Many families are waiting right now and the queue is full. Please try again in a while."),
    "ended": _l("This chat has ended, so no more messages can be sent to it."),
    "too_fast": _l("You are sending messages faster than we can read them. Wait a moment and send again."),
    "taken": _l("A colleague already picked up this chat."),
    "not_held": _l("Pick up the chat before writing to the family."),
    "not_a_colleague": _l("Choose a colleague who answers this chat."),
    "colleague_full": _l("That colleague already holds as many chats as one person may."),
    "holding_enough": _l("You already hold as many chats on this channel as one person may."),
}

# http(s) addresses and www. names in a message; a trailing full stop or bracket is not part of them.
LINK = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", re.IGNORECASE)


def linkify(text: str) -> Markup:
    """A message's text, escaped, with web addresses made into links that open safely in a new context."""
    parts: list[str] = []
    position = 0
    for match in LINK.finditer(text):
        parts.append(escape(text[position : match.start()]))
        shown = match.group(0)
        target = shown if shown.lower().startswith("http") else "https://" + shown
        parts.append(Markup('<a href="{}" rel="nofollow noopener noreferrer">{}</a>').format(target, shown))
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def _hours_text(spans: list[tuple[time, time]]) -> str:
    """Opening hours as "9.00–12.00, 13.00–15.00" in the page's language."""
    anchor = date(2026, 1, 5)  # any ordinary day: only the clock is shown
    return ", ".join(
        f"{clock(datetime.combine(anchor, start, HELSINKI))}–{clock(datetime.combine(anchor, end, HELSINKI))}"
        for start, end in spans
    )


def today_in_words(openings: list[Opening]) -> str:
    """Today's opening hours in words; empty when closed all day."""
    return _hours_text([(opening.start, opening.end) for opening in openings])


def weekday_names() -> list[str]:
    """Monday to Sunday in the page's language, capitalised as a label."""
    # Stand-alone forms: as a label Finnish says "maanantai", not "maanantaina" (on Monday).
    names = get_day_names("wide", context="stand-alone", locale=current_language())
    return [names[weekday][:1].upper() + names[weekday][1:] for weekday in range(7)]


def week_in_words(channel: ChatChannel) -> list[tuple[str, str]]:
    """Each weekday's name with the channel's hours on it, or "Closed"."""
    names = weekday_names()
    return [
        (
            names[weekday],
            _hours_text([(hours.start_time, hours.end_time) for hours in channel.hours if hours.weekday == weekday])
            or _("Closed"),
        )
        for weekday in range(7)
    ]


def state_of(conversation: Conversation) -> str:
    """What a browser's status line depends on: the conversation's state and, while waiting, the place in line."""
    place = queue_place(conversation)
    return f"{conversation.status.value}.{place.position if place else 0}"


@dataclass(frozen=True)
class Cursor:
    """What a waiting browser has: the last message id, the state it shows, and how long it may wait."""

    after: int
    state: str
    wait_seconds: int


def cursor_asked() -> Cursor:
    """The cursor in the query string; anything unreadable counts as "nothing yet" and "do not wait"."""
    try:
        after = max(0, int(request.args.get("after", "0")))
    except ValueError:
        after = 0
    try:
        wait = min(LONG_POLL_SECONDS, max(0, int(request.args.get("wait", "0"))))
    except ValueError:
        wait = 0
    return Cursor(after, request.args.get("state", "")[:40], wait)


def event_text(message: ChatMessage, viewer: str) -> str:
    """An event in words for ``viewer`` ("family" or "staff")."""
    if message.kind == MessageKind.JOINED:
        return _("%(name)s joined the chat.", name=message.author_name)
    if message.kind == MessageKind.BOOKED:
        return booking_text(message, viewer)
    if message.kind == MessageKind.QUESTIONNAIRE:
        if viewer == "family":
            return _("%(name)s sent you a questionnaire to fill in.", name=message.author_name)
        return _("%(name)s sent the family a questionnaire.", name=message.author_name)
    if message.kind == MessageKind.CLOSED_UNANSWERED:
        if viewer == "family":
            return _("The chat closed before a professional was free. We are sorry.")
        return _("The chat closed before anyone picked it up.")
    if message.kind == MessageKind.TRANSFERRED:
        passed = _("%(name)s passed the chat to %(colleague)s.", name=message.author_name, colleague=message.to_name)
        # The note is between professionals; the family learns only who answers now.
        return passed + (" " + _("Note: %(note)s", note=message.note) if viewer == "staff" and message.note else "")
    if message.kind == MessageKind.ENDED_BY_FAMILY:
        return _("You ended the chat.") if viewer == "family" else _("The family ended the chat.")
    return _("%(name)s ended the chat.", name=message.author_name)


def booking_text(message: ChatMessage, viewer: str) -> str:
    """An appointment booked from the chat, as it stands now (it may have been moved or cancelled since)."""
    appointment = message.appointment
    if appointment is None:
        return _("An appointment booked in this chat has since been removed.")
    details = {
        "name": message.author_name,
        "when": day_and_time(appointment.starts_at),
        "service": localized(appointment.service, "name"),
    }
    if viewer == "family":
        text = _("%(name)s booked an appointment for you: %(service)s, %(when)s.", **details)
    else:
        text = _("%(name)s booked an appointment for the family: %(service)s, %(when)s.", **details)
    return text if appointment.is_active else text + " " + _("It has been cancelled.")


def author_text(message: ChatMessage, conversation: Conversation, viewer: str) -> str:
    """Who wrote a message, as ``viewer`` sees it."""
    if message.kind == MessageKind.FAMILY:
        return _("You") if viewer == "family" else conversation.nickname
    return message.author_name


def transcript_response(conversation: Conversation, messages: list[ChatMessage], viewer: str = "family") -> Response:
    """The conversation as a plain text file to download."""
    started = to_local(conversation.created_at)
    lines = [
        localized(conversation.channel, "name"),
        long_date(started),
        "",
    ]
    for message in messages:
        stamp = clock(message.created_at)
        if message.kind in (MessageKind.FAMILY, MessageKind.STAFF):
            lines.append(f"{stamp} {author_text(message, conversation, viewer)}: {message.body}")
        else:
            lines.append(f"{stamp} {event_text(message, viewer)}")
    filename = f"chat-{started:%Y-%m-%d}.txt"
    return Response(
        "\n".join(lines) + "\n",
        mimetype="text/plain",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
