"""A PDF download: a template rendered in the language the professional chose, with the confidential header and footer.

Used by the reports' own pages and by the data subject's export (``privacy``).
"""

from __future__ import annotations

import re

from flask import Response, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from config import LANGUAGES
from core.access import current_staff
from core.downloads import attachment_headers
from core.i18n import current_language, date_and_time, pick
from core.timeutil import utcnow

from .css import css_string


def chosen_language() -> str:
    """The language the professional chose for the PDF (independent of the page's language)."""
    wanted = request.args.get("lang")
    return wanted if wanted in LANGUAGES else current_language()


def page_counter_css(template: str) -> Markup:
    """A translated "Page X of Y" as a CSS ``content`` value built from the page counters."""
    pieces = re.split(r"(%\(page\)s|%\(pages\)s)", template)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    return Markup(" ".join(counters.get(piece) or css_string(piece) for piece in pieces if piece))


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
