"""Emails about questionnaires: the invitation link to the family, and an alert to the professional.

The alert about an urgent flag carries no health data at all: only that a
questionnaire needs attention and where to sign in.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core import mail
from core.i18n import pick

from .invitations import visit_token
from .models import Response, Visit


def send_invitation(visit: Visit, titles: list[str]) -> bool:
    """Email the family their link, in the visit's language; False when there is no address or sending failed."""
    if not visit.email:
        return False
    with force_locale(visit.language):
        context = {
            "visit": visit,
            "titles": titles,
            "link": mail.external_url("questionnaires.visit", token=visit_token(visit)),
            "municipality": pick(current_app.config["MUNICIPALITY_NAME"]),
        }
        email = mail.Email(
            to=visit.email,
            subject=_("Questionnaire from the family centre before your visit"),
            text=render_template("questionnaires/email/invitation.txt", **context),
            html=render_template("questionnaires/email/invitation.html", **context),
        )
    return mail.send(email)


def alert_professional(response: Response) -> bool:
    """Tell the inviting professional that a sent questionnaire needs attention, without health data."""
    professional = response.visit.professional if response.visit else None
    if professional is None or not professional.email:
        return False
    with force_locale(current_app.config["DEFAULT_LANGUAGE"]):
        context = {
            "link": mail.external_url("questionnaires_staff.response", response_id=response.id),
            "municipality": pick(current_app.config["MUNICIPALITY_NAME"]),
        }
        email = mail.Email(
            to=professional.email,
            subject=_("A questionnaire needs your attention"),
            text=render_template("questionnaires/email/alert.txt", **context),
        )
    return mail.send(email)
