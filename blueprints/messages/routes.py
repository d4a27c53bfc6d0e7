"""The family's side of message threads: writing to a chat channel or about an appointment, reading the answers.

A thread's page opens only in a browser holding one of its keys (see threads.py); the session keeps
the keys of the browser's latest threads.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import LANGUAGES
from core.access import public
from core.forms import language_choices
from core.i18n import current_language, localized
from core.sms import sms_enabled
from core.views import client_address, render_form
from extensions import db

from ..activities.registration import registration_for_token
from ..booking.appointments import appointment_for_token
from ..chat.models import ChatChannel
from ..questionnaires.invitations import visit_for_token
from . import notices, threads
from .forms import NewThreadForm, ReplyForm
from .models import MessageThread
from .threads import ThreadRefused
from .views import REFUSALS, answer_promise

bp = Blueprint("messages", __name__, url_prefix="/messages")

KEYS = "thread_keys"
# A browser keeps the keys of this many threads; older ones open again from a notice's link.
KEPT_KEYS = 10


def _keep_key(thread: MessageThread, key: str) -> None:
    keys = dict(session.get(KEYS, {}))
    keys[thread.reference] = key
    session[KEYS] = dict(list(keys.items())[-KEPT_KEYS:])


def _to_thread(thread: MessageThread):
    return redirect(url_for("messages.thread", token=threads.link_token(thread), lang=thread.language))


def _new_thread_form(languages: tuple[str, ...], known: dict | None = None) -> NewThreadForm:
    form = NewThreadForm()
    form.language.choices = language_choices(languages)
    form.sms_offered = sms_enabled()
    if not form.is_submitted():
        preferred = current_language()
        form.language.data = preferred if preferred in languages else languages[0]
        for name, value in (known or {}).items():
            form[name].data = value
        form.fresh()
    return form


def _write_page(form: NewThreadForm, about: dict, days: int, **context):
    """The form for a new thread, or on a valid submission the thread started, this browser let in and the
    family told it arrived."""
    refusal = None
    if form.validate_on_submit():
        try:
            thread = threads.start(
                name=form.guardian_name.data,
                email=(form.guardian_email.data or "").strip().lower(),
                phone=form.guardian_phone.data or "",
                sms_wanted=bool(form.sms_wanted.data),
                language=form.language.data,
                subject=form.subject.data,
                body=form.body.data,
                address=client_address(),
                **about,
            )
        except ThreadRefused as refused:
            refusal = REFUSALS[refused.reason]
        else:
            _keep_key(thread, threads.bind_browser(thread))
            link = threads.new_link(thread)
            db.session.commit()
            notices.notify_family(thread, "received", link)
            db.session.commit()  # the text message's record
            return _to_thread(thread)
    return render_form(
        "messages/write.html",
        form,
        status=429 if refusal else None,
        refusal=refusal,
        promise=answer_promise(days),
        **context,
    )


@bp.route("/write/<slug>", methods=["GET", "POST"])
@public
def write_to_channel(slug: str):
    """Leave a message for a chat channel's professionals: outside its hours, or instead of waiting in the chat."""
    channel = db.session.scalar(select(ChatChannel).where(ChatChannel.slug == slug, ChatChannel.active))
    if channel is None:
        abort(404)
    name = localized(channel, "name")
    return _write_page(
        _new_thread_form(channel.language_codes),
        {"channel": channel},
        channel.answer_days,
        heading=_("Write to %(name)s", name=name),
        back_url=url_for("chat.channel", slug=channel.slug),
        back_text=name,
    )


# What a family can write about from its page: how the page's token is read, whom it concerns,
# and the page to go back to.
ABOUT = {
    "appointment": (appointment_for_token, threads.about_appointment, "booking.manage", _l("Your appointment")),
    "visit": (visit_for_token, threads.about_visit, "questionnaires.visit", _l("Your questionnaires")),
    "registration": (
        registration_for_token,
        threads.about_registration,
        "activities.manage",
        _l("Your registration"),
    ),
}


def _known_contact(row) -> dict:
    """What the family already told us on the row they write about, to start the form with."""
    return {
        "guardian_name": getattr(row, "guardian_name", ""),
        "guardian_email": getattr(row, "guardian_email", None) or getattr(row, "email", ""),
        "guardian_phone": getattr(row, "guardian_phone", ""),
        "sms_wanted": getattr(row, "sms_wanted", False),
        "language": getattr(row, "written_language", None) or row.language,
    }


@bp.route("/about/<kind>/<token>", methods=["GET", "POST"])
@public
def write_about(kind: str, token: str):
    """Write to the professional of an appointment, questionnaire invitation or group activity registration,
    from the family's own link to it; a thread about it that is still open continues."""
    if kind not in ABOUT:
        abort(404)
    row_for, about_row, back_endpoint, back_text = ABOUT[kind]
    row = row_for(token)
    about = about_row(row) if row is not None else None
    if about is None:
        abort(404)
    ongoing = threads.open_thread_about(about)
    if ongoing is not None:
        # The family's own link proves the thread is theirs: let this browser in.
        _keep_key(ongoing, threads.bind_browser(ongoing))
        db.session.commit()
        return _to_thread(ongoing)
    return _write_page(
        _new_thread_form(LANGUAGES, _known_contact(row)),
        {"about": about},
        threads.default_answer_days(),
        heading=_("Write to %(name)s", name=about.professional.name),
        back_url=url_for(back_endpoint, token=token),
        back_text=back_text,
    )


class ThreadLinkInvalid(Exception):
    """A thread's address that is forged, or opened in a browser the thread does not know."""


@bp.errorhandler(ThreadLinkInvalid)
def _link_invalid(error: ThreadLinkInvalid):
    return render_template("messages/link_invalid.html"), 404


def _own_thread(token: str) -> MessageThread:
    thread = threads.thread_for(token, session.get(KEYS, {}))
    if thread is None:
        raise ThreadLinkInvalid()
    return thread


@bp.route("/open/<token>")
@public
def open_link(token: str):
    """A one-time link from an email or text message: lets this browser into the thread, then shows it."""
    thread = threads.thread_of_link(token)
    if thread is not None and threads.thread_for(threads.link_token(thread), session.get(KEYS, {})):
        return _to_thread(thread)  # already let in: the link may be followed again
    thread = threads.use_link(token)
    if thread is None:
        db.session.rollback()
        raise ThreadLinkInvalid()
    _keep_key(thread, threads.bind_browser(thread))
    db.session.commit()
    return _to_thread(thread)


def _thread_page(thread: MessageThread, form: ReplyForm, status: int | None = None):
    threads.seen_by_family(thread)
    db.session.commit()
    return render_form(
        "messages/thread.html",
        form,
        status=status,
        thread=thread,
        token=threads.link_token(thread),
        promise=answer_promise(threads.answer_days(thread)),
    )


@bp.route("/t/<token>")
@public
def thread(token: str):
    """The thread: every message so far, when the centre answers, and a box for another message."""
    return _thread_page(_own_thread(token), ReplyForm().fresh())


@bp.route("/t/<token>/send", methods=["POST"])
@public
def send(token: str):
    """The family's next message; a repeated send is stored once, and an error keeps what they wrote."""
    own = _own_thread(token)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            threads.write(own, form.body.data, form.client_key.data or None)
        except ThreadRefused as refused:
            form.body.errors = [REFUSALS[refused.reason]]
        else:
            db.session.commit()
            return redirect(url_for("messages.thread", token=token, lang=own.language) + "#latest")
    return _thread_page(own, form)


@bp.app_context_processor
def _message_helpers() -> dict:
    """``answer_promise(days)`` for the pages that offer to write (a chat channel's, an appointment's)."""
    return {"answer_promise": answer_promise}
