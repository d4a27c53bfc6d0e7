"""Answering a questionnaire: pages, saving each answer as it is given, the review, and sending.

Answers are kept one row per item, saved while the response row is locked, so
two tabs (or a phone and a laptop) answering the same questionnaire never
overwrite each other's answers. Sending scores the answers on the pinned
version of the instrument and is idempotent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import delete, select

from core.timeutil import to_local
from extensions import db

from .definition import Definition, Item, Section
from .invitations import age_in_months
from .models import Response, ResponseAnswer
from .scoring import Result, answer_errors, is_blank, score_response, shown_items
from .store import load_version

# The most digits before (or zeros after) the decimal point a typed number may have.
MAX_NUMBER_DIGITS = 15


class AnswerRejected(ValueError):
    """An answer that does not fit its question; ``reason`` says how, for a translated message."""

    def __init__(self, item_id: str, reason: str) -> None:
        super().__init__(f"{item_id}: {reason}")
        self.item_id = item_id
        self.reason = reason


def definition_of(response: Response) -> Definition:
    """The instrument version the response is answered on."""
    return load_version(response.instrument_id, response.instrument_version)


def child_age_months(response: Response, on: date) -> int | None:
    """The child's age in months on a day, for age-specific rules; None for anonymous responses."""
    if response.visit is None:
        return None
    return age_in_months(response.visit.child.date_of_birth, on)


@dataclass(frozen=True)
class Page:
    """A section as a page: its number among the visible pages and the items shown on it."""

    number: int
    section: Section
    items: tuple[Item, ...]


def pages(definition: Definition, answers: dict[str, Any], age_months: int | None) -> list[Page]:
    """The pages the parent sees with these answers: sections (and items) hidden by conditions are left out."""
    shown = shown_items(definition, answers, age_months)
    visible = []
    for section in definition.sections:
        items = tuple(item for item in section.items if item.id in shown)
        if items:
            visible.append(Page(len(visible) + 1, section, items))
    return visible


def parse_form_value(item: Item, values: list[str]) -> Any:
    """Turn what a form sent for an item into the stored answer (None when blank).

    Raises AnswerRejected for a number or date that cannot be read.
    """
    values = [value.strip() for value in values if value is not None and value.strip()]
    if not values:
        return None
    if item.type == "multiple":
        return sorted(
            set(values),
            key=lambda code: item.response_scale.codes.index(code) if code in item.response_scale.codes else -1,
        )
    value = values[0]
    if item.type == "number":
        try:
            number = Decimal(value.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise AnswerRejected(item.id, "not_a_number") from None
        # NaN, Infinity and a number like 1e999999999 (whose int() would take minutes) are no one's answer.
        if not number.is_finite() or abs(number.adjusted()) > MAX_NUMBER_DIGITS:
            raise AnswerRejected(item.id, "not_a_number")
        return int(number) if number == number.to_integral_value() else number
    if item.type == "date":
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise AnswerRejected(item.id, "not_a_date") from None
    return value


def _lock(response: Response) -> None:
    """Serialise saves of one response (PostgreSQL row lock; SQLite requests already hold the write lock)."""
    db.session.execute(select(Response.id).where(Response.id == response.id).with_for_update())


def save_answers(response: Response, definition: Definition, answers: dict[str, Any], now: datetime) -> None:
    """Save answers (item id to stored value, None to clear) for a response still being answered. Flushes; the caller
    commits.

    Raises AnswerRejected for an unknown item or a value outside the question's options or range.
    """
    for item_id, value in answers.items():
        if item_id not in definition.items:
            raise AnswerRejected(item_id, "unknown_item")
        if not is_blank(value) and answer_errors(definition, {item_id: value}):
            raise AnswerRejected(item_id, "out_of_range")
    _lock(response)
    existing = {
        row.item_id: row
        for row in db.session.scalars(select(ResponseAnswer).where(ResponseAnswer.response_id == response.id))
    }
    for item_id, value in answers.items():
        if is_blank(value):
            db.session.execute(
                delete(ResponseAnswer).where(
                    ResponseAnswer.response_id == response.id, ResponseAnswer.item_id == item_id
                )
            )
        elif item_id in existing:
            existing[item_id].value_json = json.dumps(_jsonable(value))
            existing[item_id].saved_at = now
        else:
            db.session.add(
                ResponseAnswer(
                    response_id=response.id, item_id=item_id, value_json=json.dumps(_jsonable(value)), saved_at=now
                )
            )
    response.last_saved_at = now
    db.session.flush()
    db.session.refresh(response)


def _jsonable(value: Any) -> Any:
    # Decimals are stored as JSON numbers via their exact text; json.loads gives them back as floats,
    # which scoring reads exactly again (it converts floats through their text).
    return float(value) if isinstance(value, Decimal) else value


def missing_required(
    definition: Definition, answers: dict[str, Any], age_months: int | None
) -> list[tuple[Page, Item]]:
    """The required questions that are shown and still blank, with the page each is on."""
    return [
        (page, item)
        for page in pages(definition, answers, age_months)
        for item in page.items
        if item.required and is_blank(answers.get(item.id))
    ]


class NotComplete(ValueError):
    """Sending refused: required questions are unanswered (``missing`` lists them)."""

    def __init__(self, missing: list[tuple[Page, Item]]) -> None:
        super().__init__(", ".join(item.id for _, item in missing))
        self.missing = missing


def submit(response: Response, now: datetime) -> Result:
    """Send the answers: score them on the pinned version and store the summary. Flushes; the caller commits.

    Sending twice is harmless: the second time the stored result is simply scored again.
    Raises NotComplete when required questions are still blank.
    """
    _lock(response)
    db.session.refresh(response)
    definition = definition_of(response)
    answers = response.answer_values
    if response.submitted_at is not None:
        return score_response(definition, answers, response.age_months)
    age = child_age_months(response, to_local(now).date())
    missing = missing_required(definition, answers, age)
    if missing:
        raise NotComplete(missing)
    result = score_response(definition, answers, age)
    response.age_months = age
    response.submitted_at = now
    response.result_json = json.dumps(result.summary())
    db.session.flush()
    return result


def result_of(response: Response, definition: Definition | None = None) -> Result:
    """Score a sent response again, exactly as when it was sent (same version, same age).

    A caller that has already loaded the response's ``definition`` passes it, saving a query.
    """
    return score_response(definition or definition_of(response), response.answer_values, response.age_months)
