"""What professionals read: one response's scores, flags, outcome and answers, and a child's history.

Texts are chosen in the reader's language with ``core.i18n.pick``; the
scores come from scoring the stored answers on the pinned version again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.i18n import pick
from extensions import db

from ..auth.models import User
from .answering import definition_of, pages, result_of
from .definition import Definition, Item, Scale
from .models import Child, Response, Visit
from .scoring import Result, ScaleResult
from .store import load_latest

# A band's level in words, for the result page and the PDFs; never colour alone.
LEVEL_LABELS = {"normal": _l("No concern"), "borderline": _l("Borderline"), "high": _l("Above the cut-off"), None: ""}


@dataclass(frozen=True)
class ScaleRow:
    """One scale as read: score out of its range, band and level, or why it has no score."""

    id: str
    title: str
    score: Any
    maximum: Any
    band_label: str | None
    level: str | None
    answered: int
    needed: int
    parts: int


@dataclass(frozen=True)
class AnswerRow:
    """One question and the parent's answer, in the reader's language."""

    item_id: str
    text: str
    answer: str | None
    score: int | None


@dataclass
class PageAnswers:
    """The answers of one page (section) of the questionnaire."""

    title: str
    rows: list[AnswerRow] = field(default_factory=list)


@dataclass(frozen=True)
class ResultView:
    """Everything the result page shows for one response."""

    response: Response
    definition: Definition
    result: Result
    scales: list[ScaleRow]
    pages: list[PageAnswers]


def answer_text(item: Item, value: Any, language: str) -> str | None:
    """An answer as words: option labels for choices, the value itself otherwise; None when blank."""
    if value is None:
        return None
    if item.response_scale is not None:
        codes = value if isinstance(value, (list, tuple)) else [value]
        labels = [pick(option.label, language) for code in codes if (option := item.response_scale.option(code))]
        return ", ".join(labels)
    if isinstance(value, float):
        value = Decimal(str(value)).normalize()
    return str(value)


def scale_rows(definition: Definition, result: Result, language: str) -> list[ScaleRow]:
    """Each scale of a result, in the definition's order."""
    rows = []
    for scale in definition.scales.values():
        scored: ScaleResult = result.scales[scale.id]
        rows.append(
            ScaleRow(
                id=scale.id,
                title=pick(scale.title, language),
                score=scored.score,
                maximum=scale.maximum,
                band_label=pick(scored.band.label, language) if scored.band else None,
                level=scored.level,
                answered=scored.answered,
                needed=_needed(scale),
                parts=len(scale.scales) or len(scale.items),
            )
        )
    return rows


def _needed(scale: Scale) -> int:
    """How many items (or parts) a scale needs for a score."""
    if scale.scales:
        return len(scale.scales)
    return scale.min_answered if scale.blanks != "missing" else len(scale.items)


def result_view(response: Response, language: str) -> ResultView:
    """The result page of a sent response, in ``language``."""
    definition = definition_of(response)
    result = result_of(response, definition)
    answers = response.answer_values
    page_answers = []
    for page in pages(definition, answers, response.age_months):
        shown = PageAnswers(pick(page.section.title, language))
        for item in page.items:
            shown.rows.append(
                AnswerRow(
                    item.id,
                    pick(item.text, language),
                    answer_text(item, answers.get(item.id), language),
                    result.item_scores.get(item.id),
                )
            )
        page_answers.append(shown)
    return ResultView(response, definition, result, scale_rows(definition, result, language), page_answers)


@dataclass
class HistoryColumn:
    """One sent response in a child's history."""

    response: Response
    result: Result


@dataclass
class InstrumentHistory:
    """A child's responses to one instrument, oldest first, side by side."""

    title: str
    # The instrument the scores come from (see ``scale_source``) and the newest definition answered.
    source: str
    latest: Definition
    scale_titles: list[tuple[str, str]]
    columns: list[HistoryColumn]


def scale_source(definition: Definition) -> str:
    """The instrument a definition's scores come from: a package that includes the PSC-17 scores the PSC-17.

    Responses are compared by it, so a PSC-17 answered on its own and one answered
    inside the four-year package stand side by side.
    """
    for scale in definition.scales.values():
        for section in definition.sections:
            if any(item.id in scale.items for item in section.items):
                return section.instrument_id
    return definition.id


def _sent_responses(child: Child) -> list[Response]:
    """The child's sent responses, oldest first."""
    return list(
        db.session.scalars(
            select(Response)
            .join(Visit)
            .where(Visit.child_id == child.id, Response.submitted_at.is_not(None))
            .order_by(Response.submitted_at)
        )
    )


def responses_sent(child: Child) -> int:
    """How many answers the child's history holds (sent responses, whatever the instrument), without
    scoring anything.
    """
    return db.session.scalar(
        select(func.count(Response.id))
        .join(Visit)
        .where(Visit.child_id == child.id, Response.submitted_at.is_not(None))
    )


def answered_up_to(group: InstrumentHistory, response: Response) -> InstrumentHistory:
    """``group`` with only the responses sent no later than ``response`` (which is the last column)."""
    columns = [column for column in group.columns if _sent_order(column.response) <= _sent_order(response)]
    return replace(group, columns=columns)


def _sent_order(response: Response) -> tuple:
    # Two answers sent in the same second are told apart by the order they were stored in.
    return (response.submitted_at, response.id)


def history(child: Child, language: str) -> list[InstrumentHistory]:
    """The child's sent responses grouped by the instrument their scores come from, oldest first."""
    grouped: dict[str, InstrumentHistory] = {}
    for response in _sent_responses(child):
        definition = definition_of(response)
        source = scale_source(definition)
        group = grouped.get(source)
        if group is None:
            group = grouped[source] = InstrumentHistory(
                pick(_source_title(definition, source), language), source, definition, [], []
            )
        # The newest version's titles head the rows; scale ids stay the same across versions.
        group.latest = definition
        group.scale_titles = [(scale.id, pick(scale.title, language)) for scale in definition.scales.values()]
        group.columns.append(HistoryColumn(response, result_of(response, definition)))
    return list(grouped.values())


def _source_title(definition: Definition, source: str) -> Mapping[str, str]:
    """The title of the instrument the scores come from (an included one, or the definition itself)."""
    if source == definition.id:
        return definition.title
    try:
        return load_latest(source).title
    except LookupError:
        return definition.title


def sign_off(response: Response, reviewer: User, now: datetime) -> bool:
    """Mark a sent result as reviewed by ``reviewer``; False when someone already had (the first stands). Flushes."""
    if response.submitted_at is None:
        raise ValueError("only sent answers can be reviewed")
    # Two reviewers at once: the second waits and then sees the first. The row is locked by id alone,
    # as PostgreSQL refuses FOR UPDATE over the outer joins that load a response's relations.
    db.session.execute(select(Response.id).where(Response.id == response.id).with_for_update())
    db.session.refresh(response)
    if response.reviewed_at is not None:
        return False
    response.reviewed_at = now
    response.reviewed_by_id = reviewer.id
    response.reviewed_by_name = reviewer.name
    db.session.flush()
    return True


@dataclass(frozen=True)
class ScreeningOrigin:
    """The screening an appointment was booked from (through its offer): which questionnaire, answered when."""

    response_id: int
    child_id: int | None
    title: Mapping[str, str]
    answered_at: datetime


def screenings_leading_to(appointment_ids: list[int]) -> dict[int, ScreeningOrigin]:
    """For each of the appointments booked from a questionnaire's offer, the screening that led there."""
    if not appointment_ids:
        return {}
    responses = db.session.scalars(select(Response).where(Response.offer_appointment_id.in_(appointment_ids)))
    return {
        response.offer_appointment_id: ScreeningOrigin(
            response.id,
            response.visit.child_id if response.visit else None,
            definition_of(response).title,
            response.submitted_at,
        )
        for response in responses
    }
