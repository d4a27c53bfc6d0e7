"""Telling a family that their message arrived or that an answer awaits: a link, never the messages themselves."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core import mail
from core.i18n import long_date
from core.mail import Notified
from core.sms import send_family_text

from .models import MessageThread

KINDS = ("received", "answered")


def notify_family(thread: MessageThread, kind: str, link: str) -> Notified:
    """Email the family (and text them if they asked) in the language they wrote in, with the one-time ``link``
    token (``threads.new_link``, committed before this is called). Flushes the text message's record."""
    if kind not in KINDS:
        raise ValueError(kind)
    with force_locale(thread.written_language):
        url = mail.external_url("messages.open_link", token=link, lang=thread.written_language)
        if kind == "received":
            subject = _("We received your message")
            text = _(
                "Famnen: we received your message and answer by %(day)s. We will tell you when the answer awaits.",
                day=long_date(thread.answer_by),
            )
        else:
            subject = _("An answer awaits you in Famnen")
            text = _("Famnen: the family centre has answered your message. Read the answer: %(url)s", url=url)
        body = render_template(f"messages/email/{kind}.txt", thread=thread, url=url)
        emailed = bool(thread.guardian_email) and mail.send(
            mail.Email(to=thread.guardian_email, subject=subject, text=body)
        )
        # A confirmation goes by text message only to a family with no email address; an answer always.
        wants_text = thread.sms_wanted and (kind == "answered" or not thread.guardian_email)
        texted = wants_text and send_family_text(thread.guardian_phone, text, f"message-{kind}")
    return Notified(emailed=emailed, texted=texted)
