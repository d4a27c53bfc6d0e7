"""The public information pages: ``/information/`` lists and searches the articles, ``/information/<slug>`` shows one.

The list is a GET form that works without JavaScript; with htmx the same URL
answers with the results fragment as the visitor types (``core.rendering``).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from core.access import public
from core.i18n import current_language
from core.rendering import render_page_or_fragment
from extensions import db

from ..site_texts.markup import render
from . import search
from .models import Article
from .topics import AUDIENCES, OLDEST, TOPICS, YOUNGEST, age_range, audience_names, topic_name

bp = Blueprint("information", __name__, url_prefix="/information")


def read_filters(values) -> search.Filters:
    """Filters from the query string; unknown or tampered values mean "any" instead of an error."""
    age = values.get("age", "")
    return search.Filters(
        topic=values.get("topic") if values.get("topic") in TOPICS else None,
        audience=values.get("audience") if values.get("audience") in AUDIENCES else None,
        age=int(age) if age.isascii() and age.isdigit() and YOUNGEST <= int(age) <= OLDEST else None,
    )


def shown_query(values) -> str:
    """The query as the search box shows it back: cut to length, without control characters (NUL …)."""
    query = values.get("q", "")[: search.MAX_QUERY]
    return "".join(character if character.isprintable() else " " for character in query).strip()


@bp.route("/")
@public
def index():
    """Every published article, narrowed by topic, audience and age, or what a search finds."""
    query = shown_query(request.args)
    filters = read_filters(request.args)
    language = current_language()
    return render_page_or_fragment(
        "information/index.html",
        "information/_results.html",
        hits=search.find(language, query, filters),
        query=query,
        searched=bool(search.parse_query(query, language)),
        filters=filters,
        topics=TOPICS,
        audiences=AUDIENCES,
        ages=range(YOUNGEST, OLDEST + 1),
    )


def _may_preview() -> bool:
    """Administrators may open an article that is not published yet, to see it as families will."""
    return current_user.is_authenticated and current_user.has_role("admin")


@bp.route("/<slug>")
@public
def article(slug: str):
    """One article, in the visitor's language or, when it has no English text, in Swedish with a note saying so."""
    item = db.session.scalar(select(Article).where(Article.slug == slug))
    if item is None or not (item.published or _may_preview()):
        abort(404)
    language = current_language()
    shown = search.shown_language(item, language)
    return render_template(
        "information/article.html",
        article=item,
        shown=shown,
        title=getattr(item, f"title_{shown}"),
        summary=getattr(item, f"summary_{shown}"),
        body=render(getattr(item, f"body_{shown}")),
        fallback=shown != language,
    )


@bp.app_context_processor
def _information_helpers() -> dict:
    """What the information templates (and the front page's list of articles) share."""
    return {"topic_name": topic_name, "audience_names": audience_names, "age_range": age_range}
