"""Demo staff accounts for ``flask seed-demo``: one or more in each role."""

from __future__ import annotations

import click
from sqlalchemy import select

from extensions import db

from . import accounts
from .models import User

# Shown by `make run`; demo data is refused in production.
DEMO_PASSWORD = "Famnen-demo-2026"

DEMO_STAFF = [
    ("helena.lindqvist@famnen.example", "Helena Lindqvist", {"admin"}),
    ("sara.nystrom@famnen.example", "Sara Nyström", {"professional"}),
    ("mikko.virtanen@famnen.example", "Mikko Virtanen", {"professional"}),
    ("johanna.korhonen@famnen.example", "Johanna Korhonen", {"professional"}),
    ("emil.sjoberg@famnen.example", "Emil Sjöberg", {"professional"}),
    ("liisa.makinen@famnen.example", "Liisa Mäkinen", {"professional", "admin"}),
    ("pia.holmstrom@famnen.example", "Pia Holmström", {"reception"}),
    ("katja.lehtonen@famnen.example", "Katja Lehtonen", {"professional"}),
]


def seed_staff() -> int:
    """Create the demo staff accounts that do not exist yet."""
    created = 0
    for email, name, roles in DEMO_STAFF:
        if User.by_email(email) is None:
            accounts.create_staff_user(email, name, DEMO_PASSWORD, roles, is_demo=True)
            created += 1
    return created


def print_demo_sign_ins() -> None:
    """Print the demo accounts so a new user can sign in straight away."""
    users = db.session.scalars(select(User).where(User.is_demo).order_by(User.id)).all()
    if not users:
        return
    click.echo(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
    for user in users:
        click.echo(f"  {user.email:<36} {', '.join(sorted(user.role_names))}")
    click.echo(
        "The first sign-in asks you to set up an authenticator app (scan the QR code).\n"
        "Without a phone, print the current code in another terminal with:\n"
        "  .venv/bin/flask --app app demo-code EMAIL\n"
    )
