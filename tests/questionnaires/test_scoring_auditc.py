"""AUDIT-C golden vectors: 0-12, cut-off 4 for men and 3 for women from the respondent's own
answer, and questions 2 and 3 scoring 0 when question 1 is "Never"."""

import pytest

from blueprints.questionnaires.scoring import score_response
from tests.support.questionnaires import answers_from_scores, shipped, summary


def audit(sex: str | None, first: int, second: int | None, third: int | None) -> dict:
    definition = shipped("auditc")
    answers = answers_from_scores(definition, {"audit1": first, "audit2": second, "audit3": third})
    return summary(definition, answers | {"sex": sex})["scales"]["total"]


@pytest.mark.parametrize(
    "sex, scores, total, band",
    [
        ("male", (1, 1, 1), 3, "negative"),
        ("male", (2, 1, 1), 4, "positive"),
        ("female", (1, 1, 0), 2, "negative"),
        ("female", (1, 1, 1), 3, "positive"),
        ("other", (1, 1, 0), 2, "negative"),
        ("other", (1, 1, 1), 3, "positive"),
        (None, (1, 1, 1), 3, "positive"),
        ("male", (4, 4, 4), 12, "positive"),
    ],
)
def test_the_cut_off_follows_the_respondents_own_answer(sex, scores, total, band):
    result = audit(sex, *scores)
    assert (result["score"], result["band"], result["missing"]) == (total, band, False)
    assert result["level"] == ("high" if band == "positive" else "normal")


def test_never_drinking_scores_zero_without_questions_2_and_3():
    definition = shipped("auditc")
    result = score_response(
        definition, {"sex": "female", "audit1": "never", "audit2": "ten_or_more", "audit3": "weekly"}
    )
    # The hidden questions' answers are dropped; they score 0 as the AUDIT says.
    assert result.answers == {"sex": "female", "audit1": "never"}
    assert result.item_scores == {"audit1": 0, "audit2": 0, "audit3": 0}
    assert result.summary()["scales"]["total"] == {"score": 0, "missing": False, "band": "negative", "level": "normal"}


def test_a_blank_question_asked_leaves_the_total_missing():
    assert audit("male", 2, None, 1) == {"score": None, "missing": True, "band": None, "level": None}
