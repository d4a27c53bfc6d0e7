"""Conditions in an instrument definition, and how they are decided.

A condition shows an item or section, picks a set of bands, raises a flag or
gives an outcome. Each kind is a small frozen class with ``holds(facts)``;
``definition.py`` builds them from the YAML and checks what they refer to.
No Flask here: this is plain domain code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

# What an answer can be once checked: an option code, several codes, a number, or a text or ISO date.
Answer = str | tuple[str, ...] | int | Decimal


@dataclass(frozen=True)
class Facts:
    """What conditions are decided on: the answers given so far and what was scored from them.

    ``answers`` holds only non-blank answers to items that were shown.
    ``scale_scores`` and ``scale_bands`` are empty while items are still being
    shown or bands chosen, which is why those conditions may not refer to scales.
    """

    answers: Mapping[str, Answer]
    item_scores: Mapping[str, int]
    age_months: int | None = None
    scale_scores: Mapping[str, int | Decimal | None] | None = None
    scale_bands: Mapping[str, str | None] | None = None
    valid: bool | None = None


class Condition(Protocol):
    """Anything that can be decided from the facts."""

    def holds(self, facts: Facts) -> bool:
        """Tell whether the condition is true for these facts."""


@dataclass(frozen=True)
class AnswerIn:
    """The item's answer (or, for several choices, one of them) is one of ``codes``."""

    item: str
    codes: frozenset[str]

    def holds(self, facts: Facts) -> bool:
        """True when the answer, or any chosen option, is among the codes."""
        answer = facts.answers.get(self.item)
        chosen = answer if isinstance(answer, tuple) else (answer,)
        return any(code in self.codes for code in chosen)


@dataclass(frozen=True)
class Answered:
    """The item was answered (``answered: true``) or left blank (``answered: false``)."""

    item: str
    answered: bool

    def holds(self, facts: Facts) -> bool:
        """True when the item's state matches."""
        return (self.item in facts.answers) == self.answered


@dataclass(frozen=True)
class ItemScoreAtLeast:
    """The item's score (after any reversal) is at least ``score``; a blank item has no score."""

    item: str
    score: int

    def holds(self, facts: Facts) -> bool:
        """True when the item was answered with a score of at least the threshold."""
        scored = facts.item_scores.get(self.item)
        return scored is not None and scored >= self.score


@dataclass(frozen=True)
class ScaleAtLeast:
    """The scale's score is at least ``value``; a missing scale never is."""

    scale: str
    value: int | Decimal

    def holds(self, facts: Facts) -> bool:
        """True when the scale has a score of at least the value."""
        scored = (facts.scale_scores or {}).get(self.scale)
        return scored is not None and scored >= self.value


@dataclass(frozen=True)
class ScaleBandIn:
    """The scale's score falls in one of the named bands."""

    scale: str
    bands: frozenset[str]

    def holds(self, facts: Facts) -> bool:
        """True when the scale's band is one of the named ones."""
        return (facts.scale_bands or {}).get(self.scale) in self.bands


@dataclass(frozen=True)
class AgeBetween:
    """The child's age in months is at least ``start`` and below ``below``; unknown age never is."""

    start: int | None
    below: int | None

    def holds(self, facts: Facts) -> bool:
        """True when the age is known and inside the range."""
        age = facts.age_months
        if age is None:
            return False
        return (self.start is None or age >= self.start) and (self.below is None or age < self.below)


@dataclass(frozen=True)
class FormValid:
    """The response passed (``valid: true``) or failed (``valid: false``) the validity rules."""

    valid: bool

    def holds(self, facts: Facts) -> bool:
        """True when the response's validity matches."""
        return facts.valid == self.valid


@dataclass(frozen=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Condition, ...]

    def holds(self, facts: Facts) -> bool:
        """True when every part is true."""
        return all(part.holds(facts) for part in self.parts)


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]

    def holds(self, facts: Facts) -> bool:
        """True when any part is true."""
        return any(part.holds(facts) for part in self.parts)


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Condition

    def holds(self, facts: Facts) -> bool:
        """True when the part is false."""
        return not self.part.holds(facts)
