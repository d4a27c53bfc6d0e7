"""What the definition commands (``flask questionnaires …``, ``flask programmes …``) share: failing with every
error listed, and importing a batch of checked definitions one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NoReturn, TypeVar

import click

from core.database import begin_write
from core.definition_files import ImportRefused, ImportReport
from extensions import db

Checked = TypeVar("Checked")


def fail(errors: list[str]) -> NoReturn:
    """Print every error on its own line and end with a non-zero exit."""
    for error in errors:
        click.echo(error, err=True)
    raise click.ClickException(f"{len(errors)} error{'s' if len(errors) != 1 else ''}.")


def import_each(definitions: Iterable[Checked], store: Callable[[Checked], ImportReport]) -> None:
    """Store each definition as a new version, each in its own write transaction, saying what happened; at the
    end fail listing every refusal (the others are stored)."""
    refusals = []
    for definition in definitions:
        begin_write(db.session)
        try:
            report = store(definition)
        except ImportRefused as refused:
            db.session.rollback()
            refusals.append(str(refused))
            continue
        db.session.commit()
        if report.created:
            click.echo(f"Imported {report.id} version {report.version}.")
        else:
            click.echo(f"{report.id} version {report.version} is already stored with this content; nothing imported.")
    if refusals:
        fail(refusals)
