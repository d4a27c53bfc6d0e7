"""Scoring rules that no shipped instrument uses yet: means, decimal cut-offs, totals of means,
and blanks counting zero with a least number answered."""

from decimal import Decimal

import pytest

from blueprints.questionnaires.definition import parse_text
from blueprints.questionnaires.scoring import score_response

DEFINITION = parse_text(
    """
id: means
version: 1
title: {sv: M, fi: M, en: M}
introduction: {sv: M, fi: M, en: M}
source: Test
licence: Test
attribution: Test
validated: {sv: false, fi: false, en: false}
respondent: professional
response_scales:
  - id: zero_to_three
    options:
      - {code: s0, score: 0, label: {sv: "0", fi: "0", en: "0"}}
      - {code: s1, score: 1, label: {sv: "1", fi: "1", en: "1"}}
      - {code: s2, score: 2, label: {sv: "2", fi: "2", en: "2"}}
      - {code: s3, score: 3, label: {sv: "3", fi: "3", en: "3"}}
sections:
  - id: page
    title: {sv: S, fi: S, en: P}
    items:
"""
    + "".join(
        f"      - {{id: q{n}, type: choice, response_scale: zero_to_three, text: {{sv: F, fi: K, en: Q}}}}\n"
        for n in range(1, 7)
    )
    + """
scales:
  - id: mean_answered
    title: {sv: A, fi: A, en: A}
    items: [q1, q2, q3]
    method: mean
    blanks: prorate
    min_answered: 2
    bands:
      - {id: low, level: normal, from: 0, label: {sv: L, fi: L, en: L}}
      - {id: raised, level: high, from: 1.5, label: {sv: H, fi: H, en: H}}
  - id: mean_zero
    title: {sv: B, fi: B, en: B}
    items: [q4, q5, q6]
    method: mean
    blanks: zero
    min_answered: 1
  - id: mean_of_means
    title: {sv: C, fi: C, en: C}
    scales: [mean_answered, mean_zero]
    method: mean
  - id: sum_of_means
    title: {sv: D, fi: D, en: D}
    scales: [mean_answered, mean_zero]
""",
    "means.yaml",
)


def scores(answers: dict) -> dict:
    result = score_response(DEFINITION, {item: f"s{score}" for item, score in answers.items()})
    return {scale_id: (scale.score, scale.band.id if scale.band else None) for scale_id, scale in result.scales.items()}


def test_a_mean_of_the_answered_items_has_two_decimals_rounded_half_up():
    result = scores({"q1": 1, "q2": 2, "q4": 1, "q5": 0, "q6": 0})
    assert result["mean_answered"] == (Decimal("1.50"), "raised")  # exactly at the decimal cut-off
    assert result["mean_zero"] == (Decimal("0.33"), None)
    assert result["mean_of_means"] == (Decimal("0.92"), None)  # (1.50 + 0.33) / 2 = 0.915 -> 0.92
    assert result["sum_of_means"] == (Decimal("1.83"), None)


def test_means_are_printed_as_json_numbers():
    summary = score_response(DEFINITION, {"q1": "s1", "q2": "s2", "q4": "s3"}).summary()["scales"]
    assert (summary["mean_answered"]["score"], summary["mean_zero"]["score"]) == (1.5, 1)


def test_blanks_count_zero_in_a_mean_over_every_item():
    assert scores({"q1": 1, "q2": 1, "q3": 1, "q4": 2})["mean_zero"] == (Decimal("0.67"), None)


@pytest.mark.parametrize(
    "answers, missing",
    [
        ({"q1": 3, "q4": 1}, {"mean_answered", "mean_of_means", "sum_of_means"}),
        ({"q1": 3, "q2": 0}, {"mean_zero", "mean_of_means", "sum_of_means"}),
    ],
)
def test_too_few_answers_make_a_scale_and_the_totals_built_on_it_missing(answers, missing):
    assert {scale for scale, (score, _band) in scores(answers).items() if score is None} == missing


def test_one_below_the_decimal_cut_off_is_the_lower_band():
    assert scores({"q1": 1, "q2": 2, "q3": 1})["mean_answered"] == (Decimal("1.33"), "low")
