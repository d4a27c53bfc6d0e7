"""``flask backup``, ``restore``, ``run-jobs``, ``purge``, ``send-reminders`` and ``sms-test``: the commands municipal
IT runs.

They speak English, print what they did in a line or two for the journal, and
exit non-zero when something went wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from core import sms
from core.timeutil import utcnow
from extensions import db

from .backup import BackupError, backup, describe, restore
from .health import ALEMBIC_TABLE, MIGRATIONS_CURRENT, MIGRATIONS_PENDING, migration_state
from .jobs import job_names, purge_old_data, run_jobs, send_reminders


def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1_000_000:.1f} MB" if size_bytes >= 100_000 else f"{size_bytes / 1000:.1f} kB"


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the database to PATH while Famnen keeps running.

    PATH is a new file, or a folder in which a time-stamped file is made
    (famnen-20261122T031500Z.sqlite3 or .pgdump). The copy holds personal data:
    it is readable by its owner only; keep it as carefully as the database.
    """
    try:
        report = backup(db.engine, path, utcnow())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"Backed up the {report.kind} database {describe(db.engine)} to {report.path} "
        f"({_size(report.size_bytes)}, revision {report.revision or 'none'}, {report.seconds:.1f} s)."
    )


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore a backup made by ``flask backup`` into this installation's EMPTY database.

    Stop Famnen (and its timers) first. A database that holds any data is
    refused, so a restore never overwrites anything.
    """
    try:
        report = restore(db.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    tables = {name: count for name, count in report.rows.items() if name != ALEMBIC_TABLE}
    click.echo(
        f"Restored {path} into the {report.kind} database {describe(db.engine)}: {len(tables)} tables, "
        f"{sum(tables.values())} rows, revision {report.revision or 'none'} ({report.seconds:.1f} s)."
    )
    state = migration_state(set(report.revision.split(", ")) if report.revision else set())
    if state == MIGRATIONS_PENDING:
        click.echo("The backup is older than this version of Famnen: run `flask db upgrade` before starting it.")
    elif state != MIGRATIONS_CURRENT:
        click.echo("The backup comes from a newer version of Famnen: install that version (or a newer one) first.")


@click.command("run-jobs")
@with_appcontext
@click.option(
    "--only", "names", multiple=True, type=click.Choice(job_names()), help="Run only this job (may be repeated)."
)
def run_jobs_command(names: tuple[str, ...]) -> None:
    """Run the scheduled jobs once (a systemd timer runs this every ten minutes).

    Every job is safe to run again and on several servers at once. One line per
    job is printed; the exit status is non-zero when any job failed.
    """
    results = run_jobs(utcnow(), list(names))
    for job, result in results:
        click.echo(f"{job.name}: {result.summary}")
    if not all(result.ok for _, result in results):
        sys.exit(1)


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Email families a reminder before their appointment (``flask run-jobs`` does this too).

    Safe to run often and in parallel: each reminder is sent once.
    """
    result = send_reminders(utcnow())
    click.echo(result.summary)
    if not result.ok:
        sys.exit(1)


@click.command("purge")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def purge_command(dry_run: bool) -> None:
    """Delete personal data past its retention period (settings RETENTION_* and QUESTIONNAIRE_RETENTION_MONTHS).

    Also run every ten minutes by `flask run-jobs`. Prints how many of each kind were deleted.
    """
    from .retention import purge

    if dry_run:
        click.echo("Would delete: " + purge(utcnow(), dry_run=True).line())
    else:
        click.echo(purge_old_data(utcnow()).summary)


# Nothing about a family: the test goes to a number municipal IT chose.
SMS_TEST_TEXT = "Famnen: this is a test message. Text messages from the family centre work."


@click.command("sms-test")
@with_appcontext
@click.argument("recipient")
def sms_test_command(recipient: str) -> None:
    """Send a test text message to RECIPIENT (a mobile number such as +358401234567) to check the SMS settings.

    Prints what the gateway made of it (attempts, its message id or its error)
    and exits non-zero when the message could not be sent. The attempt is
    recorded like every text message, with the purpose "test".
    """
    if not sms.sms_enabled():
        raise click.ClickException(
            'SMS_BACKEND is "disabled": set FAMNEN_SMS_BACKEND=http and the SMS_HTTP_* settings first.'
        )
    try:
        record = sms.send_sms(recipient, SMS_TEST_TEXT, "test")
    except sms.SmsRefused as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if record.status == sms.SENT:
        where = (
            f"written to {current_app.config['SMS_OUTBOX_DIR']}"
            if record.backend == "outbox"
            else "accepted by the gateway"
        )
        reference = f", id {record.gateway_id}" if record.gateway_id else ""
        click.echo(f"Test message to {recipient} {where} after {record.attempts} attempt(s){reference}.")
        return
    click.echo(f"Test message to {recipient} failed after {record.attempts} attempt(s): {record.error}", err=True)
    sys.exit(1)


def register_commands(app: Flask) -> None:
    """Add the operations commands to ``flask`` at the top level (``flask backup``, not ``flask operations backup``)."""
    for command in (
        backup_command,
        restore_command,
        run_jobs_command,
        purge_command,
        send_reminders_command,
        sms_test_command,
    ):
        app.cli.add_command(command)
