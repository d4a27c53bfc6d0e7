"""PHQ-9 and GAD-7 golden vectors: bands at 5/10/15/20 and 5/10/15, the PHQ-9 item 9 flag,
blanks, the difficulty question that is asked only when a problem was marked, and the advice
the parent is given."""

import pytest

from blueprints.questionnaires.scoring import score_response
from tests.support.questionnaires import answers_from_scores, shipped, summary


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


@pytest.mark.parametrize(
    "code, flagged",
    [("not_at_all", False), ("several_days", True), ("more_than_half_the_days", True), ("nearly_every_day", True)],
)
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
    [
        (0, "minimal", "normal"),
        (4, "minimal", "normal"),
        (5, "mild", "borderline"),
        (9, "mild", "borderline"),
        (10, "moderate", "high"),
        (14, "moderate", "high"),
        (15, "severe", "high"),
        (21, "severe", "high"),
    ],
)
def test_gad7_bands_start_exactly_at_their_cut_offs(total, band, level):
    result = summary(shipped("gad7"), with_total("gad7", "gad", 7, total))
    assert result["scales"]["total"] == {"score": total, "missing": False, "band": band, "level": level}
    assert result["flags"] == [] and result["valid"] is True


def test_gad7_a_blank_item_leaves_the_total_missing():
    answers = {f"gad{number}": "several_days" for number in range(1, 7)}
    assert summary(shipped("gad7"), answers)["scales"]["total"]["missing"] is True


ADVICE_BY_TOTAL = [
    (0, []),
    (4, []),
    (5, ["look_after_yourself"]),
    (9, ["look_after_yourself"]),
    (10, ["talk_to_a_professional"]),
    (21, ["talk_to_a_professional"]),
]


@pytest.mark.parametrize("total, outcomes", ADVICE_BY_TOTAL)
def test_the_parent_is_advised_by_the_total(total, outcomes):
    for name, prefix, count in (("phq9", "phq", 9), ("gad7", "gad", 7)):
        assert summary(shipped(name), with_total(name, prefix, count, total))["outcomes"] == outcomes


def test_phq9_item_9_above_zero_shows_crisis_help_first_whatever_the_total():
    low = {f"phq{number}": "not_at_all" for number in range(1, 9)} | {"phq9": "several_days"}
    assert summary(shipped("phq9"), low)["outcomes"] == ["crisis_help"]
    high = summary(shipped("phq9"), with_total("phq9", "phq", 9, 27))
    assert high["outcomes"] == ["crisis_help", "talk_to_a_professional"]
    texts = shipped("phq9").outcomes[0].text_for_parent
    assert all("09 2525 0111" in texts[language] and "112" in texts[language] for language in ("sv", "fi", "en"))
