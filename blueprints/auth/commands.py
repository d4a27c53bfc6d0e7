"""``flask create-admin`` and ``flask demo-code``: the staff-account commands municipal IT uses.

They speak English and exit non-zero with the reason when something is wrong.
"""

from __future__ import annotations

import sys

import click
import pyotp
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import force_locale

from extensions import db

from . import accounts
from .models import User


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


@click.command("demo-code")
@with_appcontext
@click.argument("email")
def demo_code_command(email: str) -> None:
    """Print the current one-time code of a demo account (demo accounts only)."""
    user = User.by_email(email)
    if user is None or not user.is_demo:
        raise click.ClickException("Codes can be printed only for demo accounts.")
    secret = user.totp_secret or user.totp_pending_secret
    if not secret:
        raise click.ClickException("Sign in with the password first; the code step then shows the QR code.")
    click.echo(pyotp.TOTP(secret).now())


def register_commands(app: Flask) -> None:
    """Add the account commands to ``flask`` at the top level (``flask create-admin``, not ``flask auth …``)."""
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_code_command)
