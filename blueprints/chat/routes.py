"""The family's side of the chat: the channels, joining a queue, the conversation itself and its transcript."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from core import mail
from core.access import public
from core.database import reads_only
from core.i18n import LANGUAGE_WORDS, current_language
from core.mail import external_url
from core.rendering import wants_fragment
from core.timeutil import to_local, utcnow
from core.views import client_address, render_form
from extensions import db

from ..booking.appointments import manage_token
from ..questionnaires.invitations import visit_token
from . import conversations, live
from .conversations import ChatRefused
from .forms import MessageForm, StartForm, TranscriptEmailForm
from .hours import next_opening, opening_at, openings_on
from .models import ChatChannel, Conversation
from .views import (
    REFUSALS,
    author_text,
    cursor_asked,
    event_text,
    linkify,
    state_of,
    today_in_words,
    transcript_response,
    week_in_words,
)

bp = Blueprint("chat", __name__, url_prefix="/chat")
T = TypeVar("T")

# The session key under which a browser keeps the keys of the conversations it started.
KEYS = "chat_keys"
# A browser keeps the keys of its latest conversations only.
KEPT_KEYS = 5


def _channels() -> list[ChatChannel]:
    return list(db.session.scalars(select(ChatChannel).where(ChatChannel.active).order_by(ChatChannel.id)))


def channel_states(channels: list[ChatChannel]) -> list[dict]:
    """Each channel with whether it is open now, today's hours and its next opening (front page, channel list)."""
    now = utcnow()
    today = to_local(now).date()
    return [
        {
            "channel": channel,
            "open_now": opening_at(channel, now) is not None,
            "today": today_in_words(openings_on(channel, today)),
            "next": next_opening(channel, now),
        }
        for channel in channels
    ]


@bp.route("/")
@public
def channels():
    """The chat channels with today's hours and whether each is open now."""
    return render_template("chat/channels.html", states=channel_states(_channels()))


def _channel_or_404(slug: str) -> ChatChannel:
    channel = db.session.scalar(select(ChatChannel).where(ChatChannel.slug == slug, ChatChannel.active))
    if channel is None:
        abort(404)
    return channel


@bp.route("/<slug>", methods=["GET", "POST"])
@public
def channel(slug: str):
    """A channel's page: what to ask it, its hours, and the form that puts the family in the queue."""
    chat_channel = _channel_or_404(slug)
    going = conversations.going_on(chat_channel, session.get(KEYS, {}))
    if going is not None and request.method == "POST":
        # A second start from a browser already in the queue (another tab, the back button) goes to the first.
        return redirect(url_for("chat.conversation", token=conversations.link_token(going), lang=going.language))
    form = StartForm()
    form.offer_languages(chat_channel.language_codes, current_language())
    refusal = None
    if form.validate_on_submit():
        try:
            conversation, browser_key = conversations.start(
                chat_channel, form.nickname.data, form.language.data, form.topic.data, client_address()
            )
        except ChatRefused as refused:
            refusal = refused.reason
        else:
            db.session.commit()
            keys = dict(session.get(KEYS, {}))
            keys[conversation.reference] = browser_key
            session[KEYS] = dict(list(keys.items())[-KEPT_KEYS:])
            return redirect(
                url_for("chat.conversation", token=conversations.link_token(conversation), lang=form.language.data)
            )
    state = channel_states([chat_channel])[0]
    return render_form(
        "chat/channel.html",
        form,
        status={None: None, "too_many_starts": 429}.get(refusal, 409),
        state=state,
        refusal=REFUSALS.get(refusal),
        going=going,
        week=week_in_words(chat_channel),
        languages=", ".join(str(LANGUAGE_WORDS[code]) for code in chat_channel.language_codes),
    )


class ChatLinkInvalid(Exception):
    """A chat link that is forged, or opened in another browser than the one that started the chat."""


@bp.errorhandler(ChatLinkInvalid)
def _link_invalid(error: ChatLinkInvalid):
    if not wants_fragment():
        return render_template("chat/link_invalid.html"), 404
    # A waiting browser whose session forgot the chat: say so in the page's main area.
    return render_template("chat/_link_invalid.html"), 404, {"HX-Retarget": "#main", "HX-Reswap": "innerHTML"}


def _own_conversation(token: str) -> Conversation:
    """The conversation of a link opened in the browser that started it."""
    conversation = conversations.conversation_for(token, session.get(KEYS, {}))
    if conversation is None:
        raise ChatLinkInvalid()
    return conversation


def long_poll(read: Callable[[], T], is_news: Callable[[T], bool], wait_seconds: int, topics: list[str]) -> T:
    """``read()`` now, or once it ``is_news``, waiting at most ``wait_seconds`` for a message on ``topics``
    (long polling, see live.py).

    While it waits the request holds no transaction, so no connection and no SQLite lock;
    each wake-up reads afresh.
    """
    deadline = time.monotonic() + wait_seconds
    feed = live.feed() if wait_seconds else None
    while True:
        known = feed.newest() if feed else 0
        result = read()
        remaining = deadline - time.monotonic()
        if feed is None or remaining <= 0 or is_news(result):
            return result
        db.session.commit()  # ends the read: nothing is held while the request sleeps
        feed.wait_on(topics, known, remaining)


def updates_after(conversation: Conversation, viewer: str, poll_url: str, **context):
    """Answer a waiting browser: the messages after its cursor, and its status line if that changed."""
    cursor = cursor_asked()
    messages, state = long_poll(
        lambda: (conversations.messages_after(conversation, cursor.after), state_of(conversation)),
        lambda news: bool(news[0]) or news[1] != cursor.state,
        cursor.wait_seconds,
        # A waiting family's place moves with the queue; anything else happens in the conversation.
        [live.conversation_topic(conversation.id), live.queue_topic(conversation.channel_id)],
    )
    return render_template(
        "chat/_updates.html",
        conversation=conversation,
        messages=messages,
        state=state,
        state_changed=state != cursor.state,
        status_changed=state.split(".")[0] != cursor.state.split(".")[0],
        after=messages[-1].id if messages else cursor.after,
        poll_url=poll_url,
        viewer=viewer,
        place=conversations.queue_place(conversation),
        form=MessageForm().fresh(),
        **context,
    )


def _family_context(token: str, email_form: TranscriptEmailForm | None = None) -> dict:
    """What the family's conversation templates need besides the conversation."""
    return {
        "token": token,
        "action": url_for("chat.send", token=token),
        "compose": "chat/_compose.html",
        "email_form": email_form or TranscriptEmailForm(formdata=None),
    }


def _page(
    conversation: Conversation,
    token: str,
    form: MessageForm,
    status: int | None = None,
    email_form: TranscriptEmailForm | None = None,
):
    messages = conversations.messages_after(conversation, 0)
    return render_form(
        "chat/conversation.html",
        form,
        status=status,
        conversation=conversation,
        messages=messages,
        place=conversations.queue_place(conversation),
        state=state_of(conversation),
        poll_url=url_for("chat.updates", token=token),
        viewer="family",
        **_family_context(token, email_form),
    )


@bp.route("/c/<token>")
@public
def conversation(token: str):
    """The conversation: the messages so far, where the family stands, and the message box."""
    own = _own_conversation(token)
    return _page(own, token, MessageForm().fresh())


@bp.route("/c/<token>/updates")
@public
@reads_only
def updates(token: str):
    """What changed after the browser's last message (long polling; see live.py)."""
    own = _own_conversation(token)
    return updates_after(own, "family", url_for("chat.updates", token=token), **_family_context(token))


@bp.route("/c/<token>/send", methods=["POST"])
@public
def send(token: str):
    """Store the family's message; htmx gets a fresh message box, a plain form the conversation page."""
    own = _own_conversation(token)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            conversations.send(own, form.body.data, form.client_key.data or None)
        except ChatRefused as refused:
            form.body.errors = [REFUSALS[refused.reason]]
        else:
            db.session.commit()
            if not wants_fragment():
                return redirect(url_for("chat.conversation", token=token) + "#message-form")
            form.fresh()
    if wants_fragment():
        return render_form("chat/_message_form.html", form, **_family_context(token))
    return _page(own, token, form)


@bp.route("/c/<token>/end", methods=["POST"])
@public
def end(token: str):
    """The family ends the chat; the page then offers the transcript."""
    own = _own_conversation(token)
    conversations.end(own)
    db.session.commit()
    return redirect(url_for("chat.conversation", token=token))


@bp.route("/c/<token>/transcript")
@public
def transcript(token: str):
    """The conversation as a text file, in the family's language, to keep."""
    own = _own_conversation(token)
    return transcript_response(own, conversations.messages_after(own, 0))


@bp.route("/c/<token>/email", methods=["POST"])
@public
def email_transcript(token: str):
    """Email the family a link to download the conversation once (the email carries the link, not the chat)."""
    own = _own_conversation(token)
    form = TranscriptEmailForm()
    if not form.validate_on_submit():
        return _page(own, token, MessageForm().fresh(), status=422, email_form=form)
    link = conversations.new_transcript_link(own)
    db.session.commit()
    with force_locale(own.language):
        url = external_url("chat.emailed_transcript", token=link, lang=own.language)
        sent = mail.send(
            mail.Email(
                to=form.email.data.lower(),
                subject=_("Your chat conversation from Famnen"),
                text=render_template("chat/email/transcript.txt", url=url, conversation=own),
            )
        )
    if sent:
        flash(_("We emailed you a link to download the conversation. It works once, within a week."), "success")
    else:
        flash(_("The email could not be sent. Download the conversation here instead."), "error")
    return redirect(url_for("chat.conversation", token=token))


@bp.route("/transcript/<token>")
@public
def emailed_transcript(token: str):
    """The download an emailed link promised; once, within a week."""
    found = conversations.use_transcript_link(token)
    if found is None:
        db.session.rollback()
        return render_template("chat/transcript_link_used.html"), 404
    db.session.commit()
    return transcript_response(found, conversations.messages_after(found, 0))


@bp.app_context_processor
def _chat_helpers() -> dict:
    """What the chat templates share, and the front page's channels with their state."""
    return {
        "chat_channel_states": lambda: channel_states(_channels()),
        "chat_author": author_text,
        "chat_event": event_text,
        "chat_link": conversations.link_token,
        "chat_booking_link": lambda appointment: url_for("booking.manage", token=manage_token(appointment)),
        "chat_visit_link": lambda visit: url_for("questionnaires.visit", token=visit_token(visit)),
        "chat_visit_open": lambda visit: visit.withdrawn_at is None and visit.expires_at > utcnow(),
        "long_poll_seconds": live.LONG_POLL_SECONDS,
    }


bp.add_app_template_filter(linkify, "linkify")
