"""Features meet through models and domain modules, never through each other's views or forms.

A module in ``blueprints/<A>/`` may import another feature's ``models`` and its
plain domain modules (``blueprints/booking/availability.py``, …). It may not import

- another feature's view modules: ``routes``, ``staff``, ``admin``, and any other
  module that creates a ``Blueprint``;
- another feature's ``forms`` (or ``…_forms``): a field or validator two features need lives in ``core``;
- any name starting with ``_``, whether imported (``from ..booking.x import _helper``),
  a module (``..booking._x``) or reached as an attribute (``finder._centres_of``).

What several features need moves to ``core/``, which imports no blueprint
(``tests/test_app.py`` checks that). Like ``tests/test_transactions.py`` this reads
the source with ``ast`` and imports nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FEATURES = ROOT / "blueprints"
# View modules by name, whether or not the feature has one yet; modules creating a Blueprint are added.
VIEW_MODULE_NAMES = {"routes", "staff", "admin"}
FORBIDDEN_MODULE_NAMES = VIEW_MODULE_NAMES | {"forms"}


def _creates_a_blueprint(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if target == "Blueprint":
                return True
    return False


def _dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def feature_modules() -> set[str]:
    """Dotted names of every module under ``blueprints/``."""
    return {_dotted(path) for path in FEATURES.rglob("*.py")}


def view_modules() -> set[str]:
    """Dotted names of every module under ``blueprints/`` that creates a Blueprint."""
    return {
        _dotted(path)
        for path in FEATURES.rglob("*.py")
        if _creates_a_blueprint(ast.parse(path.read_text(encoding="utf-8")))
    }


def _package_of(module: str) -> list[str]:
    """``blueprints/activities/forms.py`` -> ``["blueprints", "activities"]``, the package a relative import starts
    from.
    """
    return module.removesuffix(".py").split("/")[:-1]


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The dotted module an ``ImportFrom`` reads from, relative levels resolved against ``module``'s package."""
    if not node.level:
        return node.module or ""
    package = _package_of(module)
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _feature(dotted: str) -> str | None:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "blueprints" else None


def _refusal(dotted: str, views: set[str]) -> str | None:
    """Why another feature's module ``dotted`` may not be imported, or None when it may."""
    parts = dotted.split(".")[2:]
    if any(part.startswith("_") and part != "__init__" for part in parts):
        return "a private module"
    if parts and (parts[-1] == "forms" or parts[-1].endswith("_forms")):
        return "its forms"
    if parts and parts[-1] in VIEW_MODULE_NAMES:
        return "a view module"
    if dotted in views:
        return "a view module"
    return None


def violations(source: str, module: str, views: set[str] | None = None, modules: set[str] | None = None) -> list[str]:
    """Every import in ``source`` (the file ``module``, e.g. ``blueprints/activities/forms.py``) that breaks the rule.

    ``views`` are the dotted names of modules that create a Blueprint (the
    names ``routes``, ``staff`` and ``admin`` count as views in any case);
    ``modules`` are every module's, to tell ``from ..booking import finder``
    (a module) from ``from ..booking.finder import Week`` (a name).
    """
    views = view_modules() if views is None else views
    modules = feature_modules() if modules is None else modules
    own = _feature(".".join(_package_of(module)))
    tree = ast.parse(source)
    found: list[str] = []
    other_modules: dict[str, str] = {}  # a local name bound to another feature's module -> its dotted name

    def check(line: int, dotted: str, name: str | None = None) -> None:
        feature = _feature(dotted)
        if feature is None or feature == own:
            return
        reason = _refusal(dotted, views)
        shown = f"{dotted}.{name}" if name else dotted
        if reason is None and name and name.startswith("_"):
            reason = "a private name"
        if reason:
            found.append(f"{module}:{line} imports {shown} ({reason} of {feature})")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                check(node.lineno, alias.name)
                if alias.asname and _feature(alias.name) not in (None, own):
                    other_modules[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            source_module = _absolute(module, node)
            for alias in node.names:
                submodule = f"{source_module}.{alias.name}"
                if submodule in modules or alias.name in FORBIDDEN_MODULE_NAMES:
                    # ``from ..booking import routes``: the name is a module of the other feature.
                    check(node.lineno, submodule)
                    if _feature(submodule) not in (None, own):
                        other_modules[alias.asname or alias.name] = submodule
                else:
                    check(node.lineno, source_module, alias.name)
    for node in ast.walk(tree):
        # ``finder._centres_of(...)``: a private name reached through another feature's module.
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and isinstance(node.value, ast.Name)
            and node.value.id in other_modules
        ):
            found.append(f"{module}:{node.lineno} uses {other_modules[node.value.id]}.{node.attr} (a private name)")
    return found


def test_no_feature_imports_another_features_views_forms_or_private_names():
    views, modules = view_modules(), feature_modules()
    found = []
    for path in sorted(FEATURES.rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        found += violations(path.read_text(encoding="utf-8"), module, views, modules)
    assert found == []


def test_the_check_finds_planted_violations():
    """The checker itself: each kind of forbidden import is found, the allowed ones are not."""
    source = (
        "from ..booking.routes import details_page\n"
        "from ..booking import staff\n"
        "from ..booking.forms import phone_number\n"
        "from ..booking.admin_forms import CentreForm\n"
        "from ..booking.setup import _tidy\n"
        "from blueprints.admin import routes as admin_routes\n"
        "import blueprints.booking.agenda\n"
        "from ..booking import finder\n"
        "finder._centres_of(None)\n"
        "from ..booking.models import Appointment\n"
        "from ..booking import availability\n"
        "from .forms import ActivityForm\n"
        "from .staff import _activity_page\n"
        "from core.forms import DayField\n"
    )
    modules = {"blueprints.booking.finder", "blueprints.booking.availability", "blueprints.booking.agenda"}
    found = violations(source, "blueprints/activities/things.py", views={"blueprints.booking.agenda"}, modules=modules)
    assert [line.split(" ", 1)[0] for line in found] == [
        f"blueprints/activities/things.py:{line}" for line in (1, 2, 3, 4, 5, 6, 7, 9)
    ]
    assert "a view module of booking" in found[0] and "a view module of booking" in found[1]
    assert "its forms of booking" in found[2] and "its forms of booking" in found[3]
    assert "a private name" in found[4] and "_centres_of" in found[7]


def test_a_feature_package_itself_is_checked_from_its_init():
    """``__init__.py`` belongs to its own feature: its relative imports resolve inside the package."""
    assert violations("from .routes import bp\n", "blueprints/booking/__init__.py", views=set(), modules=set()) == []
    assert violations(
        "from ..booking.routes import bp\n", "blueprints/activities/__init__.py", views=set(), modules=set()
    )
