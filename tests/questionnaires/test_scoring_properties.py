"""Properties of scoring that hold for every definition and every response (hypothesis)."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from blueprints.questionnaires.definition import reverse_score
from blueprints.questionnaires.scoring import is_blank, round_half_up, score_response
from tests.support.questionnaires import SHIPPED, TEST_ONLY, placeholder, shipped

DEFINITIONS = [shipped(path.stem) for path in sorted(SHIPPED.glob("*.yaml"))] + [
    placeholder(path.stem) for path in sorted(TEST_ONLY.glob("*.yaml"))
]
BLANKS = st.sampled_from([None, "", "  ", []])


@st.composite
def responses(draw):
    """A definition and answers to any of its option items: an option code or a blank, item by item."""
    definition = draw(st.sampled_from(DEFINITIONS))
    answers = {}
    for item in definition.items.values():
        if item.type in ("choice", "yes_no"):
            answers[item.id] = draw(st.one_of(BLANKS, st.sampled_from(item.response_scale.codes)))
    return definition, answers, draw(st.one_of(st.none(), st.integers(0, 240)))


@settings(max_examples=300, deadline=None)
@given(responses())
def test_every_scale_score_stays_within_its_bounds(response):
    definition, answers, age = response
    result = score_response(definition, answers, age)
    for scale in definition.scales.values():
        score = result.scales[scale.id].score
        assert score is None or scale.minimum <= score <= scale.maximum
        band = result.scales[scale.id].band
        assert (band is None) or (score is not None and band.start <= score)


@settings(max_examples=300, deadline=None)
@given(responses())
def test_a_blank_never_counts_as_an_answer(response):
    definition, answers, age = response
    result = score_response(definition, answers, age)
    assert not any(is_blank(value) for value in result.answers.values())
    for scale in definition.scales.values():
        if scale.items:
            hidden_scored = [item for item in scale.items if item in result.item_scores and item not in result.answers]
            answered = [item for item in scale.items if item in result.answers]
            assert result.scales[scale.id].answered == len(answered) + len(hidden_scored)
    for item_id, value in answers.items():
        if is_blank(value):
            assert item_id not in result.answers
            assert item_id not in result.item_scores or definition.items[item_id].score_when_hidden is not None


@given(st.integers(0, 10), st.integers(0, 10), st.data())
def test_reversing_twice_is_the_identity_and_stays_in_range(low, width, data):
    high = low + width
    score = data.draw(st.integers(low, high))
    assert reverse_score(reverse_score(score, low, high), low, high) == score
    assert low <= reverse_score(score, low, high) <= high


@given(st.integers(1, 30), st.integers(1, 4), st.data())
def test_prorating_never_exceeds_the_maximum(items, highest, data):
    answered = data.draw(st.integers(1, items))
    total = data.draw(st.integers(0, answered * highest))
    prorated = round_half_up(Fraction(total * items, answered))
    assert 0 <= prorated <= items * highest
    assert prorated >= total


@given(st.integers(0, 10**6), st.integers(1, 1000), st.integers(0, 3))
def test_rounding_is_half_up_like_decimal_round_half_up(numerator, denominator, decimals):
    exact = Decimal(numerator) / Decimal(denominator)
    expected = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert round_half_up(Fraction(numerator, denominator), decimals) == expected


def test_halves_round_up_not_to_even():
    assert [round_half_up(Fraction(n, 2)) for n in (1, 3, 5, 7)] == [1, 2, 3, 4]
    assert [round(n / 2) for n in (1, 3, 5, 7)] == [0, 2, 2, 4]  # what Python's round would have given
    assert round_half_up(Fraction(1, 8), 2) == Decimal("0.13")


def test_the_same_response_always_gives_the_same_result():
    definition = shipped("fyraarsgranskningen")
    answers = {"psc4": "often", "psc5": "often", "psc8": "often", "psc10": "sometimes", "burden": "yes"}
    assert len({repr(score_response(definition, answers, 48)) for _ in range(3)}) == 1
