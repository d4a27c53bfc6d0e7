"""Helpers for the questionnaire tests: the definitions, and answers built from option scores."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from blueprints.questionnaires.definition import Definition, load_file
from blueprints.questionnaires.scoring import score_response

SHIPPED = Path(__file__).resolve().parents[2] / "instruments"
TEST_ONLY = Path(__file__).resolve().parent / "instruments"


@lru_cache
def shipped(name: str) -> Definition:
    """A definition from instruments/."""
    return load_file(SHIPPED / f"{name}.yaml")


@lru_cache
def placeholder(name: str) -> Definition:
    """A test-only definition from tests/support/instruments/ (SDQ and EPDS structures)."""
    return load_file(TEST_ONLY / f"{name}.yaml")


def code_with_score(definition: Definition, item_id: str, score: int) -> str:
    """The code of the option printed with ``score`` on the form (before any reversal)."""
    options = definition.items[item_id].response_scale.options
    return next(option.code for option in options if option.score == score)


def answers_from_scores(definition: Definition, scores: dict[str, int | None]) -> dict[str, str | None]:
    """Answers choosing, for each item, the option with the given score (None leaves it blank)."""
    return {
        item_id: None if score is None else code_with_score(definition, item_id, score)
        for item_id, score in scores.items()
    }


def summary(definition: Definition, answers: dict, age_months: int | None = None) -> dict:
    """The JSON summary of scoring ``answers``."""
    return score_response(definition, answers, age_months).summary()
