"""PDF downloads for professionals: the same access rules as the results pages, and every attempt logged."""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, Response
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.access import ALL_STAFF, current_staff, staff
from core.i18n import pick
from core.timeutil import to_local, utcnow
from extensions import db

from ..audit.log import record
from ..questionnaires.case_access import basis_or_refuse, sent_response_or_404
from ..questionnaires.models import Child
from ..questionnaires.results import LEVEL_LABELS
from .downloads import chosen_language, pdf_download
from .summaries import child_summary, number, response_summary

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or "child"


DIRECTION_WORDS = {"up": _l("rising"), "down": _l("falling"), "same": _l("unchanged")}


def _summary_pdf(template: str, filename: str, title: str, summary, language: str) -> Response:
    return pdf_download(
        template,
        filename,
        title,
        language,
        summary=summary,
        number=number,
        level_words=LEVEL_LABELS,
        direction_words=DIRECTION_WORDS,
    )


@bp.route("/responses/<int:response_id>.pdf")
@staff(*ALL_STAFF)
def response_pdf(response_id: int):
    """The summary of one response, for the meeting or the patient record."""
    found = sent_response_or_404(response_id)
    child = found.visit.child
    basis = basis_or_refuse(child, f"response:{found.id}")
    language = chosen_language()
    with force_locale(language):
        summary = response_summary(found, current_staff(), language)
        title = _(
            "%(questionnaire)s: %(child)s",
            questionnaire=pick(summary.view.definition.title, language),
            child=child.label,
        )
    record(current_staff(), child.id, f"response:{found.id}", "download", basis)
    answered = to_local(found.submitted_at).date().isoformat()
    filename = f"famnen-{found.instrument_id}-{_ascii(child.first_name)}-{answered}.pdf"
    pdf = _summary_pdf("reports/response.html", filename, title, summary, language)
    db.session.commit()  # the audit entry
    return pdf


@bp.route("/children/<int:child_id>.pdf")
@staff(*ALL_STAFF)
def child_pdf(child_id: int):
    """All of a child's responses over time and the appointments and group activities attended, for a
    network meeting.
    """
    child = db.get_or_404(Child, child_id)
    basis = basis_or_refuse(child, f"child:{child.id}")
    language = chosen_language()
    with force_locale(language):
        summary = child_summary(child, current_staff(), language, to_local(utcnow()).date())
        title = _("Summary for the network meeting: %(child)s", child=child.label)
    record(current_staff(), child.id, f"child:{child.id}", "download", basis)
    filename = f"famnen-{_ascii(child.first_name)}-{to_local(utcnow()).date().isoformat()}.pdf"
    pdf = _summary_pdf("reports/child.html", filename, title, summary, language)
    db.session.commit()  # the audit entry
    return pdf
