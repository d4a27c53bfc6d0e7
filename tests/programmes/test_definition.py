"""Programme files: the shipped ones are valid, every mistake is named by file and path, and the documented
worked example is a valid programme."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from blueprints.programmes.definition import ProgrammeError, load_folder

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "programmes"
DOCS = ROOT / "docs" / "programmes.md"


def test_shipped_programmes_are_valid_in_three_languages_and_say_whose_they_are():
    folders = sorted(path.parent for path in SHIPPED.glob("*/programme.yaml"))
    assert [folder.name for folder in folders] == ["calm_evenings", "everyday_routines"]
    for folder in folders:
        programme = load_folder(folder)
        assert programme.source["fi"] and programme.licence["sv"]
        assert programme.images, "each shipped programme shows at least one image"
    coached = load_folder(SHIPPED / "everyday_routines")
    assert coached.coached and len(coached.weeks) == 4 and coached.follow_up.instrument == "psc17"
    assert not load_folder(SHIPPED / "calm_evenings").coached


def _broken(tmp_path, change) -> list[str]:
    folder = tmp_path / "everyday_routines"
    shutil.copytree(SHIPPED / "everyday_routines", folder)
    data = yaml.safe_load((folder / "programme.yaml").read_text(encoding="utf-8"))
    change(data, folder)
    (folder / "programme.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ProgrammeError) as refused:
        load_folder(folder)
    return refused.value.errors


def test_a_missing_translation_is_named_by_its_place(tmp_path):
    errors = _broken(tmp_path, lambda data, _f: data["weeks"][1]["blocks"][0]["text"].pop("fi"))
    assert "everyday_routines/programme.yaml: weeks[1].blocks[0].text.fi: missing" in errors


def test_every_problem_is_listed_at_once(tmp_path):
    def change(data, folder):
        data["weeks"][0]["blocks"].append({"html": "<script>alert(1)</script>"})
        data["weeks"][0]["blocks"].append({"video": {"url": "javascript:alert(1)", "title": data["title"]}})
        data["weeks"][2]["blocks"].append({"text": {"sv": "[x](javascript:alert(1))", "fi": "a", "en": "a"}})
        data["weeks"][3]["blocks"].append({"image": {"file": "../../etc/passwd.png", "alt": data["title"]}})
        (folder / "images" / "fake.png").write_bytes(b"GIF89a not a png")
        data["weeks"][3]["blocks"].append({"image": {"file": "images/fake.png", "alt": data["title"]}})
        first_exercise = next(b for b in data["weeks"][0]["blocks"] if "exercise" in b)
        data["weeks"][1]["blocks"].append({"exercise": dict(first_exercise["exercise"])})

    errors = _broken(tmp_path, change)
    text = "\n".join(errors)
    assert "weeks[0].blocks[7].html: unknown block kind" in text
    assert "weeks[0].blocks[8].video.url: 'javascript:alert(1)' must be an https:// address" in text
    assert re.search(r"weeks\[2\]\.blocks\[\d+\]\.text\.sv: link .* is not allowed", text)
    assert "must be a path inside the programme's folder" in text
    assert "'images/fake.png' is not a PNG image" in text
    assert re.search(r"weeks\[1\]\.blocks\[\d+\]\.exercise\.id: exercise or checklist '\w+' is defined twice", text)


def test_yaml_syntax_errors_name_the_line(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "programme.yaml").write_text("id: broken\nweeks: [\n", encoding="utf-8")
    with pytest.raises(ProgrammeError) as refused:
        load_folder(folder)
    assert refused.value.errors[0].startswith("broken/programme.yaml: line ")


def test_the_worked_example_in_the_docs_is_a_valid_programme(tmp_path):
    """docs/programmes.md shows a whole small programme; it must read as it says."""
    example = re.search(r"```yaml\n(# worked example.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)
    folder = tmp_path / "first_steps"
    (folder / "images").mkdir(parents=True)
    shutil.copy(SHIPPED / "everyday_routines" / "images" / "routine_chart.png", folder / "images" / "chart.png")
    (folder / "programme.yaml").write_text(example, encoding="utf-8")
    programme = load_folder(folder)
    assert programme.id == "first_steps" and len(programme.weeks) == 2
    assert [block.kind for block in programme.weeks[0].blocks] == [
        "text",
        "image",
        "video",
        "exercise",
        "checklist",
        "task",
    ]


def test_odd_files_are_refused_with_a_message_not_a_traceback(tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "programme.yaml").write_text("id: odd\n? [a, b]\n: value\n", encoding="utf-8")
    with pytest.raises(ProgrammeError) as listed_key:
        load_folder(folder)
    assert "a key must be a plain word" in listed_key.value.errors[0]
    (folder / "programme.yaml").write_bytes("id: åäö\n".encode("latin-1"))
    with pytest.raises(ProgrammeError) as latin:
        load_folder(folder)
    assert latin.value.errors == ["odd/programme.yaml: (file): not UTF-8 text (byte 4); save it as UTF-8"]


def test_ids_longer_than_their_columns_are_refused(tmp_path):
    long_id = "x" * 81
    errors = _broken(
        tmp_path,
        lambda data, _f: next(b for b in data["weeks"][0]["blocks"] if "exercise" in b)["exercise"].update(id=long_id),
    )
    assert any("at most 80 characters" in error for error in errors)
