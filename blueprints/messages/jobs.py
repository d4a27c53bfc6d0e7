"""Telling professionals by email that a family has written (``flask run-jobs``, job ``tell-staff-of-messages``).

The email says only that a message awaits, with a link to it; nothing of the family or the
message. Each family message is told about once: the thread's ``staff_told_id`` is moved
forward by a conditional UPDATE, committed before the emails go, so overlapping runs never
tell twice. A professional who already opened the thread is not emailed. Being an outer
level, this module ends its own transactions.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from core import mail
from core.database import begin_outer_write
from core.i18n import long_date, pick
from extensions import db

from ..auth.models import User
from ..staff.notices import staff_language
from .models import MessageThread, ThreadMessage, ThreadStatus


def _recipients(thread: MessageThread) -> list[User]:
    """The professional the family wrote to, or else everyone answering the thread's chat channel."""
    people = [thread.professional] if thread.professional else (thread.channel.professionals if thread.channel else [])
    return [person for person in people if person.is_active and person.email]


def _email(thread: MessageThread, person: User) -> mail.Email:
    """That a family's message awaits, and where: in the professional's language, no client data."""
    language = staff_language(person)
    with force_locale(language):
        context = {
            "lines": [
                _("A family has written to you in Famnen. Please answer by %(day)s.", day=long_date(thread.answer_by))
            ]
            if thread.answer_by
            else [_("A family has written to you in Famnen.")],
            "link": mail.external_url("messages_staff.thread", thread_id=thread.id),
            "language": language,
            "municipality": pick(current_app.config["MUNICIPALITY_NAME"]),
        }
        return mail.Email(
            to=person.email,
            subject=_("A family's message awaits you in Famnen"),
            text=render_template("staff/email/notice.txt", **context),
            html=render_template("staff/email/notice.html", **context),
        )


def tell_staff_of_messages() -> tuple[int, int]:
    """Email the professionals of each thread with a family message nobody at the centre has seen or been told
    of; return (emails sent, emails that failed)."""
    newest = (
        select(ThreadMessage.thread_id, func.max(ThreadMessage.id).label("newest"))
        .where(ThreadMessage.from_family.is_(True))
        .group_by(ThreadMessage.thread_id)
        .subquery()
    )
    due = db.session.execute(
        select(MessageThread.id, newest.c.newest, MessageThread.staff_told_id)
        .join(newest, newest.c.thread_id == MessageThread.id)
        .where(
            MessageThread.status == ThreadStatus.WAITING,
            newest.c.newest > MessageThread.staff_told_id,
            newest.c.newest > MessageThread.staff_seen_id,
        )
    ).all()
    db.session.commit()
    sent = failed = 0
    for thread_id, newest_id, told_id in due:
        begin_outer_write(db.session)
        claimed = db.session.execute(
            update(MessageThread)
            .where(MessageThread.id == thread_id, MessageThread.staff_told_id == told_id)
            .values(staff_told_id=newest_id)
        ).rowcount
        db.session.commit()
        if not claimed:
            continue  # another run told them
        thread = db.session.get(MessageThread, thread_id)
        for person in _recipients(thread):
            if mail.send(_email(thread, person)):
                sent += 1
            else:
                failed += 1
        db.session.commit()
    return sent, failed
