"""Sign-in holds under simultaneous requests to gunicorn's workers: one code gives one session, and the throttle is
exact.
"""

import pytest
from sqlalchemy import func, select

from blueprints.auth.models import LoginAttempt, StaffSession
from tests.support.helpers import make_staff, next_code
from tests.support.live import Browser, GunicornServer, at_once

WRONG_CODE = "Koden är inte rätt eller har redan använts."
THROTTLED = "För många misslyckade inloggningsförsök."
WRONG_PASSWORD = "E-postadressen eller lösenordet är inte rätt."
ATTEMPTS = 30


@pytest.fixture
def sign_in_server(database_url, tmp_path, db):  # the test's accounts exist before the workers start
    running = GunicornServer(database_url, tmp_path / "outbox", workers=4)
    yield running
    running.stop()


@pytest.fixture
def login(db):
    return make_staff(name="Sara Nyström")


def count(db, model, *conditions) -> int:
    db.session.rollback()  # see what the server's workers committed
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


@pytest.mark.parametrize("submissions", [2, 8])
def test_one_code_sent_several_times_at_once_gives_one_session(login, sign_in_server, app, db, submissions):
    browsers = [Browser(sign_in_server.url) for _ in range(submissions)]
    for browser in browsers:
        fields = {"email": login.email, "password": login.password, "csrf_token": browser.token("/staff/sign-in")}
        assert browser.post("/staff/sign-in", fields)[0] == 302
    tokens = [browser.token("/staff/sign-in/code") for browser in browsers]
    code = next_code(app, login)

    results = at_once(
        submissions,
        lambda index: browsers[index].post("/staff/sign-in/code", {"code": code, "csrf_token": tokens[index]}),
    )

    assert sorted(status for status, _ in results) == [302] + [422] * (submissions - 1)
    assert all(WRONG_CODE in body for status, body in results if status == 422)
    assert count(db, StaffSession, StaffSession.user_id == login.id) == 1
    winner = next(browser for browser, (status, _) in zip(browsers, results, strict=True) if status == 302)
    assert "Välkommen, Sara Nyström" in winner.get("/staff/")[1]
    assert all(
        browser.get("/staff/")[0] == 302
        for browser, (status, _) in zip(browsers, results, strict=True)
        if status == 422
    )


@pytest.mark.parametrize("who", ["one account", "unknown addresses"])
def test_thirty_wrong_passwords_at_once_get_exactly_ten_checks(login, sign_in_server, app, db, who):
    """The account throttle, and the address throttle that also covers addresses with no account."""
    emails = [login.email if who == "one account" else f"guess{index}@famnen.example" for index in range(ATTEMPTS)]
    browsers = [Browser(sign_in_server.url) for _ in range(ATTEMPTS)]
    tokens = [browser.token("/staff/sign-in") for browser in browsers]

    results = at_once(
        ATTEMPTS,
        lambda index: browsers[index].post(
            "/staff/sign-in", {"email": emails[index], "password": "not the password", "csrf_token": tokens[index]}
        ),
    )

    limit = app.config["LOGIN_MAX_FAILURES"]
    assert sorted(status for status, _ in results) == [422] * limit + [429] * (ATTEMPTS - limit)
    assert all(WRONG_PASSWORD in body for status, body in results if status == 422)
    assert all(THROTTLED in body for status, body in results if status == 429)
    assert count(db, LoginAttempt) == limit  # a refused attempt checks no password
    # Even the right password now waits, with the same answer.
    late = Browser(sign_in_server.url)
    status, body = late.post(
        "/staff/sign-in", {"email": login.email, "password": login.password, "csrf_token": late.token("/staff/sign-in")}
    )
    assert status == 429 and THROTTLED in body
