"""The editable documents, their built-in texts, and what a visitor is shown.

Until an administrator saves their own text, a document shows its built-in
text: a template in ``templates/site_texts/`` whose sentences are translated
like the rest of Famnen. The administrator's editor starts from that text, so
the required parts stay in place unless someone removes them on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from config import LANGUAGES
from core.i18n import FALLBACKS, pick, short_date
from core.timeutil import to_local, utcnow
from extensions import db

from . import markup
from .models import SiteText

# When the built-in texts were last revised; shown as their date of last change.
DEFAULTS_REVISED_ON = date(2026, 11, 22)


@dataclass(frozen=True)
class Document:
    """A page whose text the administrator may replace."""

    name: str
    title: LazyString
    endpoint: str
    # What the text must contain; shown to the administrator beside the editor.
    required_parts: tuple[LazyString, ...]


DOCUMENTS = {
    "privacy": Document(
        "privacy",
        _l("Privacy notice"),
        "public.privacy",
        (
            _l("Who the controller is, and how to reach them and the data protection officer."),
            _l("Why data is processed and on what legal basis (a public task, not consent)."),
            _l("What data is processed, and that questionnaire answers are health data."),
            _l("Who sees the data, and the right to know who has processed it (Act 703/2023)."),
            _l("How long the data is kept."),
            _l("The rights of the person, and the right to complain to the Data Protection Ombudsman."),
        ),
    ),
    "accessibility": Document(
        "accessibility",
        _l("Accessibility statement"),
        "public.accessibility",
        (
            _l("How well the service meets WCAG 2.1 level AA: fully, partly or not."),
            _l("The known gaps, and why they have not been fixed yet."),
            _l("How to give feedback or ask for content in another form, and when you answer."),
            _l("The supervising authority and how to report to it (saavutettavuusvaatimukset.fi)."),
            _l("When the statement was prepared."),
        ),
    ),
}


class EditConflict(Exception):
    """Someone else saved the text after this editor was opened."""


@dataclass(frozen=True)
class ShownText:
    """The text of a document as one visitor reads it."""

    source: str
    language: str
    changed_on: date

    @property
    def html(self) -> Markup:
        """The text as safe HTML."""
        return markup.render(self.source)


def saved_text(document: Document) -> SiteText | None:
    """The administrator's own text, or None while the built-in one is shown."""
    return db.session.scalar(select(SiteText).where(SiteText.name == document.name))


def built_in_text(document: Document, language: str) -> str:
    """The built-in text in ``language``, with the installation's name and contact details filled in."""
    with force_locale(language):
        return render_template(
            f"site_texts/default_{document.name}.txt",
            municipality=pick(current_app.config["MUNICIPALITY_NAME"], language),
            prepared_on=short_date(DEFAULTS_REVISED_ON),
        )


def shown_text(document: Document, language: str) -> ShownText:
    """The text to show in ``language``: the saved one (falling back between languages) or the built-in one."""
    saved = saved_text(document)
    if saved is not None:
        for code in (language, *FALLBACKS[language]):
            text = getattr(saved, f"body_{code}")
            if text:
                return ShownText(text, code, to_local(saved.updated_at).date())
    return ShownText(built_in_text(document, language), language, DEFAULTS_REVISED_ON)


def version_of(saved: SiteText | None) -> str:
    """A mark of the text an editor started from, to notice when someone else saved in between."""
    return saved.updated_at.isoformat() if saved is not None else ""


def editor_texts(document: Document, saved: SiteText | None) -> dict[str, str]:
    """What the editor starts with in each language: the ``saved`` text (see ``saved_text``), or the built-in one."""
    if saved is not None:
        return {f"body_{code}": getattr(saved, f"body_{code}") for code in LANGUAGES}
    return {f"body_{code}": built_in_text(document, code) for code in LANGUAGES}


def save(
    document: Document, texts: dict[str, str], started_from: str, editor_id: int, now: datetime | None = None
) -> SiteText:
    """Store the administrator's texts, unless someone else saved since ``started_from``; the caller commits.

    On SQLite the request already holds the write lock; on PostgreSQL the saved
    row is locked, and two first saves at once meet the unique name instead.
    """
    saved = db.session.scalar(select(SiteText).where(SiteText.name == document.name).with_for_update())
    if version_of(saved) != started_from:
        raise EditConflict()
    try:
        # In a savepoint, flushed as it ends, so a refused first save leaves the request's session usable.
        with db.session.begin_nested():
            if saved is None:
                saved = SiteText(name=document.name)
                db.session.add(saved)
            for code in LANGUAGES:
                setattr(saved, f"body_{code}", texts.get(code, ""))
            saved.updated_at = now or utcnow()
            saved.updated_by_id = editor_id
    except IntegrityError as error:
        raise EditConflict() from error
    return saved


def restore_built_in(document: Document) -> bool:
    """Remove the administrator's text so the built-in one is shown again; False when there was none."""
    saved = saved_text(document)
    if saved is None:
        return False
    db.session.delete(saved)
    return True
