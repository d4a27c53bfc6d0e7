"""PDF downloads for professionals: the same access rules as the results pages, and every attempt logged."""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, Response, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from config import LANGUAGES
from core.access import ALL_STAFF, current_staff, staff
from core.downloads import attachment_headers
from core.i18n import current_language, date_and_time, pick
from core.timeutil import to_local, utcnow
from extensions import db

from ..audit.log import record
from ..questionnaires.models import Child
from ..questionnaires.results import LEVEL_LABELS
from ..questionnaires.staff import basis_or_refuse, sent_response_or_404
from .css import css_string
from .summaries import child_summary, number, response_summary

bp = Blueprint("reports", __name__, url_prefix="/staff/reports")


def chosen_language() -> str:
    """The language the professional chose for the PDF (independent of the page's language)."""
    wanted = request.args.get("lang")
    return wanted if wanted in LANGUAGES else current_language()


def page_counter_css(template: str) -> Markup:
    """A translated "Page X of Y" as a CSS ``content`` value built from the page counters."""
    pieces = re.split(r"(%\(page\)s|%\(pages\)s)", template)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    return Markup(" ".join(counters.get(piece) or css_string(piece) for piece in pieces if piece))


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower() or "child"


DIRECTION_WORDS = {"up": _l("rising"), "down": _l("falling"), "same": _l("unchanged")}


def pdf_download(template: str, filename: str, title: str, language: str, **context) -> Response:
    """Render a PDF template in ``language`` with the confidential page header and footer; a download never cached."""
    me = current_staff()
    with force_locale(language):
        html = render_template(
            template,
            document_title=title,
            css_string=css_string,
            author=me.name,
            municipality=pick(current_app.config["MUNICIPALITY_NAME"], language),
            confidential="Sekretessbelagd / Salassa pidettävä" + (" / Confidential" if language == "en" else ""),
            printed=_("Printed %(date)s by %(name)s", date=date_and_time(utcnow()), name=me.name),
            page_counter=page_counter_css(_("Page %(page)s of %(pages)s")),
            language=language,
            **context,
        )
    # WeasyPrint is imported when the first PDF is made: it is half of a worker's start-up
    # time, and gunicorn starts a new worker every thousand requests.
    from .pdf import render_pdf

    return Response(render_pdf(html), mimetype="application/pdf", headers=attachment_headers(filename))


def _summary_pdf(template: str, filename: str, title: str, summary, language: str) -> Response:
    return pdf_download(
        template, filename, title, language, summary=summary, number=number, level_words=LEVEL_LABELS, direction_words=DIRECTION_WORDS
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
        title = _("%(questionnaire)s: %(child)s", questionnaire=pick(summary.view.definition.title, language), child=child.label)
    record(current_staff(), child.id, f"response:{found.id}", "download", basis)
    answered = to_local(found.submitted_at).date().isoformat()
    filename = f"famnen-{found.instrument_id}-{_ascii(child.first_name)}-{answered}.pdf"
    pdf = _summary_pdf("reports/response.html", filename, title, summary, language)
    db.session.commit()  # the audit entry
    return pdf


@bp.route("/children/<int:child_id>.pdf")
@staff(*ALL_STAFF)
def child_pdf(child_id: int):
    """All of a child's responses over time and the appointments and group activities attended, for a network meeting."""
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
