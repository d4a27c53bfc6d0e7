"""Test helpers: a browser-like test client, small factories and a sign-in helper."""

from __future__ import annotations

import contextvars
import re
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from flask import has_app_context
from flask.testing import FlaskClient

from blueprints.auth import accounts
from blueprints.auth.models import User
from core.timeutil import to_local, utcnow
from extensions import db

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
STRONG_PASSWORD = "Vinbär och lakrits 77"


class FamnenClient(FlaskClient):
    """A test client that checks the markup of every HTML response and helps with CSRF tokens."""

    html_checker = None

    def open(self, *args, **kwargs):
        # Run each request outside the test's own application context (the ``db``
        # fixture), as in production: otherwise the request would reuse that
        # context, sharing ``g`` and a database session whose transaction stays
        # open after the request.
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            # End the test's read transaction so its next query sees what the request wrote.
            db.session.rollback()
        if self.html_checker is not None and response.mimetype == "text/html" and response.data:
            errors = self.html_checker.errors(response.get_data(as_text=True))
            assert not errors, f"Invalid HTML from {response.request.path}:\n" + "\n".join(errors)
        return response

    def csrf_token(self, path: str = "/") -> str:
        """Read a CSRF token from a page, as a browser's form would carry it."""
        page = self.get(path, follow_redirects=True).get_data(as_text=True)
        match = CSRF_PATTERN.search(page)
        assert match, f"no CSRF token on {path}"
        return match.group(1) or match.group(2)

    def submit(self, path: str, data: dict | None = None, token_from: str = "/", **kwargs):
        """POST a form with a valid CSRF token, like a browser submitting it."""
        form = dict(data or {})
        form.setdefault("csrf_token", self.csrf_token(token_from))
        return self.post(path, data=form, **kwargs)


@dataclass
class StaffLogin:
    """A staff account made for a test, with what is needed to sign in."""

    id: int
    email: str
    password: str
    secret: str | None


def make_staff(
    roles: set[str] | None = None,
    email: str = "nurse@famnen.example",
    name: str = "Nora Nurse",
    password: str = STRONG_PASSWORD,
    enrolled: bool = True,
    active: bool = True,
) -> StaffLogin:
    """Create a staff member (inside an app context) whose authenticator is set up unless told otherwise."""
    user = accounts.create_staff_user(email, name, password, roles or {"professional"})
    user.active = active
    secret = accounts.new_totp_secret() if enrolled else None
    user.totp_secret = secret
    db.session.commit()
    return StaffLogin(user.id, user.email, password, secret)


def next_code(app, login: StaffLogin) -> str:
    """A valid one-time code that has not been used yet (the next step when the current one was)."""
    with app.app_context():
        user = db.session.get(User, login.id)
        secret = user.totp_secret or user.totp_pending_secret
        last_step = user.totp_last_step
    step = int(utcnow().timestamp()) // accounts.TOTP_STEP_SECONDS
    if last_step is not None and last_step >= step:
        step = last_step + 1
    return pyotp.TOTP(secret).at(step * accounts.TOTP_STEP_SECONDS)


def sign_in(client, app, login: StaffLogin, follow_redirects: bool = True):
    """Sign in through the real pages: password first, then the one-time code."""
    response = client.submit(
        "/staff/sign-in", {"email": login.email, "password": login.password}, token_from="/staff/sign-in"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    code_path = response.headers["Location"]
    return client.submit(
        code_path, {"code": next_code(app, login)}, token_from=code_path, follow_redirects=follow_redirects
    )


def next_week(path: str) -> str:
    """``path`` asking for next week's free times.

    This week's first free time can pass its minimum notice between loading a page
    and booking it; next week's times are all hours away whenever the test runs.
    """
    today = to_local(utcnow()).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    separator = "&" if "?" in path else "?"
    return f"{path}{separator}week={monday.isoformat()}"


def tables_read_by(app, client, path: str) -> set[str]:
    """The tables the SQL statements behind ``GET path`` read from (for the cache's completeness tests)."""
    from sqlalchemy import event

    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return {name.strip('"') for sql in statements for name in re.findall(r'(?:FROM|JOIN)\s+("?\w+"?)', sql)}
