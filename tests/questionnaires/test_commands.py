"""flask questionnaires validate, import and score, and the stored versions they create."""

import json
import re
import shutil

import pytest
from sqlalchemy import func, select

from blueprints.questionnaires.models import InstrumentVersion
from blueprints.questionnaires.store import load_latest, load_version
from tests.support.questionnaires import SHIPPED, TEST_ONLY, shipped


@pytest.fixture
def psc17_copy(tmp_path):
    """A copy of psc17.yaml that a test may change, renumbered as version 1 for the tests to count up from."""
    copy = tmp_path / "psc17.yaml"
    text = (SHIPPED / "psc17.yaml").read_text(encoding="utf-8")
    copy.write_text(re.sub(r"^version: \d+.*$", "version: 1", text, count=1, flags=re.M), encoding="utf-8")
    return copy


def write_json(tmp_path, data) -> str:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def test_validate_accepts_every_shipped_instrument(runner):
    result = runner.invoke(args=["questionnaires", "validate", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "psc17 version 2 is valid (sections 1, items 17, scales 4, flags 0, outcomes 0)." in result.output
    assert result.output.count("is valid") == len(list(SHIPPED.glob("*.yaml"))) == 5


def test_validate_lists_every_error_with_file_and_path_and_fails(runner, psc17_copy):
    text = psc17_copy.read_text(encoding="utf-8")
    text = text.replace("          fi: Haaveilee liikaa\n", "").replace("    blanks: zero", "    blanks: sometimes", 1)
    psc17_copy.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "validate", str(psc17_copy)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "psc17.yaml: sections[0].items[2].text.fi: missing",
        "psc17.yaml: scales[0].blanks: 'sometimes' must be one of: missing, zero, prorate",
        "Error: 2 errors.",
    ]


def test_import_stores_a_new_version_once(runner, db):
    first = runner.invoke(args=["questionnaires", "import", str(SHIPPED / "psc17.yaml")])
    assert first.exit_code == 0 and first.output == "Imported psc17 version 2.\n"
    again = runner.invoke(args=["questionnaires", "import", str(SHIPPED / "psc17.yaml")])
    assert again.exit_code == 0
    assert again.output == "psc17 version 2 is already stored with this content; nothing imported.\n"
    stored = db.session.scalars(select(InstrumentVersion)).all()
    assert [(row.instrument_id, row.version, len(row.sha256)) for row in stored] == [("psc17", 2, 64)]
    assert stored[0].imported_at.tzinfo is not None
    assert load_version("psc17", 2) == shipped("psc17")


def test_a_changed_file_needs_a_higher_version_and_old_versions_stay(runner, db, psc17_copy):
    assert runner.invoke(args=["questionnaires", "import", str(psc17_copy)]).exit_code == 0
    changed = psc17_copy.read_text(encoding="utf-8").replace("from: 15", "from: 16")
    psc17_copy.write_text(changed, encoding="utf-8")
    refused = runner.invoke(args=["questionnaires", "import", str(psc17_copy)])
    assert refused.exit_code == 1
    assert "psc17 version 1 is already stored with different content" in refused.output
    assert "Raise `version:` in the file to 2." in refused.output

    psc17_copy.write_text(changed.replace("version: 1", "version: 2", 1), encoding="utf-8")
    assert runner.invoke(args=["questionnaires", "import", str(psc17_copy)]).output == "Imported psc17 version 2.\n"
    assert load_version("psc17", 1).scales["total"].band_sets[0].bands[1].start == 15
    assert load_version("psc17", 2).scales["total"].band_sets[0].bands[1].start == 16
    assert load_latest("psc17").version == 2

    psc17_copy.write_text(changed.replace("from: 16", "from: 17"), encoding="utf-8")
    lower = runner.invoke(args=["questionnaires", "import", str(psc17_copy)])
    assert lower.exit_code == 1 and "Raise `version:` in the file to 3." in lower.output
    assert db.session.scalar(select(func.count()).select_from(InstrumentVersion)) == 2


def test_a_version_below_the_latest_is_refused(runner, db, psc17_copy):
    text = psc17_copy.read_text(encoding="utf-8")
    psc17_copy.write_text(text.replace("version: 1", "version: 3", 1), encoding="utf-8")
    assert runner.invoke(args=["questionnaires", "import", str(psc17_copy)]).exit_code == 0
    psc17_copy.write_text(text.replace("version: 1", "version: 2", 1).replace("from: 15", "from: 16"), encoding="utf-8")
    refused = runner.invoke(args=["questionnaires", "import", str(psc17_copy)])
    assert refused.exit_code == 1
    assert (
        "psc17 version 2 is lower than the latest stored version, 3. Give the changed file `version: 4`."
        in refused.output
    )


def test_every_shipped_file_imports_and_loads_back(runner, db):
    result = runner.invoke(args=["questionnaires", "import", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    for path in SHIPPED.glob("*.yaml"):
        version = shipped(path.stem).version
        assert f"Imported {path.stem} version {version}." in result.output
        assert load_version(path.stem, version) == shipped(path.stem)


def test_an_invalid_file_in_a_folder_imports_nothing(runner, db, tmp_path, psc17_copy):
    (tmp_path / "broken.yaml").write_text("id: broken\n", encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "import", str(tmp_path)])
    assert result.exit_code == 1 and "broken.yaml: version: missing" in result.output
    assert db.session.scalar(select(func.count()).select_from(InstrumentVersion)) == 0


def test_loading_a_version_that_was_never_stored_fails_clearly(db):
    with pytest.raises(LookupError, match="psc17 version 7 is not stored"):
        load_version("psc17", 7)
    with pytest.raises(LookupError, match="psc17 has not been imported"):
        load_latest("psc17")


def test_score_prints_one_json_object_in_the_documented_shape(runner, tmp_path):
    answers = write_json(
        tmp_path,
        {"psc4": "often", "psc5": "often", "psc8": "often", "psc10": "sometimes", "burden": "yes", "psc1": None},
    )
    result = runner.invoke(
        args=["questionnaires", "score", str(SHIPPED / "fyraarsgranskningen.yaml"), answers, "--age-months", "48"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == {
        "instrument": "fyraarsgranskningen",
        "version": 3,
        "valid": False,
        "scales": {
            "internalizing": {"score": 0, "missing": False, "band": "negative", "level": "normal"},
            "attention": {"score": 0, "missing": False, "band": "negative", "level": "normal"},
            "externalizing": {"score": 7, "missing": False, "band": "positive", "level": "high"},
            "total": {"score": 7, "missing": False, "band": "negative", "level": "normal"},
        },
        "flags": [],
        "outcomes": [],
    }


def test_score_uses_the_age_and_reports_flags(runner, tmp_path):
    answers = write_json(tmp_path, {f"sdq{n}": "somewhat_true" for n in range(1, 26)})
    older = json.loads(
        runner.invoke(
            args=["questionnaires", "score", str(TEST_ONLY / "sdq.yaml"), answers, "--age-months", "60"]
        ).output
    )
    unknown_age = json.loads(
        runner.invoke(args=["questionnaires", "score", str(TEST_ONLY / "sdq.yaml"), answers]).output
    )
    assert older["scales"]["total_difficulties"] == {"score": 20, "missing": False, "band": "abnormal", "level": "high"}
    assert unknown_age["scales"]["total_difficulties"] == {"score": 20, "missing": False, "band": None, "level": None}
    flagged = write_json(tmp_path, {"phq9": "several_days"})
    result = json.loads(runner.invoke(args=["questionnaires", "score", str(SHIPPED / "phq9.yaml"), flagged]).output)
    assert result["flags"] == [{"id": "self_harm_thoughts", "item": "phq9"}]
    assert result["scales"]["total"]["missing"] is True


def test_score_refuses_unknown_items_and_codes_outside_the_scale(runner, tmp_path):
    answers = write_json(tmp_path, {"psc1": "always", "psc99": "often", "psc2": 2, "psc3": "often"})
    result = runner.invoke(args=["questionnaires", "score", str(SHIPPED / "psc17.yaml"), answers])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "answers.json: psc1: 'always' is not one of its options (never, sometimes, often)",
        "answers.json: psc99: no such item in psc17 version 2",
        "answers.json: psc2: 2 is not one of its options (never, sometimes, often)",
        "Error: 3 errors.",
    ]
    assert result.stdout == ""


@pytest.mark.parametrize(
    "content, error",
    [
        ("{not json", "answers.json: not valid JSON"),
        ('["psc1"]', "answers.json: must be a JSON object mapping item ids to answers"),
        ('{"psc1": NaN}', "answers.json: not valid JSON (NaN is not an answer)"),
    ],
)
def test_score_refuses_answers_that_are_not_a_json_object(runner, tmp_path, content, error):
    result = runner.invoke(args=["questionnaires", "score", str(SHIPPED / "psc17.yaml"), write_json(tmp_path, content)])
    assert result.exit_code == 1 and error in result.output


def test_score_checks_numbers_dates_texts_and_several_choices(runner, tmp_path):
    definition_text = (
        (TEST_ONLY / "epds.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "\nscales:\n",
            "\n      - {id: weeks, type: number, min: 0, max: 52, text: {sv: V, fi: V, en: W}}\n"
            "      - {id: born, type: date, text: {sv: F, fi: S, en: B}}\n"
            "      - {id: note, type: text, max_length: 5, text: {sv: A, fi: H, en: N}}\n"
            "      - {id: pick, type: multiple, response_scale: four, text: {sv: V, fi: V, en: P}}\n"
            "scales:\n",
        )
    )
    path = tmp_path / "epds.yaml"
    path.write_text(definition_text, encoding="utf-8")
    good = write_json(tmp_path, '{"weeks": 2.5, "born": "2026-02-28", "note": "ok", "pick": ["a", "c"], "epds1": "a"}')
    assert runner.invoke(args=["questionnaires", "score", str(path), good]).exit_code == 0
    bad = write_json(
        tmp_path, '{"weeks": 53, "born": "2026-02-30", "note": "too long", "pick": ["a", "a"], "epds2": true}'
    )
    result = runner.invoke(args=["questionnaires", "score", str(path), bad])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:-1] == [
        "answers.json: weeks: 53 is outside 0..52",
        "answers.json: born: '2026-02-30' is not a date written YYYY-MM-DD",
        "answers.json: note: is longer than 5 characters",
        "answers.json: pick: ['a', 'a'] must list each chosen option once, from: a, b, c, d",
        "answers.json: epds2: True is not one of its options (a, b, c, d)",
    ]


def test_an_error_in_an_included_file_is_listed_once(runner, tmp_path):
    for name in ("psc17.yaml", "fyraarsgranskningen.yaml"):
        shutil.copy(SHIPPED / name, tmp_path / name)
    broken = (tmp_path / "psc17.yaml").read_text(encoding="utf-8").replace("          fi: Haaveilee liikaa\n", "")
    (tmp_path / "psc17.yaml").write_text(broken, encoding="utf-8")
    result = runner.invoke(args=["questionnaires", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["psc17.yaml: sections[0].items[2].text.fi: missing", "Error: 1 error."]
