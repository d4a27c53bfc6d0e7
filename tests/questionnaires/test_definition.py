"""Reading and checking definitions: every shipped file is valid, and every mistake is named by
file and path."""

from pathlib import Path

import pytest

import config
from blueprints.questionnaires.definition import DefinitionError, canonical_text, load_file, parse_text
from blueprints.questionnaires.scoring import score_response
from core import definition_files
from tests.support.questionnaires import SHIPPED, TEST_ONLY

HEADER = """
id: {id}
version: 1
title: {{sv: Liten, fi: Pieni, en: Tiny}}
introduction: {{sv: Intro, fi: Johdanto, en: Intro}}
source: Test
licence: Test
attribution: Test
validated: {{sv: false, fi: false, en: {validated_en}}}
respondent: parent
"""
MINIMAL = (
    HEADER.format(id="tiny", validated_en="true")
    + """response_scales:
  - id: yes_no
    options:
      - {code: yes, score: 1, label: {sv: Ja, fi: Kyllä, en: Yes}}
      - {code: no, score: 0, label: {sv: Nej, fi: Ei, en: No}}
sections:
  - id: only
    title: {sv: Sida, fi: Sivu, en: Page}
    items:
      - {id: q1, type: yes_no, response_scale: yes_no, text: {sv: F1, fi: K1, en: Q1}}
      - {id: q2, type: yes_no, response_scale: yes_no, text: {sv: F2, fi: K2, en: Q2}}
"""
)


def errors_of(text: str, name: str = "tiny.yaml") -> list[str]:
    with pytest.raises(DefinitionError) as raised:
        parse_text(text, name)
    return raised.value.errors


@pytest.mark.parametrize(
    "path", sorted(SHIPPED.glob("*.yaml")) + sorted(TEST_ONLY.glob("*.yaml")), ids=lambda p: p.name
)
def test_every_definition_file_is_valid_and_its_stored_text_reads_back_the_same(path: Path):
    definition = load_file(path)
    assert definition.id == path.stem
    assert set(definition.validated) == set(config.LANGUAGES)
    assert parse_text(canonical_text(definition), "stored") == definition


def test_the_languages_are_the_applications():
    assert definition_files.LANGUAGES == config.LANGUAGES


def test_shipped_instruments_name_source_and_licence_and_mark_their_translations():
    for path in SHIPPED.glob("*.yaml"):
        definition = load_file(path)
        assert definition.source and definition.licence and definition.attribution
        # Famnen wrote the Swedish and Finnish texts itself: none of them is a validated translation.
        assert definition.validated["sv"] is False and definition.validated["fi"] is False


def test_sdq_and_epds_are_not_shipped():
    assert not {"sdq.yaml", "epds.yaml"} & {path.name for path in SHIPPED.iterdir()}


def test_a_minimal_definition_reads_and_yes_and_no_stay_codes():
    definition = parse_text(MINIMAL, "tiny.yaml")
    assert definition.items["q1"].response_scale.codes == ("yes", "no")
    assert definition.sections[0].instrument_id == "tiny"


def test_a_missing_label_is_named_by_file_and_path():
    text = MINIMAL.replace("label: {sv: Nej, fi: Ei, en: No}", "label: {sv: Nej, en: No}")
    assert errors_of(text) == ["tiny.yaml: response_scales[0].options[1].label.fi: missing"]


def test_every_error_is_listed_at_once():
    text = (
        MINIMAL.replace("version: 1", "version: 0")
        .replace("respondent: parent", "respondent: child\nauthor: me")
        .replace("{id: q2, type: yes_no,", "{id: q1, type: yes_or_no,")
        .replace("text: {sv: F1, fi: K1, en: Q1}", "text: {sv: F1, fi: '', en: Q1, de: F1}")
    )
    assert errors_of(text) == [
        "tiny.yaml: author: unknown key",
        "tiny.yaml: version: 0 must be a whole number of at least 1",
        "tiny.yaml: sections[0].items[0].text.de: unknown language (use sv, fi and en)",
        "tiny.yaml: sections[0].items[0].text.fi: must be a non-empty text",
        "tiny.yaml: sections[0].items[1].type: 'yes_or_no' must be one of: choice, yes_no, multiple, number, date, "
        "text",
        "tiny.yaml: sections[0].items[1].id: item 'q1' is defined twice",
        "tiny.yaml: respondent: 'child' must be one of: parent, professional",
    ]


def test_yaml_mistakes_are_reported_with_the_line():
    assert errors_of(MINIMAL.replace("version: 1", "version: 1\nversion: 2")) == [
        "tiny.yaml: line 4: duplicate key 'version'"
    ]
    assert errors_of("id: [unclosed")[0].startswith("tiny.yaml: line 1: expected ',' or ']'")
    assert errors_of("- just a list") == ["tiny.yaml: (top level): must be a mapping of keys to values"]


SCALES = """
scales:
  - id: both
    title: {sv: B, fi: B, en: B}
    items: [q1, q2]
    bands:
      - {id: low, level: normal, from: 0, label: {sv: L, fi: L, en: L}}
      - {id: high, level: high, from: 2, label: {sv: H, fi: H, en: H}}
"""


@pytest.mark.parametrize(
    "change, error",
    [
        (("items: [q1, q2]", "items: [q1, q9]"), "scales[0].items[1]: no item 'q9' above this point"),
        (
            ("from: 0, label: {sv: L", "from: 1, label: {sv: L"),
            "scales[0].bands[0].from: the first band must start at or below the lowest score, 0",
        ),
        (("from: 2, label", "from: 3, label"), "scales[0].bands[1].from: is above the highest score, 2"),
        (
            ("from: 2, label", "from: 0, label"),
            "scales[0].bands[1].from: bands must be listed from the lowest score up",
        ),
        (
            ("level: high", "level: severe"),
            "scales[0].bands[1].level: 'severe' must be one of: normal, borderline, high",
        ),
        (
            ("items: [q1, q2]", "items: [q1, q2]\n    blanks: prorate"),
            "scales[0].min_answered: missing (prorating needs the least number of answered items)",
        ),
        (
            ("items: [q1, q2]", "items: [q1, q2]\n    min_answered: 1"),
            "scales[0].min_answered: applies only with blanks: zero or prorate",
        ),
        (
            ("items: [q1, q2]", "items: [q1, q2]\n    blanks: prorate\n    min_answered: 3"),
            "scales[0].min_answered: must be between 1 and 2",
        ),
        (("items: [q1, q2]", "method: sum"), "scales[0]: needs exactly one of: items, scales"),
    ],
)
def test_scale_mistakes(change, error):
    assert errors_of(MINIMAL + SCALES.replace(*change)) == [f"tiny.yaml: {error}"]


@pytest.mark.parametrize(
    "condition, error",
    [
        ("{item: q2, in: [yes]}", "sections[0].items[0].show_if.item: no item 'q2' above this point"),
        ("{item: q1, in: [maybe]}", "sections[0].items[1].show_if.in: ['maybe'] not among 'q1''s options (yes, no)"),
        (
            "{item: q1, in: [yes], answered: true}",
            "sections[0].items[1].show_if: needs exactly one of: in, answered, score_at_least",
        ),
        (
            "{scale: both, at_least: 1}",
            "sections[0].items[1].show_if: scales cannot decide here (only answers and age can)",
        ),
        ("{valid: true}", "sections[0].items[1].show_if: validity is known only for flags and outcomes"),
        (
            "{colour: blue}",
            "sections[0].items[1].show_if: a condition needs one of: item, scale, age_months, valid, all, any, not",
        ),
        ("{any: []}", "sections[0].items[1].show_if.any: must be a list of at least 1 entries"),
    ],
)
def test_condition_mistakes(condition, error):
    target = "{id: q1," if "q2" in condition else "{id: q2,"
    text = MINIMAL.replace(target, f"{{show_if: {condition}, id: {target[5:]}", 1)
    assert errors_of(text) == [f"tiny.yaml: {error}"]


def test_flags_and_outcomes_may_use_scales_validity_and_age():
    text = (
        MINIMAL
        + SCALES
        + """
flags:
  - id: urgent
    when: {item: q1, in: [yes]}
    message: {sv: M, fi: M, en: M}
outcomes:
  - id: offer
    when: {all: [{valid: true}, {scale: both, band_in: [high]}, {not: {age_months: {below: 12}}}]}
    title: {sv: T, fi: T, en: T}
    text_for_parent: {sv: P, fi: P, en: P}
    text_for_professional: {sv: A, fi: A, en: A}
"""
    )
    definition = parse_text(text, "tiny.yaml")
    assert definition.flags[0].item == "q1" and definition.outcomes[0].id == "offer"
    wrong = text.replace("band_in: [high]", "band_in: [top]")
    assert errors_of(wrong) == ["tiny.yaml: outcomes[0].when.all[1].band_in: must list bands of 'both': high, low"]


def test_item_kinds_are_checked():
    text = MINIMAL.replace(
        "      - {id: q2, type: yes_no, response_scale: yes_no, text: {sv: F2, fi: K2, en: Q2}}",
        "      - {id: n, type: number, min: 5, max: 1, reversed: true, text: {sv: N, fi: N, en: N}}\n"
        "      - {id: c, type: choice, text: {sv: C, fi: C, en: C}}\n"
        "      - {id: t, type: text, response_scale: yes_no, text: {sv: T, fi: T, en: T}}",
    )
    assert errors_of(text) == [
        "tiny.yaml: sections[0].items[1].reversed: does not apply to a number item",
        "tiny.yaml: sections[0].items[1].max: must not be less than min",
        "tiny.yaml: sections[0].items[2].response_scale: missing (a choice item needs one)",
        "tiny.yaml: sections[0].items[3].response_scale: does not apply to a text item",
    ]


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


PACKAGE = (
    HEADER.format(id="pack", validated_en="false")
    + """sections:
  - include: tiny
    version: 1
"""
)


def test_a_package_includes_a_file_beside_it(tmp_path):
    write(tmp_path, "tiny.yaml", MINIMAL)
    package = load_file(write(tmp_path, "pack.yaml", PACKAGE))
    assert list(package.items) == ["q1", "q2"] and package.sections[0].validated["en"] is True


@pytest.mark.parametrize(
    "included, package_change, error",
    [
        (None, ("", ""), "pack.yaml: sections[0].include: no file tiny.yaml beside this one"),
        (
            MINIMAL.replace("version: 1", "version: 2"),
            ("", ""),
            "pack.yaml: sections[0].version: tiny.yaml is version 2; check that the package still fits it, then "
            "include that version",
        ),
        (
            MINIMAL.replace("id: tiny", "id: other"),
            ("", ""),
            "pack.yaml: sections[0].include: tiny.yaml has the id 'other'",
        ),
        (MINIMAL.replace("fi: Kyllä, ", ""), ("", ""), "tiny.yaml: response_scales[0].options[0].label.fi: missing"),
        (
            MINIMAL,
            ("    version: 1\n", "    version: 1\n  - include: tiny\n    version: 1\n"),
            "pack.yaml: sections[1].include: item 'q1' is defined twice",
        ),
        (
            MINIMAL.replace("sections:\n", "sections:\n  - include: pack\n    version: 1\n"),
            ("", ""),
            "tiny.yaml: sections[0].include: an included instrument cannot include another",
        ),
    ],
)
def test_package_mistakes(tmp_path, included, package_change, error):
    if included is not None:
        write(tmp_path, "tiny.yaml", included)
    text = PACKAGE.replace(*package_change) if package_change[0] else PACKAGE
    with pytest.raises(DefinitionError) as raised:
        load_file(write(tmp_path, "pack.yaml", text))
    assert error in raised.value.errors


def test_a_comment_or_layout_change_is_not_a_content_change():
    original = parse_text(MINIMAL, "tiny.yaml")
    relaid = parse_text(
        "# a comment\n" + MINIMAL.replace("{sv: Liten, fi: Pieni, en: Tiny}", "\n  sv: Liten\n  fi: Pieni\n  en: Tiny"),
        "tiny.yaml",
    )
    assert canonical_text(relaid) == canonical_text(original)


def test_the_worked_example_in_the_guide_is_valid_and_scores_as_the_guide_says():
    guide = (SHIPPED.parent / "docs" / "instruments.md").read_text(encoding="utf-8")
    example = guide.split("```yaml\n", 1)[1].split("```", 1)[0]
    definition = parse_text(example, "sleep_example.yaml")
    answers = {
        "wakes": "often",
        "falls_asleep_easily": "never",
        "nightmares": None,
        "tired_in_day": "often",
        "snores": "yes",
    }
    result = score_response(definition, answers, 48).summary()
    assert {scale: (values["score"], values["band"]) for scale, values in result["scales"].items()} == {
        "nights": (6, "many"),
        "days": (2, None),
        "total": (8, "many"),
    }
    assert result["valid"] is True
    assert result["flags"] == [{"id": "snoring_and_tired", "item": None}]
    assert result["outcomes"] == ["sleep_advice"]


def test_required_items_and_the_parents_own_result_are_optional_keys():
    plain = parse_text(MINIMAL, "tiny.yaml")
    assert not plain.parent_result and not plain.items["q1"].required
    marked = parse_text(
        MINIMAL.replace("respondent: parent", "respondent: parent\nparent_result: true").replace(
            "{id: q1, type: yes_no,", "{id: q1, required: true, type: yes_no,"
        ),
        "tiny.yaml",
    )
    assert marked.parent_result and marked.items["q1"].required and not marked.items["q2"].required
    assert errors_of(MINIMAL.replace("{id: q1, type: yes_no,", "{id: q1, required: maybe, type: yes_no,")) == [
        "tiny.yaml: sections[0].items[0].required: must be true or false"
    ]
