"""The commands municipal IT uses: create-admin, seed-demo and demo-code."""

import pyotp
from sqlalchemy import func, select

from blueprints.auth.models import User
from blueprints.organisation.models import Centre, Service
from tests.support.helpers import make_staff


def test_create_admin_reads_the_password_from_stdin(runner, db):
    result = runner.invoke(
        args=["create-admin", "it@famnen.example", "--name", "Ivar IT", "--password-stdin"],
        input="Vinbär och lakrits 77\n",
    )
    assert result.exit_code == 0, result.output
    user = User.by_email("it@famnen.example")
    assert user.role_names == {"admin"} and user.totp_secret is None and user.name == "Ivar IT"


def test_create_admin_refuses_a_weak_password_and_a_duplicate(runner, db):
    result = runner.invoke(
        args=["create-admin", "it@famnen.example", "--name", "Ivar", "--password-stdin"], input="password\n"
    )
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    make_staff(email="taken@famnen.example")
    result = runner.invoke(
        args=["create-admin", "taken@famnen.example", "--name", "X", "--password-stdin"],
        input="Vinbär och lakrits 77\n",
    )
    assert result.exit_code != 0 and "already exists" in result.output


def test_seed_demo_is_idempotent(runner, db):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "helena.lindqvist@famnen.example" in first.output
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (User, Centre, Service)]
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert [db.session.scalar(select(func.count()).select_from(model)) for model in (User, Centre, Service)] == counts
    assert counts == [8, 2, 6]
    names = {centre.name_sv: centre.name_fi for centre in db.session.scalars(select(Centre))}
    assert names["Familjecentret Konstfabriken"] == "Perhekeskus Taidetehdas"
    roles = set().union(*(user.role_names for user in db.session.scalars(select(User))))
    assert roles == {"admin", "professional", "reception"}


def test_seed_demo_first_time_only_leaves_an_existing_database_alone(runner, db):
    make_staff()
    result = runner.invoke(args=["seed-demo", "--first-time-only"])
    assert result.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Centre)) == 0


def test_seed_demo_refuses_production(app_config, tmp_path):
    from app import create_app
    from tests.support.config import PRODUCTION_CONFIG

    app = create_app({**PRODUCTION_CONFIG, "DATABASE_URL": app_config["DATABASE_URL"]})
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output


def test_demo_code_prints_the_current_code_for_demo_accounts_only(runner, db):
    runner.invoke(args=["seed-demo"])
    user = User.by_email("sara.nystrom@famnen.example")
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    result = runner.invoke(args=["demo-code", "sara.nystrom@famnen.example"])
    assert result.output.strip() == pyotp.TOTP(user.totp_secret).now()
    make_staff(email="real@famnen.example")
    refused = runner.invoke(args=["demo-code", "real@famnen.example"])
    assert refused.exit_code != 0
