"""PSC-17 golden vectors from the published scoring: 0/1/2 per item, subscale and total cut-offs,
blanks count 0, four or more blanks make the form invalid."""

import pytest

from tests.support.questionnaires import answers_from_scores, shipped, summary

INTERNALIZING = (2, 6, 9, 11, 15)
ATTENTION = (1, 3, 7, 13, 17)
EXTERNALIZING = (4, 5, 8, 10, 12, 14, 16)


def psc(scores: dict[int, int | None], rest: int | None = 0) -> dict:
    """Answers with the given score per item number; the other items get ``rest``."""
    definition = shipped("psc17")
    by_item = {f"psc{number}": scores.get(number, rest) for number in range(1, 18)}
    return summary(definition, answers_from_scores(definition, by_item))


def scales(result: dict) -> dict:
    return {scale: (values["score"], values["band"]) for scale, values in result["scales"].items()}


def test_all_never_is_zero_and_below_every_cut_off():
    result = psc({})
    assert result == {
        "instrument": "psc17",
        "version": 2,
        "valid": True,
        "scales": {
            scale: {"score": 0, "missing": False, "band": "negative", "level": "normal"}
            for scale in ("internalizing", "attention", "externalizing", "total")
        },
        "flags": [],
        "outcomes": [],
    }


def test_all_often_is_the_maximum():
    assert scales(psc({}, rest=2)) == {
        "internalizing": (10, "positive"),
        "attention": (10, "positive"),
        "externalizing": (14, "positive"),
        "total": (34, "positive"),
    }


@pytest.mark.parametrize(
    "scores, scale, expected",
    [
        ({2: 2, 6: 2}, "internalizing", (4, "negative")),
        ({2: 2, 6: 2, 9: 1}, "internalizing", (5, "positive")),
        ({1: 2, 3: 2, 7: 2}, "attention", (6, "negative")),
        ({1: 2, 3: 2, 7: 2, 13: 1}, "attention", (7, "positive")),
        ({4: 2, 5: 2, 8: 2}, "externalizing", (6, "negative")),
        ({4: 2, 5: 2, 8: 2, 10: 1}, "externalizing", (7, "positive")),
    ],
)
def test_subscale_cut_offs_are_at_or_above(scores, scale, expected):
    assert scales(psc(scores))[scale] == expected


def test_total_cut_off_is_15_even_when_every_subscale_is_below_its_own():
    fourteen = {2: 2, 6: 2, 1: 2, 3: 2, 7: 2, 4: 2, 5: 2}  # 4 + 6 + 4
    fifteen = {**fourteen, 8: 1}  # 4 + 6 + 5
    assert scales(psc(fourteen))["total"] == (14, "negative")
    result = scales(psc(fifteen))
    assert result == {
        "internalizing": (4, "negative"),
        "attention": (6, "negative"),
        "externalizing": (5, "negative"),
        "total": (15, "positive"),
    }


def test_a_mixed_form_scores_each_subscale_from_its_own_items():
    scores = {
        1: 1,
        2: 2,
        3: 0,
        4: 1,
        5: 2,
        6: 1,
        7: 2,
        8: 0,
        9: 1,
        10: 2,
        11: 0,
        12: 1,
        13: 2,
        14: 1,
        15: 2,
        16: 0,
        17: 1,
    }
    result = scales(psc(scores))
    assert result["internalizing"][0] == sum(scores[n] for n in INTERNALIZING) == 6
    assert result["attention"][0] == sum(scores[n] for n in ATTENTION) == 6
    assert result["externalizing"][0] == sum(scores[n] for n in EXTERNALIZING) == 7
    assert result["total"] == (19, "positive")


def test_blank_items_count_zero_and_three_blanks_keep_the_form_valid():
    result = psc({2: None, 6: None, 9: None, 11: 2, 15: 2})
    assert result["valid"] is True
    assert scales(result)["internalizing"] == (4, "negative")
    assert result["scales"]["internalizing"]["missing"] is False


def test_four_blanks_make_the_form_invalid_but_scores_are_still_shown():
    result = psc({1: None, 4: None, 8: None, 17: None, 5: 2, 10: 2, 12: 2, 14: 1})
    assert result["valid"] is False
    assert scales(result)["externalizing"] == (7, "positive")


def test_an_empty_form_is_invalid():
    result = summary(shipped("psc17"), {})
    assert result["valid"] is False and result["scales"]["total"]["score"] == 0
