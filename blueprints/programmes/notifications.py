"""Telling a family their programme awaits: an email and a text message with the link, never its content."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core import mail
from core.i18n import pick
from core.sms import send_family_text

from .definition import Programme
from .enrolments import link_token
from .models import Enrolment


def programme_link(enrolment: Enrolment) -> str:
    """The family's programme address, with the language they were enrolled in."""
    return mail.external_url("programmes.overview", token=link_token(enrolment), lang=enrolment.language)


def send_link(enrolment: Enrolment, programme: Programme) -> tuple[bool, bool]:
    """Email and text the family their link, in their language; (emailed, texted). Call after the commit.

    The messages say that a programme awaits and give the link; nothing about the child or the answers.
    """
    with force_locale(enrolment.language):
        link = programme_link(enrolment)
        context = {
            "enrolment": enrolment,
            "title": pick(programme.title, enrolment.language),
            "link": link,
            "municipality": pick(current_app.config["MUNICIPALITY_NAME"], enrolment.language),
        }
        emailed = bool(enrolment.email) and mail.send(
            mail.Email(
                to=enrolment.email,
                subject=_("Your programme at the family centre has started"),
                text=render_template("programmes/email/link.txt", **context),
                html=render_template("programmes/email/link.html", **context),
            )
        )
        text = _("Famnen: your programme at the family centre is ready. Open it here: %(link)s", link=link)
    texted = bool(enrolment.phone) and send_family_text(enrolment.phone, text, "programme-link")
    return emailed, texted
