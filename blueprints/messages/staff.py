"""The professional's side of message threads: an inbox of the threads written to them or their chat channels,
reading (audit-logged) and answering, with a draft kept while they write."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.access import current_staff, staff
from core.rendering import wants_fragment
from core.timeutil import utcnow
from core.views import render_form
from extensions import db

from ..audit import log as audit
from . import notices, threads
from .forms import DraftForm, ReplyForm
from .models import MessageThread, ThreadStatus
from .views import answer_promise

bp = Blueprint("messages_staff", __name__, url_prefix="/staff/messages")

BASIS = "written to them or their chat channel"


@bp.app_context_processor
def _thread_waiting_count() -> dict:
    """``threads_waiting_count()`` for the staff header: one COUNT query, only when a page asks."""

    def count() -> int:
        if not current_user.is_authenticated or not current_user.has_role("professional"):
            return 0
        if "threads_waiting_count" not in g:
            g.threads_waiting_count = threads.waiting_count(current_user._get_current_object())
        return g.threads_waiting_count

    return {"threads_waiting_count": count}


@bp.route("/")
@staff("professional")
def inbox():
    """The threads written to the professional or their chat channels: those owed an answer first, soonest due."""
    user = current_staff()
    shown = threads.inbox(user)
    audit.record_each(user, [(None, f"thread:{thread.id}") for thread in shown], "view", BASIS)
    db.session.commit()
    return render_template(
        "messages/staff/inbox.html",
        shown=shown,
        unread=threads.unread_counts(shown),
        now=utcnow(),
        is_overdue=threads.is_overdue,
    )


def _thread_or_refuse(thread_id: int) -> MessageThread:
    """A thread the professional answers; anyone else is refused and the refusal logged."""
    user = current_staff()
    thread = db.session.get(MessageThread, thread_id)
    if thread is None or not threads.may_answer(thread, user):
        audit.refuse(user, None, f"thread:{thread_id}", "not written to them or their chat channel")
    return thread


def _page(thread: MessageThread, form: ReplyForm):
    user = current_staff()
    audit.record(user, None, f"thread:{thread.id}", "view", BASIS)
    threads.seen_by_staff(thread)
    draft = threads.draft_of(thread, user)
    if draft is not None and not form.body.data:
        form.body.data = draft.body
    db.session.commit()
    return render_form(
        "messages/staff/thread.html",
        form,
        thread=thread,
        draft=draft,
        overdue=threads.is_overdue(thread, utcnow()),
        promise=answer_promise(threads.answer_days(thread)),
    )


@bp.route("/<int:thread_id>")
@staff("professional")
def thread(thread_id: int):
    """One thread: the messages, when the answer is due, and the answer box with any saved draft."""
    return _page(_thread_or_refuse(thread_id), ReplyForm().fresh())


@bp.route("/<int:thread_id>/answer", methods=["POST"])
@staff("professional")
def answer(thread_id: int):
    """Send the answer; the family is told by email or text message that an answer awaits (without it)."""
    own = _thread_or_refuse(thread_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _page(own, form)
    threads.answer(own, form.body.data, current_staff(), form.client_key.data or None)
    link = threads.new_link(own)
    db.session.commit()
    notified = notices.notify_family(own, "answered", link)
    db.session.commit()  # the text message's record
    flash(
        _("Your answer has been sent.")
        + " "
        + (
            _("The family has been told that an answer awaits.")
            if notified.reached
            else _("The family could not be told: they see the answer when they next open the thread.")
        ),
        "success" if notified.reached else "warning",
    )
    return redirect(url_for("messages_staff.inbox"))


@bp.route("/<int:thread_id>/draft", methods=["POST"])
@staff("professional")
def save_draft(thread_id: int):
    """Keep the answer being written (htmx saves it as the professional pauses; without JavaScript, a button)."""
    own = _thread_or_refuse(thread_id)
    form = DraftForm()
    if not form.validate_on_submit():
        if wants_fragment():
            return render_form("messages/staff/_draft_status.html", form, draft=None)
        return _page(own, ReplyForm(formdata=None, body=form.body.data))
    draft = threads.save_draft(own, current_staff(), form.body.data)
    db.session.commit()
    if wants_fragment():
        return render_template("messages/staff/_draft_status.html", draft=draft)
    flash(_("Your draft has been saved."), "success")
    return redirect(url_for("messages_staff.thread", thread_id=own.id) + "#answer")


@bp.route("/<int:thread_id>/close", methods=["POST"])
@staff("professional")
def close(thread_id: int):
    """Mark the thread done: nothing more is owed until the family writes again."""
    own = _thread_or_refuse(thread_id)
    if own.status != ThreadStatus.CLOSED:
        threads.close(own)
        db.session.commit()
    flash(_("The thread is marked as done."), "success")
    return redirect(url_for("messages_staff.inbox"))
