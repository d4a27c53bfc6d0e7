"""PHQ-9 and GAD-7 golden vectors: bands at 5/10/15/20 and 5/10/15, the PHQ-9 item 9 flag,
blanks, and the difficulty question that is asked only when a problem was marked."""

import pytest

from blueprints.questionnaires.scoring import score_response
from tests.questionnaires import answers_from_scores, shipped, summary


def with_total(name: str, prefix: str, count: int, total: int, last: int | None = 0) -> dict:
    """Answers reaching ``total`` by filling items with 3s from the first; the last item gets ``last``."""
    scores, left = {}, total
    for number in range(1, count):
        scores[f"{prefix}{number}"] = min(3, left)
        left -= scores[f"{prefix}{number}"]
    scores[f"{prefix}{count}"] = last if left == 0 else left
    definition = shipped(name)
    return answers_from_scores(definition, scores)


PHQ9_BANDS = [
    (0, "minimal", "normal"),
    (4, "minimal", "normal"),
    (5, "mild", "borderline"),
    (9, "mild", "borderline"),
    (10, "moderate", "high"),
    (14, "moderate", "high"),
    (15, "moderately_severe", "high"),
    (19, "moderately_severe", "high"),
    (20, "severe", "high"),
    (24, "severe", "high"),
]


@pytest.mark.parametrize("total, band, level", PHQ9_BANDS)
def test_phq9_bands_start_exactly_at_their_cut_offs(total, band, level):
    result = summary(shipped("phq9"), with_total("phq9", "phq", 9, total))
    assert result["scales"]["total"] == {"score": total, "missing": False, "band": band, "level": level}
    assert result["flags"] == []


def test_phq9_maximum_is_27_and_flags_item_9():
    result = summary(shipped("phq9"), with_total("phq9", "phq", 9, 27))
    assert result["scales"]["total"]["score"] == 27 and result["scales"]["total"]["band"] == "severe"
    assert result["flags"] == [{"id": "self_harm_thoughts", "item": "phq9"}]


@pytest.mark.parametrize("code, flagged", [("not_at_all", False), ("several_days", True), ("more_than_half_the_days", True), ("nearly_every_day", True)])
def test_phq9_item_9_above_zero_raises_the_flag_whatever_the_total(code, flagged):
    answers = {f"phq{number}": "not_at_all" for number in range(1, 9)} | {"phq9": code}
    result = summary(shipped("phq9"), answers)
    assert (result["flags"] == [{"id": "self_harm_thoughts", "item": "phq9"}]) is flagged
    assert result["scales"]["total"]["band"] == "minimal"


def test_phq9_a_blank_item_leaves_the_total_missing_but_the_flag_still_rises():
    answers = {f"phq{number}": "nearly_every_day" for number in range(2, 10)}
    result = summary(shipped("phq9"), answers)
    assert result["scales"]["total"] == {"score": None, "missing": True, "band": None, "level": None}
    assert result["flags"] == [{"id": "self_harm_thoughts", "item": "phq9"}]


def test_phq9_difficulty_is_kept_only_when_a_problem_was_marked():
    definition = shipped("phq9")
    no_problems = {f"phq{number}": "not_at_all" for number in range(1, 10)} | {"phq_difficulty": "very_difficult"}
    assert "phq_difficulty" not in score_response(definition, no_problems).answers
    one_problem = no_problems | {"phq4": "several_days"}
    assert score_response(definition, one_problem).answers["phq_difficulty"] == "very_difficult"


@pytest.mark.parametrize(
    "total, band, level",
    [(0, "minimal", "normal"), (4, "minimal", "normal"), (5, "mild", "borderline"), (9, "mild", "borderline"),
     (10, "moderate", "high"), (14, "moderate", "high"), (15, "severe", "high"), (21, "severe", "high")],
)
def test_gad7_bands_start_exactly_at_their_cut_offs(total, band, level):
    result = summary(shipped("gad7"), with_total("gad7", "gad", 7, total))
    assert result["scales"]["total"] == {"score": total, "missing": False, "band": band, "level": level}
    assert result["flags"] == [] and result["valid"] is True


def test_gad7_a_blank_item_leaves_the_total_missing():
    answers = {f"gad{number}": "several_days" for number in range(1, 7)}
    assert summary(shipped("gad7"), answers)["scales"]["total"]["missing"] is True
