"""``flask programmes validate|import``: what an administrator runs to take a programme into use."""

import shutil
from pathlib import Path

import yaml

from blueprints.programmes.models import ProgrammeImage, ProgrammeVersion

SHIPPED = Path(__file__).resolve().parents[2] / "programmes"


def test_validate_accepts_the_shipped_programmes(runner):
    result = runner.invoke(args=["programmes", "validate", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "everyday_routines version 1 is valid (coached, weeks 4" in result.output


def test_validate_refuses_a_broken_file_naming_the_place(runner, tmp_path):
    folder = tmp_path / "everyday_routines"
    shutil.copytree(SHIPPED / "everyday_routines", folder)
    data = yaml.safe_load((folder / "programme.yaml").read_text(encoding="utf-8"))
    del data["weeks"][0]["title"]["sv"]
    (folder / "programme.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(args=["programmes", "validate", str(folder)])
    assert result.exit_code != 0
    assert "everyday_routines/programme.yaml: weeks[0].title.sv: missing" in result.output


def test_import_stores_a_version_once_and_refuses_changed_content_under_the_same_number(runner, db, tmp_path):
    first = runner.invoke(args=["programmes", "import", str(SHIPPED / "everyday_routines")])
    assert "Imported everyday_routines version 1." in first.output
    again = runner.invoke(args=["programmes", "import", str(SHIPPED / "everyday_routines")])
    assert "already stored with this content" in again.output
    folder = tmp_path / "everyday_routines"
    shutil.copytree(SHIPPED / "everyday_routines", folder)
    # Only an image changes: still a change, so the same version number is refused.
    (folder / "images" / "routine_chart.png").write_bytes((folder / "images" / "special_time.png").read_bytes())
    changed = runner.invoke(args=["programmes", "import", str(folder)])
    assert changed.exit_code != 0 and "Raise `version:` in the file to 2" in changed.output
    assert db.session.query(ProgrammeVersion).count() == 1
    assert db.session.query(ProgrammeImage).count() == 2
