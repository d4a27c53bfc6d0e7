"""Public pages anyone can open without signing in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from config import LANGUAGES
from core.access import public, safe_next_url
from core.i18n import LANGUAGE_COOKIE, current_language
from core.timeutil import to_local, utcnow
from extensions import db

from ..activities.calendar import Filters as ActivityFilters
from ..activities.calendar import dates_between
from ..information import search as information_search
from ..information.topics import TOPICS
from ..organisation.models import Service, active_centres
from ..programmes.store import latest_programmes
from ..site_texts.documents import DOCUMENTS, shown_text

bp = Blueprint("public", __name__)

ONE_YEAR = 365 * 24 * 3600
# The front page lists the next few group activities of the coming two weeks and the newest articles.
COMING_DAYS = 14
COMING_ACTIVITIES = 3
LATEST_ARTICLES = 3


@bp.route("/")
@public
def index():
    """The front page, one address for families: what the family centre offers, where, when, and what to read."""
    centres = active_centres()
    # The page shows no professionals: not loading them (and their roles) halves its queries.
    services = db.session.scalars(
        select(Service).where(Service.active).options(lazyload(Service.professionals)).order_by(Service.id)
    ).all()
    today = to_local(utcnow()).date()
    coming = [
        item
        for item in dates_between(ActivityFilters(), today, today + timedelta(days=COMING_DAYS))
        if not item.cancelled
    ][:COMING_ACTIVITIES]
    return render_template(
        "public/index.html",
        centres=centres,
        services=services,
        coming_activities=coming,
        latest_articles=information_search.latest(current_language(), LATEST_ARTICLES),
        article_topics=[(code, TOPICS[code]) for code in information_search.topics_in_use()],
        open_courses=latest_programmes(coached=False),
    )


@bp.route("/language/<code>")
@public
def set_language(code: str):
    """Remember the chosen language in a cookie and return to the page the user was on."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(safe_next_url(request.args.get("next")) or url_for("public.index"))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    return response


def _statement(name: str):
    """A page whose text the administrator may edit (built-in until they do)."""
    document = DOCUMENTS[name]
    return render_template("public/statement.html", document=document, text=shown_text(document, current_language()))


@bp.route("/accessibility")
@public
def accessibility():
    """The accessibility statement required by Act 306/2019."""
    return _statement("accessibility")


@bp.route("/privacy")
@public
def privacy():
    """How Famnen processes personal data (public task, not consent)."""
    return _statement("privacy")


@bp.route("/municipality-logo")
@public
def municipality_logo():
    """Serve the municipality's logo from the instance folder, when one is configured."""
    configured = current_app.config["MUNICIPALITY_LOGO"]
    if not configured:
        abort(404)
    instance = Path(current_app.instance_path).resolve()
    path = (instance / configured).resolve()
    if instance not in path.parents or not path.is_file() or path.suffix.lower() not in (".svg", ".png"):
        abort(404)
    return send_file(path, max_age=3600)
