"""The four-year check-up package: the PSC-17 included whole, the parent's own view, and the
offer of the parent-training programme when externalizing is at or above 7 AND the parent says
the behaviour burdens everyday life (and the PSC-17 is valid)."""

import pytest

from blueprints.questionnaires.definition import canonical_text, parse_text
from blueprints.questionnaires.scoring import score_response
from tests.support.questionnaires import shipped, summary

EXTERNALIZING = ("psc4", "psc5", "psc8", "psc10", "psc12", "psc14", "psc16")


def behaviour(externalizing: int, blanks: int = 0) -> dict:
    """PSC-17 answers with the given externalizing score and ``blanks`` blank non-externalizing items."""
    answers = {f"psc{number}": "never" for number in range(1, 18)}
    for item in EXTERNALIZING[: externalizing // 2]:
        answers[item] = "often"
    if externalizing % 2:
        answers[EXTERNALIZING[-1]] = "sometimes"
    for item in ("psc1", "psc2", "psc3", "psc6", "psc7")[:blanks]:
        answers[item] = None
    return answers


@pytest.mark.parametrize(
    "externalizing, burden, blanks, offered",
    [
        (7, "yes", 0, True),
        (6, "yes", 0, False),
        (7, "no", 0, False),
        (7, None, 0, False),
        (14, "yes", 3, True),
        (7, "yes", 4, False),  # four blank PSC-17 items: the form cannot be interpreted
    ],
)
def test_the_parent_training_offer_needs_the_cut_off_and_the_parents_own_judgement(
    externalizing, burden, blanks, offered
):
    result = summary(
        shipped("fyraarsgranskningen"), behaviour(externalizing, blanks) | {"burden": burden}, age_months=48
    )
    assert result["scales"]["externalizing"]["score"] == externalizing
    assert result["valid"] is (blanks < 4)
    assert ("parent_training_offer" in result["outcomes"]) is offered


def test_the_packages_own_questions_do_not_count_as_psc17_blanks():
    result = summary(shipped("fyraarsgranskningen"), behaviour(0))
    assert result["valid"] is True and result["outcomes"] == []


def test_the_duration_question_follows_the_burden_answer():
    definition = shipped("fyraarsgranskningen")
    with_burden = score_response(definition, {"burden": "yes", "burden_duration": "over_a_year"})
    assert with_burden.answers["burden_duration"] == "over_a_year"
    without = score_response(definition, {"burden": "no", "burden_duration": "over_a_year"})
    assert "burden_duration" not in without.answers


def test_wishes_and_resources_give_their_own_outcomes_in_file_order():
    answers = behaviour(8) | {"burden": "yes", "wish_to_talk": "yes", "coping": "poorly", "support": "often"}
    assert summary(shipped("fyraarsgranskningen"), answers)["outcomes"] == [
        "parent_training_offer",
        "wishes_to_talk",
        "discuss_resources",
    ]
    assert "discuss_resources" in summary(shipped("fyraarsgranskningen"), {"support": "rarely_or_never"})["outcomes"]


def test_sections_keep_the_instrument_and_translation_status_they_come_from():
    definition = shipped("fyraarsgranskningen")
    assert [(s.id, s.instrument_id, s.instrument_version, s.validated["en"]) for s in definition.sections] == [
        ("psc17_behaviour", "psc17", 2, True),
        ("parent_view", "fyraarsgranskningen", 3, False),
        ("family_resources", "fyraarsgranskningen", 3, False),
    ]
    assert list(definition.scales) == ["internalizing", "attention", "externalizing", "total"]
    assert definition.items["psc4"] == shipped("psc17").items["psc4"]


def test_the_stored_text_embeds_the_included_psc17_and_reads_back_the_same():
    definition = shipped("fyraarsgranskningen")
    text = canonical_text(definition)
    assert "definition:" in text and "Fidgety, unable to sit still" in text
    assert parse_text(text, "stored") == definition
