"""``flask programmes validate|import``: what municipal staff use to check and take a programme into use.

Every command speaks English and exits non-zero with every error listed when something is
wrong. Importing these commands also loads the models, so the app (and Alembic) knows the tables.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from core.commands import fail, import_each

from . import models  # noqa: F401 - the tables, for Alembic
from .definition import DEFINITION_FILE, Programme, ProgrammeError, load_folder
from .store import import_programme


@click.group("programmes")
def programmes_group() -> None:
    """Check and import programme definitions (folders such as programmes/everyday_routines)."""


def load_programmes(path: Path) -> list[Programme]:
    """The programme in PATH (a folder with programme.yaml, or the file itself), or every programme folder under
    PATH; fails listing the errors of all of them."""
    if path.is_file():
        path = path.parent
    folders = (
        [path] if (path / DEFINITION_FILE).exists() else sorted(p.parent for p in path.glob(f"*/{DEFINITION_FILE}"))
    )
    if not folders:
        fail([f"{path}: no {DEFINITION_FILE} here or in its folders"])
    programmes, errors = [], []
    for folder in folders:
        try:
            programmes.append(load_folder(folder))
        except ProgrammeError as problem:
            errors.extend(problem.errors)
        except OSError as problem:
            errors.append(f"{folder.name}/{DEFINITION_FILE}: cannot be read ({problem.strerror})")
    if errors:
        fail(errors)
    return programmes


@programmes_group.command("validate")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path) -> None:
    """Check PATH (a programme folder, or a folder of them) and list every error."""
    for programme in load_programmes(path):
        exercises = sum(len(week.answerable_blocks) for week in programme.weeks)
        kind = "coached" if programme.coached else "open course"
        click.echo(
            f"{programme.id} version {programme.version} is valid ({kind}, "
            f"weeks {len(programme.weeks)}, exercises and checklists {exercises}, images {len(programme.images)})."
        )


@programmes_group.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@with_appcontext
def import_command(path: Path) -> None:
    """Store PATH (a programme folder, or a folder of them) as a new version when its content changed."""
    import_each(load_programmes(path), import_programme)


def register_commands(app: Flask) -> None:
    """Add ``flask programmes …``."""
    app.cli.add_command(programmes_group)
