"""One transaction per request: only views, commands and jobs commit or roll back.

Domain functions flush and leave the commit to the outer level, so two of them
can be combined in one transaction and a failure between them leaves nothing
half done. This walks every module under ``blueprints/`` and ``core/`` the way
``tests/platform/test_app.py`` checks every route's access rule, and fails on a
``.commit(`` or ``.rollback(`` anywhere else.

The outer levels:

- views: functions decorated with a blueprint's ``route``/``get``/``post``/…
  (and functions defined inside them);
- request hooks and error handlers: decorated with ``before_app_request``,
  ``errorhandler``, Flask-Login's ``user_loader`` and the like, or registered by
  name with ``app.before_request(f)``, ``app.register_error_handler(e, f)``, …;
- click commands: functions decorated with ``….command(…)``;
- view modules as a whole: a module that creates a ``Blueprint`` is the view layer, so
  a helper shared by its views (the answer page's ``_save``) may commit
  for them; other features never import those helpers;
- modules that are outer levels as a whole: ``commands.py``, ``jobs.py`` (the
  scheduled jobs; the functions they call elsewhere are domain code and only
  flush) and ``demo.py`` (demo seeders, run by the ``flask demo`` command).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WALKED = ("blueprints", "core")
TRANSACTION_ENDS = {"commit", "rollback"}
OUTER_MODULES = {"commands.py", "jobs.py", "demo.py"}
VIEW_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}
HOOK_DECORATORS = {
    "before_request",
    "before_app_request",
    "after_request",
    "after_app_request",
    "teardown_request",
    "teardown_app_request",
    "errorhandler",
    "app_errorhandler",
    "user_loader",
}
HOOK_REGISTRATIONS = HOOK_DECORATORS | {"register_error_handler"}
COMMAND_DECORATORS = {"command"}

# The documented exceptions: (module, function) -> why it may end a transaction itself.
EXCEPTIONS = {
    ("core/database.py", "begin_write"): (
        "commits and restarts the transaction with the SQLite write lock; only commands and jobs call it"
    ),
    ("blueprints/audit/log.py", "refuse"): (
        "a refusal must outlive the request's 403: it rolls the request back, then commits the entry alone"
    ),
    ("blueprints/auth/accounts.py", "begin_attempt"): (
        "a sign-in attempt is committed before the password or code is checked, so the throttle is exact"
    ),
}


def _decorator_name(decorator: ast.expr) -> str | None:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Name):
        return target.id
    return None


def _registered_hooks(tree: ast.Module) -> set[str]:
    """Names passed to ``app.before_request(f)``, ``app.register_error_handler(e, f)`` and the like."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in HOOK_REGISTRATIONS:
            names.update(argument.id for argument in node.args if isinstance(argument, ast.Name))
    return names


def _is_outer_level(function: ast.FunctionDef | ast.AsyncFunctionDef, module: str, hooks: set[str]) -> bool:
    if (module, function.name) in EXCEPTIONS or function.name in hooks:
        return True
    names = {_decorator_name(decorator) for decorator in function.decorator_list}
    return bool(names & (VIEW_DECORATORS | HOOK_DECORATORS | COMMAND_DECORATORS))


def _transaction_ends(tree: ast.AST, module: str, hooks: set[str], allowed: bool = False):
    """Yield (line, function) of every commit or rollback not inside an outer-level function."""
    for node in ast.iter_child_nodes(tree):
        inside = allowed
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside = allowed or _is_outer_level(node, module, hooks)
        elif (
            not allowed
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in TRANSACTION_ENDS
        ):
            yield node.lineno, node.func.attr
        yield from _transaction_ends(node, module, hooks, inside)


def _creates_a_blueprint(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.Call) and _decorator_name(node) == "Blueprint" for node in ast.walk(tree))


def offenders() -> list[str]:
    """Every ``.commit(``/``.rollback(`` outside views, hooks, commands, jobs, demo seeders and the exceptions."""
    found = []
    for folder in WALKED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name in OUTER_MODULES:
                continue
            module = path.relative_to(ROOT).as_posix()
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if _creates_a_blueprint(tree):
                continue
            found += [
                f"{module}:{line} {call}()" for line, call in _transaction_ends(tree, module, _registered_hooks(tree))
            ]
    return found


def test_only_views_commands_and_jobs_end_transactions():
    assert offenders() == []


def test_every_exception_still_ends_a_transaction():
    """An exception that no longer commits is removed from the list, so the list stays short and true."""
    for (module, name), _reason in EXCEPTIONS.items():
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == name]
        assert functions, f"{module} has no {name}()"
        calls = [
            node
            for node in ast.walk(functions[0])
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in TRANSACTION_ENDS
        ]
        assert calls, f"{module}:{name}() no longer ends a transaction; remove it from EXCEPTIONS"


def test_the_walk_finds_a_commit_in_a_domain_function(tmp_path):
    """The check itself: a domain function that commits is found, a view that commits is not."""
    source = (
        "@bp.route('/x', methods=['POST'])\n"
        "def view():\n"
        "    db.session.commit()\n"
        "def domain():\n"
        "    db.session.flush()\n"
        "    db.session.commit()\n"
    )
    tree = ast.parse(source)
    assert list(_transaction_ends(tree, "blueprints/x/things.py", _registered_hooks(tree))) == [(6, "commit")]
    assert not _creates_a_blueprint(tree) and _creates_a_blueprint(ast.parse("bp = Blueprint('x', __name__)"))
