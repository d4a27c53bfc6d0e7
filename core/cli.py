"""Commands for municipal IT: ``flask create-admin``, ``flask seed-demo``, ``flask demo-code``,
``flask send-reminders``; ``backup``, ``restore`` and ``run-jobs`` come from ``blueprints.operations``."""

from __future__ import annotations

import sys

import click
import pyotp
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from sqlalchemy import select

from blueprints.operations.commands import backup_command, purge_command, restore_command, run_jobs_command
from blueprints.questionnaires.commands import questionnaires_group
from core.timeutil import utcnow
from extensions import db


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--name", prompt="Name", help="The administrator's full name.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of asking for it (for scripts).",
)
def create_admin_command(email: str, name: str, password_stdin: bool) -> None:
    """Create an administrator account with EMAIL; they set up their authenticator at first sign-in."""
    from blueprints.auth import accounts
    from blueprints.auth.models import User

    if User.by_email(email):
        raise click.ClickException(f"An account with the email address {email} already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with force_locale("en"):  # the commands speak English throughout
        problems = accounts.password_problems(password, email, name)
    if problems:
        raise click.ClickException(" ".join(problems))
    accounts.create_staff_user(email, name, password, {"admin"})
    db.session.commit()
    click.echo(f"Created administrator {email}. At the first sign-in they set up an authenticator app.")


@click.command("seed-demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Allow seeding in production (never do this with real data).")
@click.option("--first-time-only", is_flag=True, help="Do nothing when the database already has staff accounts.")
def seed_demo_command(force: bool, first_time_only: bool) -> None:
    """Create (or complete) the demo municipality: centres, services, staff and activities. Safe to run again."""
    from blueprints.activities.demo import seed_activities
    from blueprints.auth.demo import seed_staff
    from blueprints.auth.models import User
    from blueprints.booking.demo import seed_booking
    from blueprints.organisation.demo import seed_organisation
    from blueprints.questionnaires.demo import seed_questionnaires

    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException("Refusing to load demo data in production; use --force if you really mean it.")
    if first_time_only and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database already has data; demo data was not loaded again.")
    else:
        created = seed_organisation() + seed_staff()
        db.session.commit()
        created += seed_booking() + seed_questionnaires()
        created += seed_activities()
        click.echo(f"Demo data ready ({created} new records).")
    print_demo_sign_ins()


def print_demo_sign_ins() -> None:
    """Print the demo accounts so a new user can sign in straight away."""
    from blueprints.auth.demo import DEMO_PASSWORD
    from blueprints.auth.models import User

    users = db.session.scalars(select(User).where(User.is_demo).order_by(User.id)).all()
    if not users:
        return
    click.echo("\nDemo sign-ins (password for all: %s):" % DEMO_PASSWORD)
    for user in users:
        click.echo(f"  {user.email:<36} {', '.join(sorted(user.role_names))}")
    click.echo(
        "The first sign-in asks you to set up an authenticator app (scan the QR code).\n"
        "Without a phone, print the current code in another terminal with:\n"
        "  .venv/bin/flask --app app demo-code EMAIL\n"
    )


@click.command("demo-code")
@with_appcontext
@click.argument("email")
def demo_code_command(email: str) -> None:
    """Print the current one-time code of a demo account (demo accounts only)."""
    from blueprints.auth.models import User

    user = User.by_email(email)
    if user is None or not user.is_demo:
        raise click.ClickException("Codes can be printed only for demo accounts.")
    secret = user.totp_secret or user.totp_pending_secret
    if not secret:
        raise click.ClickException("Sign in with the password first; the code step then shows the QR code.")
    click.echo(pyotp.TOTP(secret).now())


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Email families a reminder before their appointment (``flask run-jobs`` does this too).

    Safe to run often and in parallel: each reminder is sent once.
    """
    from blueprints.operations.jobs import send_reminders

    result = send_reminders(utcnow())
    click.echo(result.summary)
    if not result.ok:
        sys.exit(1)


def init_app(app: Flask) -> None:
    """Register the commands with ``flask``."""
    for command in (
        create_admin_command,
        seed_demo_command,
        demo_code_command,
        send_reminders_command,
        backup_command,
        restore_command,
        run_jobs_command,
        purge_command,
    ):
        app.cli.add_command(command)
    app.cli.add_command(questionnaires_group)
