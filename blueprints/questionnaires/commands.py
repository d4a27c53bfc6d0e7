"""``flask questionnaires validate|import|score``: what municipal staff use to take an instrument into use.

Every command speaks English and exits non-zero with every error listed when
something is wrong. Importing these commands also loads the models, so the
app (and Alembic's comparison of models and migrations) knows the tables.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import NoReturn

import click
from flask import Flask
from flask.cli import with_appcontext

from core.commands import fail, import_each

from .definition import Definition, DefinitionError, load_file
from .scoring import AnswerError, score_response
from .store import import_definition


@click.group("questionnaires")
def questionnaires_group() -> None:
    """Check, import and try out questionnaire definitions (YAML files such as instruments/psc17.yaml)."""


def _load_definitions(path: Path) -> list[Definition]:
    """Read one definition file, or every .yaml file in a folder; fail listing the errors of all of them."""
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        fail([f"{path}: no .yaml files in this folder"])
    definitions, errors = [], []
    for file in files:
        try:
            definitions.append(load_file(file))
        except DefinitionError as problem:
            errors.extend(problem.errors)
        except OSError as problem:
            errors.append(f"{file.name}: cannot be read ({problem.strerror})")
    if errors:
        # A package repeats the errors of a file it includes; list each once.
        fail(list(dict.fromkeys(errors)))
    return definitions


@questionnaires_group.command("validate")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def validate_command(path: Path) -> None:
    """Check PATH (a definition file, or a folder of them) and list every error."""
    for definition in _load_definitions(path):
        click.echo(
            f"{definition.id} version {definition.version} is valid (sections {len(definition.sections)}, "
            f"items {len(definition.items)}, scales {len(definition.scales)}, flags {len(definition.flags)}, "
            f"outcomes {len(definition.outcomes)})."
        )


@questionnaires_group.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@with_appcontext
def import_command(path: Path) -> None:
    """Store PATH (a definition file, or a folder of them) as a new version when its content changed."""
    import_each(_load_definitions(path), import_definition)


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not an answer")


@questionnaires_group.command("score")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("answers_file", metavar="ANSWERS.json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--age-months", type=click.IntRange(min=0), help="The child's age in months, for age-specific bands.")
def score_command(path: Path, answers_file: Path, age_months: int | None) -> None:
    """Score the answers in ANSWERS.json with the definition in PATH and print the result as JSON.

    ANSWERS.json maps item ids to answers as they are stored: option codes, a list of
    codes for several choices, numbers, texts or YYYY-MM-DD dates. A missing or null
    item is blank.
    """
    [definition] = _load_definitions(path)
    try:
        # Decimals keep 2.5 exact; NaN and Infinity are not answers.
        answers = json.loads(
            answers_file.read_text(encoding="utf-8"), parse_float=Decimal, parse_constant=_refuse_constant
        )
    except (ValueError, UnicodeDecodeError) as problem:
        fail([f"{answers_file.name}: not valid JSON ({problem})"])
    if not isinstance(answers, dict):
        fail([f"{answers_file.name}: must be a JSON object mapping item ids to answers"])
    try:
        result = score_response(definition, answers, age_months)
    except AnswerError as problem:
        fail([f"{answers_file.name}: {error}" for error in problem.errors])
    click.echo(json.dumps(result.summary(), ensure_ascii=False))


def register_commands(app: Flask) -> None:
    """Add ``flask questionnaires …``."""
    app.cli.add_command(questionnaires_group)
