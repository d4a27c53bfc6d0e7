"""``flask seed-demo``: create or complete the demo municipality from each feature's ``demo`` module."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from blueprints.activities.demo import seed_activities
from blueprints.auth.demo import print_demo_sign_ins, seed_staff
from blueprints.auth.models import User
from blueprints.booking.demo import seed_booking
from blueprints.chat.demo import seed_chat
from blueprints.information.demo import seed_information
from blueprints.organisation.demo import seed_organisation
from blueprints.programmes.demo import seed_programmes
from blueprints.questionnaires.demo import seed_questionnaires
from extensions import db


@click.command("seed-demo")
@with_appcontext
@click.option("--force", is_flag=True, help="Allow seeding in production (never do this with real data).")
@click.option("--first-time-only", is_flag=True, help="Do nothing when the database already has staff accounts.")
def seed_demo_command(force: bool, first_time_only: bool) -> None:
    """Create (or complete) the demo municipality: centres, services, staff and activities. Safe to run again."""
    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException("Refusing to load demo data in production; use --force if you really mean it.")
    if first_time_only and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database already has data; demo data was not loaded again.")
    else:
        created = seed_organisation() + seed_staff()
        db.session.commit()
        created += seed_booking() + seed_questionnaires()
        created += seed_activities() + seed_chat()
        created += seed_information() + seed_programmes()
        click.echo(f"Demo data ready ({created} new records).")
    print_demo_sign_ins()


def register_commands(app: Flask) -> None:
    """Add ``flask seed-demo``."""
    app.cli.add_command(seed_demo_command)
