"""The format expresses SDQ and EPDS fully (test-only definitions with placeholder texts):
reversed items, prorating at 3 of 5 rounded half up, total difficulties from four scales,
age-version bands, two scoring directions, cut-offs 10 and 13, and the item-10 flag."""

import pytest

from blueprints.questionnaires.scoring import score_response
from tests.support.questionnaires import placeholder, summary

CONDUCT = ("sdq5", "sdq7", "sdq12", "sdq18", "sdq22")  # sdq7 is reversed


def sdq(answers: dict, age_months: int | None = 60) -> dict:
    return summary(placeholder("sdq"), answers, age_months)["scales"]


def test_reversed_items_score_the_other_way():
    definition = placeholder("sdq")
    assert [definition.items["sdq7"].score_of(code) for code in ("not_true", "somewhat_true", "certainly_true")] == [
        2,
        1,
        0,
    ]
    assert [definition.items["sdq5"].score_of(code) for code in ("not_true", "somewhat_true", "certainly_true")] == [
        0,
        1,
        2,
    ]
    assert sdq({item: "not_true" for item in CONDUCT})["conduct"]["score"] == 2


def test_a_scale_with_three_of_five_answered_is_prorated_and_rounded_half_up():
    # 2 + 1 + 1 = 4 from three items: 4 x 5 / 3 = 6.67 -> 7
    answers = {"sdq5": "certainly_true", "sdq12": "somewhat_true", "sdq18": "somewhat_true"}
    assert sdq(answers)["conduct"]["score"] == 7


def test_prorating_rounds_a_half_up_not_to_even():
    # 1 + 1 + 0 + 0 = 2 from four items: 2 x 5 / 4 = 2.5 -> 3 (banker's rounding would give 2)
    answers = {"sdq5": "somewhat_true", "sdq12": "somewhat_true", "sdq18": "not_true", "sdq22": "not_true"}
    assert sdq(answers)["conduct"]["score"] == 3
    # 3 x 5 / 4 = 3.75 -> 4 and 1 x 5 / 4 = 1.25 -> 1
    assert sdq({**answers, "sdq18": "somewhat_true"})["conduct"]["score"] == 4
    assert sdq({**answers, "sdq12": "not_true"})["conduct"]["score"] == 1


def test_a_scale_with_two_of_five_answered_is_missing_and_so_is_total_difficulties():
    answers = {item: "somewhat_true" for item in ("sdq3", "sdq8", "sdq13", "sdq16", "sdq24")}
    answers |= {item: "somewhat_true" for item in ("sdq2", "sdq10", "sdq15", "sdq21", "sdq25")}
    answers |= {item: "somewhat_true" for item in ("sdq6", "sdq11", "sdq14", "sdq19", "sdq23")}
    answers |= {"sdq5": "certainly_true", "sdq12": "certainly_true"}
    scales = sdq(answers)
    assert scales["conduct"] == {"score": None, "missing": True, "band": None, "level": None}
    assert scales["total_difficulties"]["missing"] is True
    assert scales["emotional"]["score"] == 5


def test_total_difficulties_is_the_sum_of_the_four_difficulty_scales_not_prosocial():
    answers = {f"sdq{number}": "somewhat_true" for number in range(1, 26)}
    scales = sdq(answers)
    assert [scales[s]["score"] for s in ("emotional", "conduct", "hyperactivity", "peer", "prosocial")] == [
        5,
        5,
        5,
        5,
        5,
    ]
    assert scales["total_difficulties"]["score"] == 20


@pytest.mark.parametrize(
    "age_months, conduct_band, total_band",
    [
        (36, "normal", "abnormal"),
        (47, "normal", "abnormal"),
        (48, "borderline", "abnormal"),
        (120, "borderline", "abnormal"),
        (None, None, None),
    ],
)
def test_bands_follow_the_age_version(age_months, conduct_band, total_band):
    # conduct 3; total difficulties 15 (2-4 placeholder bands: borderline from 4 and 16; 4-17: from 3 and 14)
    answers = {
        "sdq5": "somewhat_true",
        "sdq12": "somewhat_true",
        "sdq18": "somewhat_true",
        "sdq22": "not_true",
        "sdq7": "certainly_true",
    }
    answers |= {item: "certainly_true" for item in ("sdq3", "sdq8", "sdq13", "sdq16", "sdq24")}
    answers |= {item: "certainly_true" for item in ("sdq2", "sdq10")}
    answers |= {item: "not_true" for item in ("sdq15", "sdq21", "sdq25", "sdq6", "sdq11", "sdq14", "sdq19", "sdq23")}
    scales = sdq(answers, age_months)
    # sdq21, sdq25 (hyperactivity) and sdq11, sdq14 (peer) are reversed: "not true" scores 2.
    assert [scales[s]["score"] for s in ("conduct", "emotional", "hyperactivity", "peer")] == [3, 10, 8, 4]
    assert scales["total_difficulties"]["score"] == 25
    assert (scales["conduct"]["band"], scales["total_difficulties"]["band"]) == (conduct_band, total_band)


def test_total_difficulties_bands_differ_by_age_at_the_same_score():
    answers = {f"sdq{number}": "not_true" for number in range(1, 26)}
    # Reversed items 7, 11, 14, 21, 25 score 2 when "not true": conduct 2, peer 4, hyperactivity 4.
    answers |= {"sdq3": "certainly_true", "sdq8": "certainly_true", "sdq13": "certainly_true"}
    younger, older = sdq(answers, 40), sdq(answers, 60)
    assert younger["total_difficulties"]["score"] == older["total_difficulties"]["score"] == 16
    assert (younger["total_difficulties"]["band"], older["total_difficulties"]["band"]) == ("borderline", "borderline")
    answers["sdq3"] = "somewhat_true"
    assert sdq(answers, 40)["total_difficulties"]["band"] == "normal"
    assert sdq(answers, 60)["total_difficulties"]["band"] == "borderline"
    answers["sdq16"] = "certainly_true"
    assert (sdq(answers, 40)["total_difficulties"]["band"], sdq(answers, 60)["total_difficulties"]["band"]) == (
        "borderline",
        "abnormal",
    )


@pytest.mark.parametrize("score, band", [(4, "abnormal"), (5, "borderline"), (6, "normal"), (10, "normal")])
def test_prosocial_bands_run_the_other_way(score, band):
    items = ("sdq1", "sdq4", "sdq9", "sdq17", "sdq20")
    codes = ["certainly_true"] * (score // 2) + ["somewhat_true"] * (score % 2)
    answers = {item: (codes[i] if i < len(codes) else "not_true") for i, item in enumerate(items)}
    assert sdq(answers)["prosocial"]["score"] == score and sdq(answers)["prosocial"]["band"] == band


def epds(codes: dict[int, str]) -> dict:
    answers = {f"epds{number}": codes.get(number, default) for number, default in enumerate(EPDS_ZERO, start=1)}
    return summary(placeholder("epds"), answers)


# The option scoring 0 for each item: "a" for items 1, 2 and 4; "d" for the reversed ones.
EPDS_ZERO = ["a", "a", "d", "a", "d", "d", "d", "d", "d", "d"]


def test_epds_items_score_in_two_directions():
    definition = placeholder("epds")
    assert [definition.items["epds1"].score_of(c) for c in "abcd"] == [0, 1, 2, 3]
    assert [definition.items["epds3"].score_of(c) for c in "abcd"] == [3, 2, 1, 0]
    assert epds({})["scales"]["total"]["score"] == 0
    assert epds({n: ("d" if EPDS_ZERO[n - 1] == "a" else "a") for n in range(1, 11)})["scales"]["total"]["score"] == 30


@pytest.mark.parametrize("total, band", [(9, "below_cutoff"), (10, "possible"), (12, "possible"), (13, "probable")])
def test_epds_cut_offs_10_and_13(total, band):
    # Items scoring 3 each (1, 2 and 4 with "d", reversed 3 with "a"), then item 5 (reversed) for the rest.
    codes = dict(list({1: "d", 2: "d", 4: "d", 3: "a"}.items())[: total // 3])
    if total % 3:
        codes[5] = {1: "c", 2: "b"}[total % 3]
    result = epds(codes)
    assert result["scales"]["total"]["score"] == total and result["scales"]["total"]["band"] == band
    assert result["flags"] == []


@pytest.mark.parametrize("code, flagged", [("a", True), ("b", True), ("c", True), ("d", False)])
def test_epds_item_10_is_flagged_whenever_it_scores_above_zero(code, flagged):
    result = epds({10: code})
    assert (result["flags"] == [{"id": "self_harm_thoughts", "item": "epds10"}]) is flagged
    assert result["scales"]["total"]["score"] == {"a": 3, "b": 2, "c": 1, "d": 0}[code]


def test_epds_a_blank_item_leaves_the_total_missing():
    answers = {f"epds{number}": "a" for number in range(1, 10)}
    assert score_response(placeholder("epds"), answers).scales["total"].missing
