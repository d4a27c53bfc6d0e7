"""The administrator's pages for the privacy notice and the accessibility statement."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from config import LANGUAGES
from core.access import staff
from core.forms import EmptyForm
from core.views import render_form
from extensions import db

from . import markup
from .documents import DOCUMENTS, Document, EditConflict, editor_texts, restore_built_in, save, saved_text, version_of
from .forms import SiteTextForm

bp = Blueprint("site_texts", __name__, url_prefix="/admin/texts")
# Texts in the safe text format anywhere in templates: ``{{ text|safe_text }}``.
bp.add_app_template_filter(markup.render, "safe_text")


def _document(name: str) -> Document:
    document = DOCUMENTS.get(name)
    if document is None:
        abort(404)
    return document


@bp.route("/")
@staff("admin")
def index():
    """The editable texts, and whether each shows the built-in text or the administrator's own."""
    documents = [(document, saved_text(document)) for document in DOCUMENTS.values()]
    return render_template("site_texts/index.html", documents=documents)


@bp.route("/<name>", methods=["GET", "POST"])
@staff("admin")
def edit(name: str):
    """Edit a text in three languages, preview it, and save it."""
    document = _document(name)
    saved = saved_text(document)
    form = SiteTextForm(data={**editor_texts(document, saved), "version": version_of(saved)})
    previews: list[tuple[str, Markup]] = []
    status = None
    if form.validate_on_submit():
        texts = {code: form[f"body_{code}"].data for code in LANGUAGES}
        if request.form.get("action") == "preview":
            previews = [(code, markup.render(texts[code])) for code in LANGUAGES if texts[code]]
        else:
            try:
                save(document, texts, form.version.data or "", current_user.id)
            except EditConflict:
                form.form_errors.append(
                    _(
                        "Someone else saved this text after you opened it. Your text is still in the form: "
                        "copy your changes, open the page again and make them in the newer text."
                    )
                )
                status = 409
            else:
                db.session.commit()
                flash(
                    _("The text has been saved and is now shown on the page %(title)s.", title=document.title),
                    "success",
                )
                return redirect(url_for("site_texts.index"))
    return render_form("site_texts/edit.html", form, status=status, document=document, saved=saved, previews=previews)


@bp.route("/<name>/built-in", methods=["POST"])
@staff("admin")
def restore(name: str):
    """Show the built-in text again, removing the administrator's own in every language."""
    document = _document(name)
    if EmptyForm().validate_on_submit() and restore_built_in(document):
        db.session.commit()
        flash(_("The built-in text is shown again on the page %(title)s.", title=document.title), "success")
    return redirect(url_for("site_texts.edit", name=document.name))
