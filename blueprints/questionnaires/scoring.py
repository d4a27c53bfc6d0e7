"""Scoring: a pure function from a definition and a parent's answers to a result.

``score_response(definition, answers, age_months)`` checks the answers, keeps
those to items that were shown, scores items (reversing where the definition
says so), computes every scale with exact arithmetic (``Fraction``; prorated
sums and means are rounded half up, never to even), picks each scale's band,
decides validity, and raises flags and outcomes. The same inputs always give
the same result. No Flask and no database here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .conditions import Answer, Facts
from .definition import Band, Definition, Flag, Item, Number, Outcome, ProblemList, Scale

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# Means are given with two decimals (rounded half up).
MEAN_DECIMALS = 2


class AnswerError(ProblemList):
    """Answers that do not fit the definition; ``errors`` names the item id in each problem."""


@dataclass(frozen=True)
class ScaleResult:
    """A scale's score (None when missing), how many of its items or parts were answered, and its band."""

    id: str
    score: Number | None
    answered: int
    band: Band | None

    @property
    def missing(self) -> bool:
        """Whether too few items were answered for a score."""
        return self.score is None

    @property
    def level(self) -> str | None:
        """The band's level (normal, borderline, high), or None."""
        return self.band.level if self.band else None


@dataclass(frozen=True)
class Result:
    """Everything scored from one response, on one version of one definition."""

    instrument_id: str
    version: int
    valid: bool
    # The non-blank answers to items that were shown; answers to hidden items are dropped.
    answers: Mapping[str, Answer]
    item_scores: Mapping[str, int]
    scales: Mapping[str, ScaleResult]
    flags: tuple[Flag, ...]
    outcomes: tuple[Outcome, ...]

    def summary(self) -> dict[str, Any]:
        """The result as the JSON object ``flask questionnaires score`` prints."""
        return {
            "instrument": self.instrument_id,
            "version": self.version,
            "valid": self.valid,
            "scales": {
                scale.id: {
                    "score": _json_number(scale.score),
                    "missing": scale.missing,
                    "band": scale.band.id if scale.band else None,
                    "level": scale.level,
                }
                for scale in self.scales.values()
            },
            "flags": [{"id": flag.id, "item": flag.item} for flag in self.flags],
            "outcomes": [outcome.id for outcome in self.outcomes],
        }


def round_half_up(value: Fraction, decimals: int = 0) -> Number:
    """Round a non-negative exact value to ``decimals`` places, halves upwards (2.5 -> 3, not 2).

    Returns an int for no decimals, otherwise a Decimal with exactly that many places.
    """
    scale = 10**decimals
    rounded = math.floor(value * scale + Fraction(1, 2))
    return rounded if decimals == 0 else Decimal(rounded).scaleb(-decimals)


def is_blank(value: Any) -> bool:
    """A missing answer: None, an empty or blank text, or no options chosen."""
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)


def answer_errors(definition: Definition, answers: Mapping[str, Any]) -> list[str]:
    """Every way ``answers`` do not fit the definition (unknown items, codes outside the scale...)."""
    return _checked_answers(definition, answers)[1]


def score_response(definition: Definition, answers: Mapping[str, Any], age_months: int | None = None) -> Result:
    """Score one response: ``answers`` maps item ids to stored answers; a missing or null item is blank.

    Answers are option codes (a list of codes for several choices), numbers, texts or
    ISO dates, as a parent's answers are stored. ``age_months`` is the child's age,
    used by age-specific bands and conditions. Raises AnswerError when the answers
    do not fit the definition.
    """
    given, errors = _checked_answers(definition, answers)
    if errors:
        raise AnswerError(errors)
    shown_items, shown, item_scores = _shown_answers(definition, given, age_months)
    scores: dict[str, Number | None] = {}
    answered: dict[str, int] = {}
    for scale in definition.scales.values():
        scores[scale.id], answered[scale.id] = _scale_score(scale, item_scores, scores)
    facts = Facts(shown, item_scores, age_months)
    results = {
        scale.id: ScaleResult(scale.id, scores[scale.id], answered[scale.id], _band(scale, scores[scale.id], facts))
        for scale in definition.scales.values()
    }
    # A blank is an item that was shown and not answered; a hidden item was never asked.
    valid = all(
        sum(item in shown_items and item not in shown for item in rule.items) <= rule.max_blank
        for rule in definition.validity
    )
    facts = Facts(
        shown,
        item_scores,
        age_months,
        scale_scores=scores,
        scale_bands={scale_id: result.band.id if result.band else None for scale_id, result in results.items()},
        valid=valid,
    )
    return Result(
        instrument_id=definition.id,
        version=definition.version,
        valid=valid,
        answers=shown,
        item_scores=item_scores,
        scales=results,
        flags=tuple(flag for flag in definition.flags if flag.when.holds(facts)),
        outcomes=tuple(outcome for outcome in definition.outcomes if outcome.when.holds(facts)),
    )


def _checked_answers(definition: Definition, answers: Mapping[str, Any]) -> tuple[dict[str, Answer], list[str]]:
    """The non-blank answers in their checked form, and the problems found."""
    checked: dict[str, Answer] = {}
    errors: list[str] = []
    for item_id, value in answers.items():
        item = definition.items.get(item_id)
        if item is None:
            errors.append(f"{item_id}: no such item in {definition.id} version {definition.version}")
        elif not is_blank(value):
            answer, problem = _checked_answer(item, value)
            if problem:
                errors.append(f"{item_id}: {problem}")
            else:
                checked[item_id] = answer
    return checked, errors


def _checked_answer(item: Item, value: Any) -> tuple[Answer | None, str | None]:
    """One non-blank answer in its checked form, or the problem with it."""
    if item.type in ("choice", "yes_no"):
        if not isinstance(value, str) or value not in item.response_scale.codes:
            return None, f"{value!r} is not one of its options ({', '.join(item.response_scale.codes)})"
        return value, None
    if item.type == "multiple":
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            return None, "must be a list of option codes"
        unknown = [code for code in value if code not in item.response_scale.codes]
        if unknown or len(set(value)) != len(value):
            return None, f"{value!r} must list each chosen option once, from: {', '.join(item.response_scale.codes)}"
        return tuple(value), None
    if item.type == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return None, f"{value!r} is not a number"
        number = Decimal(str(value)) if isinstance(value, float) else value
        if (item.minimum is not None and number < item.minimum) or (item.maximum is not None and number > item.maximum):
            return None, f"{value} is outside {item.minimum}..{item.maximum}"
        return number, None
    if item.type == "date":
        if not isinstance(value, str) or not ISO_DATE.match(value) or not _is_date(value):
            return None, f"{value!r} is not a date written YYYY-MM-DD"
        return value, None
    if not isinstance(value, str):
        return None, f"{value!r} is not a text"
    if len(value) > item.max_length:
        return None, f"is longer than {item.max_length} characters"
    return value, None


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def shown_items(definition: Definition, answers: Mapping[str, Any], age_months: int | None = None) -> set[str]:
    """The ids of the items a parent sees, given the answers so far (conditions decide).

    Answers that do not fit the definition are ignored here; saving checks them.
    """
    given, _errors = _checked_answers(definition, answers)
    return _shown_answers(definition, given, age_months)[0]


def _shown_answers(
    definition: Definition, given: Mapping[str, Answer], age_months: int | None
) -> tuple[set[str], dict[str, Answer], dict[str, int]]:
    """Go through the sections in order: the items shown, their non-blank answers, and the item scores.

    A condition sees the answers above it, so the dictionaries are filled in while
    the facts they belong to are being asked. A hidden item with ``score_when_hidden``
    gets that score.
    """
    shown_items: set[str] = set()
    shown: dict[str, Answer] = {}
    item_scores: dict[str, int] = {}
    facts = Facts(shown, item_scores, age_months)
    for section in definition.sections:
        section_shown = section.show_if is None or section.show_if.holds(facts)
        for item in section.items:
            if not section_shown or (item.show_if is not None and not item.show_if.holds(facts)):
                if item.score_when_hidden is not None:
                    item_scores[item.id] = item.score_when_hidden
                continue
            shown_items.add(item.id)
            if item.id in given:
                shown[item.id] = given[item.id]
                if item.scored:
                    item_scores[item.id] = item.score_of(given[item.id])
    return shown_items, shown, item_scores


def _scale_score(
    scale: Scale, item_scores: Mapping[str, int], scale_scores: Mapping[str, Number | None]
) -> tuple[Number | None, int]:
    """A scale's score (None when missing) and how many of its items or parts had one."""
    if scale.scales:
        parts = [scale_scores[part] for part in scale.scales]
        if None in parts:
            return None, len(parts) - parts.count(None)
        if scale.method == "sum":
            return sum(parts), len(parts)
        return round_half_up(sum(Fraction(part) for part in parts) / len(parts), MEAN_DECIMALS), len(parts)
    answered = [item_scores[item] for item in scale.items if item in item_scores]
    if len(answered) < scale.min_answered:
        return None, len(answered)
    # With blanks: zero a blank adds nothing and the divisor is every item; prorating
    # divides by the answered ones (sum x items / answered).
    divisor = len(answered) if scale.blanks == "prorate" else len(scale.items)
    if scale.method == "sum":
        return round_half_up(Fraction(sum(answered) * len(scale.items), divisor)), len(answered)
    return round_half_up(Fraction(sum(answered), divisor), MEAN_DECIMALS), len(answered)


def _band(scale: Scale, score: Number | None, facts: Facts) -> Band | None:
    """The band of the first band set whose condition holds, or None."""
    if score is None:
        return None
    for band_set in scale.band_sets:
        if band_set.when is None or band_set.when.holds(facts):
            return band_set.band_for(score)
    return None


def _json_number(value: Number | None) -> int | float | None:
    """A score as JSON: whole numbers as integers, means as decimals."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
