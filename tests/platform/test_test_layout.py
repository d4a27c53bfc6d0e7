"""The tests have a fixed shape, so a newcomer finds a feature's tests and what they build on.

- Every test module sits in a folder named for a feature (a package under ``blueprints/``),
  in ``tests/platform/`` (what every feature relies on) or in ``tests/browser/``; never flat
  in ``tests/`` and never in ``tests/support/``.
- No module under ``tests/`` imports a test module or a ``conftest.py``: scenario builders,
  factories and helpers that several modules use live in ``tests/support/``, fixtures in the
  nearest ``conftest.py`` that covers every module using them.
- Each fixture name is defined once, so which ``world`` or ``server`` a test gets never
  depends on the folder it sits in.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
SHARED_FOLDERS = {"platform", "browser"}
SUPPORT = "support"


def _python_files(tests: Path) -> list[Path]:
    return sorted(path for path in tests.rglob("*.py") if "__pycache__" not in path.parts)


def _is_test_module(path: Path) -> bool:
    return path.name.startswith("test_")


def _module_name(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts)


def _imported_modules(tree: ast.Module, module: str) -> list[tuple[int, str]]:
    """Every module an ``import`` names, with its line; ``from a import b`` yields ``a`` and ``a.b``."""
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def misplaced_test_modules(tests: Path, features: set[str]) -> list[str]:
    """Test modules outside a feature's folder, ``tests/platform/`` or ``tests/browser/``."""
    allowed = features | SHARED_FOLDERS
    return [
        str(path.relative_to(tests.parent))
        for path in _python_files(tests)
        if _is_test_module(path)
        and (len(path.relative_to(tests).parts) < 2 or path.relative_to(tests).parts[0] not in allowed)
    ]


def imports_of_test_modules(tests: Path) -> list[str]:
    """``file:line imports module`` for every import of a test module or a conftest under ``tests``."""
    root = tests.parent
    offenders = []
    for path in _python_files(tests):
        module = _module_name(path, root)
        for line, imported in _imported_modules(ast.parse(path.read_text(encoding="utf-8")), module):
            last = imported.rsplit(".", 1)[-1]
            if imported.startswith(f"{tests.name}.") and (last.startswith("test_") or last == "conftest"):
                offenders.append(f"{path.relative_to(root)}:{line} imports {imported}")
    return offenders


def _fixture_name(function: ast.FunctionDef) -> str | None:
    """The name a function is known by as a fixture, or None when it is not one."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name != "fixture":
            continue
        if isinstance(decorator, ast.Call):
            for keyword in decorator.keywords:
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    return keyword.value.value
        return function.name
    return None


def fixtures_defined_twice(tests: Path) -> dict[str, list[str]]:
    """Fixture names defined in more than one place, with where."""
    places = defaultdict(list)
    for path in _python_files(tests):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (name := _fixture_name(node)):
                places[name].append(f"{path.relative_to(tests.parent)}:{node.lineno}")
    return {name: where for name, where in places.items() if len(where) > 1}


def features() -> set[str]:
    """The features: the packages under ``blueprints/``."""
    return {path.parent.name for path in (ROOT / "blueprints").glob("*/__init__.py")}


def test_every_test_module_sits_in_a_feature_platform_or_browser_folder():
    assert misplaced_test_modules(TESTS, features()) == []


def test_every_test_folder_is_a_feature_platform_browser_or_support():
    folders = {path.name for path in TESTS.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert folders - features() - SHARED_FOLDERS - {SUPPORT} == set()


def test_no_module_under_tests_imports_a_test_module_or_a_conftest():
    assert imports_of_test_modules(TESTS) == []


def test_each_fixture_name_is_defined_once():
    assert fixtures_defined_twice(TESTS) == {}


def test_the_checks_find_a_flat_module_a_cross_import_and_a_fixture_defined_twice(tmp_path):
    """The checks themselves, on a planted tests/ folder: each rule finds its offender and nothing else."""
    tests = tmp_path / "tests"
    for folder in ("booking", "reports", "support", "misc"):
        (tests / folder).mkdir(parents=True)
    (tests / "conftest.py").write_text("import pytest\n\n@pytest.fixture\ndef world(db):\n    return 1\n")
    (tests / "test_flat.py").write_text("def test_x():\n    pass\n")
    (tests / "misc" / "test_elsewhere.py").write_text("def test_y():\n    pass\n")
    (tests / "support" / "booking.py").write_text("def book():\n    pass\n")
    (tests / "booking" / "test_pages.py").write_text(
        "import pytest\nfrom tests.support.booking import book\n\n@pytest.fixture(name='world')\ndef "
        "other_world():\n    return 2\n"
    )
    (tests / "reports" / "test_reports.py").write_text(
        "from tests.booking.test_pages import book\nfrom tests.booking import test_pages\nfrom ..booking import "
        "test_pages as pages\n"
        "from tests.conftest import world\n"
    )
    assert misplaced_test_modules(tests, {"booking", "reports"}) == [
        "tests/misc/test_elsewhere.py",
        "tests/test_flat.py",
    ]
    assert imports_of_test_modules(tests) == [
        "tests/reports/test_reports.py:1 imports tests.booking.test_pages",
        "tests/reports/test_reports.py:2 imports tests.booking.test_pages",
        "tests/reports/test_reports.py:3 imports tests.booking.test_pages",
        "tests/reports/test_reports.py:4 imports tests.conftest",
    ]
    assert fixtures_defined_twice(tests) == {"world": ["tests/booking/test_pages.py:5", "tests/conftest.py:4"]}
