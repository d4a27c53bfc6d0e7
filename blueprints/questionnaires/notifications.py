"""Emails about questionnaires to families: the invitation link.

What staff are told when answers arrive is in ``blueprints/staff/notices.py``.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core import mail
from core.i18n import pick

from .invitations import visit_token
from .models import Visit


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
