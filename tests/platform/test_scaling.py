"""More than one app server: they share the database and the secret key, and keep nothing of their own.

Two app instances stand for two servers behind nginx: each has its own instance
folder, both use the same database. Under ``make test-postgres`` that database
is PostgreSQL, as it must be for several servers.
"""

from __future__ import annotations

import pytest
from flask import Flask

from app import create_app
from tests.support.booking import book
from tests.support.config import unavailable
from tests.support.helpers import FamnenClient, make_staff, sign_in

SESSION_COOKIE = "famnen_session"


@pytest.fixture
def make_server(app_config, tmp_path, monkeypatch, html_checker):
    """Start "app servers" on the test's database, each with an instance folder of its own."""
    if html_checker is None:
        unavailable("The Nu Html Checker needs Java and `npm ci` (vnu-jar); run `make test`.")
    started: list[Flask] = []

    def start(name: str, **settings) -> Flask:
        folder = tmp_path / f"instance-{name}"
        monkeypatch.setattr(Flask, "auto_find_instance_path", lambda self: str(folder))
        # Email through SMTP, as production requires; nothing listens, so sending fails fast.
        server = create_app(
            {**app_config, "MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": 9, **settings}
        )
        server.test_client_class = FamnenClient
        server.instance_folder = folder
        started.append(server)
        return server

    yield start
    for server in started:
        with server.app_context():
            from extensions import db

            db.session.remove()
            db.engine.dispose()


def client_of(server: Flask, html_checker) -> FamnenClient:
    client = server.test_client()
    client.html_checker = html_checker
    return client


def carry_cookie(source: FamnenClient, target: FamnenClient) -> None:
    """What a browser does when nginx sends its next request to another server."""
    target.set_cookie(SESSION_COOKIE, source.get_cookie(SESSION_COOKIE).value)


def test_a_staff_session_started_on_one_server_continues_on_another(db, make_server, html_checker):
    first, second = make_server("a"), make_server("b")
    login = make_staff({"admin"})
    browser_on_first = client_of(first, html_checker)
    sign_in(browser_on_first, first, login)

    browser_on_second = client_of(second, html_checker)
    carry_cookie(browser_on_first, browser_on_second)
    assert browser_on_second.get("/admin/").status_code == 200

    # A form opened on one server is accepted by the other (the CSRF token is signed with the shared key).
    token = browser_on_first.csrf_token("/admin/staff/new")
    response = browser_on_second.post("/staff/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    # Signing out on the second server ends the session on the first one too: it lives in the database.
    assert browser_on_first.get("/admin/").headers["Location"].startswith("/staff/sign-in")


def test_a_familys_link_made_on_one_server_opens_on_every_server_with_the_same_key(
    db, world, make_server, html_checker
):
    first, second = make_server("a"), make_server("b")
    booked = book(client_of(first, html_checker), world)
    assert booked.status_code == 302
    manage_path = booked.headers["Location"]
    assert client_of(second, html_checker).get(manage_path).status_code == 200

    # A server with another secret key cannot open it: every server needs the same key.
    stranger = make_server("c", SECRET_KEY="another-secret-key-that-is-long-enough-987654321")
    assert client_of(stranger, html_checker).get(manage_path).status_code == 404


def test_app_servers_write_nothing_of_their_own(db, world, make_server, html_checker):
    servers = [make_server("a"), make_server("b")]
    login = make_staff({"admin", "professional"})
    for server in servers:
        browser = client_of(server, html_checker)
        sign_in(browser, server, login)
        assert browser.get("/staff/agenda").status_code == 200
        assert book(browser, world).status_code == 302
    for server in servers:
        written = list(server.instance_folder.rglob("*")) if server.instance_folder.exists() else []
        assert written == [], f"an app server wrote {written}"
