"""Administration of information articles (``/admin/information``): write, preview, publish, unpublish and delete.

Only administrators may use these pages (``core.access``). Articles hold no
client data, so changing them is not for the client-data audit log; the
article keeps who changed it last and when (``updated_by``, ``updated_at``).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from config import LANGUAGES
from core.access import current_staff, staff
from core.forms import EmptyForm, save_with_slug
from core.i18n import localized
from core.timeutil import utcnow
from core.views import render_form
from extensions import db

from ..site_texts.markup import render
from . import search
from .forms import ArticleForm
from .models import Article

bp = Blueprint("information_admin", __name__, url_prefix="/admin/information")

# Fields the view fills in itself rather than copying onto the article.
OWN_FIELDS = ("audiences",)


@bp.route("/")
@staff("admin")
def articles():
    """Every article, published or not, newest change first."""
    found = db.session.scalars(select(Article).order_by(Article.updated_at.desc(), Article.id)).all()
    return render_template("information/admin/articles.html", articles=found)


def _previews(form: ArticleForm) -> list[tuple[str, str, str, Markup]]:
    """(language, title, summary, body as HTML) of each language the form holds a text in."""
    return [
        (code, form[f"title_{code}"].data, form[f"summary_{code}"].data, render(form[f"body_{code}"].data))
        for code in LANGUAGES
        if form[f"body_{code}"].data
    ]


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:article_id>", methods=["GET", "POST"])
@staff("admin")
def article(article_id: int | None = None):
    """Write a new article or change one; "Preview" shows it as families will see it, without saving."""
    item = db.get_or_404(Article, article_id) if article_id else None
    form = ArticleForm(obj=item)
    if not form.is_submitted():
        form.audiences.data = list(item.audience_codes) if item else ["families"]
    previews = []
    if form.validate_on_submit():
        if request.form.get("action") == "preview":
            previews = _previews(form)
        else:
            saved = save_with_slug(Article, form, item, skip=OWN_FIELDS)
            if saved is not None:
                saved.audiences = " ".join(code for code in form.audiences.data)
                saved.updated_at = utcnow()
                saved.updated_by_id = current_staff().id
                search.index_article(saved)
                db.session.commit()
                flash(_("The article %(title)s has been saved.", title=localized(saved, "title")), "success")
                return redirect(url_for("information_admin.articles"))
    return render_form(
        "information/admin/article_form.html",
        form,
        item=item,
        previews=previews,
    )


@bp.route("/<int:article_id>/publish", methods=["POST"])
@staff("admin")
def publish(article_id: int):
    """Show the article to families (``publish=1``) or take it off the public pages (``publish=0``)."""
    item = db.get_or_404(Article, article_id)
    if EmptyForm().validate_on_submit():
        item.published = request.form.get("publish") == "1"
        db.session.commit()
        if item.published:
            flash(_("The article %(title)s is now shown to families.", title=localized(item, "title")), "success")
        else:
            flash(_("The article %(title)s is no longer shown to families.", title=localized(item, "title")), "success")
    return redirect(url_for("information_admin.articles"))


@bp.route("/<int:article_id>/delete", methods=["GET", "POST"])
@staff("admin")
def delete(article_id: int):
    """Ask first, then delete the article in every language."""
    item = db.get_or_404(Article, article_id)
    form = EmptyForm()
    if form.validate_on_submit():
        title = localized(item, "title")
        db.session.delete(item)
        db.session.commit()
        flash(_("The article %(title)s has been deleted.", title=title), "success")
        return redirect(url_for("information_admin.articles"))
    return render_form("information/admin/delete.html", form, item=item)
