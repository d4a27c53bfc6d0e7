"""Shared fixtures in the flaskr style: ``app``, ``client``, ``db`` and ``runner``.

Every test gets a clean, migrated database: a copy of a SQLite file migrated
once per run, or - when ``FAMNEN_TEST_DATABASE_URL`` points at PostgreSQL
(``make test-postgres``) - the same database emptied after each test.

Every HTML page the test client receives is checked with the Nu Html Checker.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from extensions import db as _db
from tests.support.config import BASE_CONFIG, POSTGRES_URL, unavailable
from tests.support.helpers import FamnenClient
from tests.support.html_checker import HtmlChecker


def _empty_postgres(connection) -> None:
    tables = [
        row[0]
        for row in connection.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename != 'alembic_version'"
            )
        )
    ]
    if tables:
        connection.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> str:
    """Apply the Alembic migrations once and return what each test starts from."""
    if POSTGRES_URL:
        app = create_app({**BASE_CONFIG, "DATABASE_URL": POSTGRES_URL})
        with app.app_context():
            with _db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
            upgrade()
            _db.engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "famnen.db"
    app = create_app({**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{path}"})
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return str(path)


@pytest.fixture
def database_url(migrated_database, tmp_path) -> str:
    """A clean database for one test."""
    if POSTGRES_URL:
        return POSTGRES_URL
    copy = tmp_path / "famnen.db"
    shutil.copyfile(migrated_database, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def app_config(database_url, tmp_path, request) -> dict:
    """The configuration of the test's app; tests may change it before ``app`` is built,
    or give settings through indirect parametrisation (``parametrize("app_config", [{...}], indirect=True)``)."""
    return {
        **BASE_CONFIG,
        "DATABASE_URL": database_url,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "SMS_OUTBOX_DIR": str(tmp_path / "sms-outbox"),
        **getattr(request, "param", {}),
    }


@pytest.fixture
def app(app_config):
    """The application, bound to a clean database."""
    application = create_app(app_config)
    application.test_client_class = FamnenClient
    yield application
    with application.app_context():
        _db.session.remove()
        if POSTGRES_URL:
            with _db.engine.begin() as connection:
                _empty_postgres(connection)
        _db.engine.dispose()


@pytest.fixture
def other_app(app_config):
    """A second app on the test's database, with its own engine: another worker process or app server."""
    application = create_app(app_config)
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, inside an application context."""
    with app.app_context():
        yield _db
        _db.session.remove()


@pytest.fixture(scope="session")
def html_checker():
    """The Nu Html Checker, running once as a local HTTP service."""
    jar = Path(__file__).resolve().parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.exists() or not shutil.which("java"):
        yield None
        return
    checker = HtmlChecker(jar)
    yield checker
    checker.stop()


@pytest.fixture
def client(app, html_checker):
    """A test client that sends CSRF tokens like a browser and checks every HTML page it gets."""
    if html_checker is None:
        unavailable("The Nu Html Checker needs Java and `npm ci` (vnu-jar); run `make test`.")
    test_client = app.test_client()
    test_client.html_checker = html_checker
    return test_client


@pytest.fixture
def runner(app):
    """A runner for the app's ``flask`` commands."""
    return app.test_cli_runner()


class Mailbox:
    """Messages received by the local SMTP server, parsed."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        """The messages sent to ``address``, oldest first."""
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def mailbox(app):
    """A real SMTP server (aiosmtpd) on a free loopback port; the app sends its email there."""
    from aiosmtpd.controller import Controller

    from tests.support.servers import SAFETY_LIMIT, free_port

    handler = Mailbox()
    # The server runs in a thread, not a process, so a generous limit stands in for watching it.
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=SAFETY_LIMIT)
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    yield handler
    controller.stop()


@pytest.fixture
def gateway():
    """The local SMS gateway (tests/support/sms_gateway.py), running for one test."""
    from tests.support.sms_gateway import SmsGateway

    server = SmsGateway().start()
    yield server
    server.stop()


@pytest.fixture
def http(app, gateway):
    """The app sends text messages to the local gateway as a form, without authentication."""
    app.config.update(SMS_BACKEND="http", SMS_HTTP_URL=gateway.url, SMS_HTTP_TIMEOUT=30)
    return gateway


@pytest.fixture
def world(db):
    """Booking open around the clock every day, so tests do not depend on the time they run."""
    from datetime import time

    from blueprints.auth.models import User
    from tests.support.factories import BookingWorld, make_centre, make_professional, make_service

    centre = make_centre()
    login = make_professional(centre, weekdays=range(7), start=time(0), end=time(23, 45))
    service = make_service([db.session.get(User, login.id)], cancellation_deadline_hours=0, min_notice_hours=1)
    return BookingWorld(centre.id, service.id, login, service.slug)


@pytest.fixture
def family_centre(db, world):
    """The booking world plus the shipped instruments, a nurse's child case and the coach service of the offer."""
    from datetime import date, time

    from blueprints.auth.models import User
    from blueprints.organisation.models import Centre
    from blueprints.questionnaires import invitations
    from blueprints.questionnaires.demo import import_shipped_instruments
    from tests.support.factories import make_professional, make_service

    import_shipped_instruments()
    centre = db.session.get(Centre, world.centre_id)
    coach = make_professional(
        centre, email="katja@famnen.example", name="Katja Lehtonen", weekdays=range(7), start=time(0), end=time(23, 45)
    )
    make_service(
        [db.session.get(User, coach.id)],
        slug="coachsamtal",
        name_sv="Första samtalet med coachen",
        name_fi="Ensimmäinen valmentajapuhelu",
        reserved=True,
        offered_for_outcome="parent_training_offer",
        in_person=False,
        by_phone=True,
        duration_minutes=30,
        min_notice_hours=1,
        cancellation_deadline_hours=0,
    )
    nurse = db.session.get(User, world.professional.id)
    child = invitations.open_case("Elsa", date(2022, 9, 15), nurse)
    db.session.commit()
    return {"world": world, "nurse": world.professional, "coach": coach, "child_id": child.id}


@pytest.fixture
def nurse_client(app, client, family_centre):
    """The test client, signed in as the ``family_centre`` nurse."""
    from tests.support.helpers import sign_in

    sign_in(client, app, family_centre["nurse"])
    return client


@pytest.fixture
def database_revision(db):
    """Set the database's Alembic revision for a test; put back afterwards (PostgreSQL keeps it between tests)."""

    def set_revision(revision: str | None) -> None:
        db.session.execute(text("DELETE FROM alembic_version"))
        if revision:
            db.session.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:revision)"), {"revision": revision}
            )
        db.session.commit()

    [current] = db.session.scalars(text("SELECT version_num FROM alembic_version")).all()
    yield set_revision
    set_revision(current)


@pytest.fixture
def older_revision(database_revision):
    """The database at the revision before the newest."""
    database_revision("0002_booking")
