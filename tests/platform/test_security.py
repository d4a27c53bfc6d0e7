"""The security baseline: headers, CSRF, request size and error pages."""

import pytest
from flask import abort

from core.access import declared_access
from tests.support.helpers import make_staff, sign_in


def test_every_response_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_over_https(client):
    response = client.get("/", base_url="https://famnen.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_post_without_csrf_token_is_refused(client, db):
    login = make_staff()
    response = client.post("/staff/sign-in", data={"email": login.email, "password": login.password})
    assert response.status_code == 400
    assert "säkerhetskontrollen misslyckades" in response.get_data(as_text=True)


def test_an_htmx_post_may_send_the_token_as_a_header(client, db):
    login = make_staff()
    token = client.csrf_token("/staff/sign-in")
    response = client.post(
        "/staff/sign-in",
        data={"email": login.email, "password": login.password},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 302


def test_a_wrong_csrf_token_is_refused(client, db):
    response = client.post("/staff/sign-in", data={"email": "a@b.fi", "password": "x", "csrf_token": "forged"})
    assert response.status_code == 400


def test_csrf_error_is_translated(client):
    client.get("/language/fi")
    response = client.post("/staff/sign-in", data={})
    assert "turvatarkistus epäonnistui" in response.get_data(as_text=True)


def test_oversized_requests_are_refused(client):
    response = client.post("/staff/sign-in", data={"email": "x" * (1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "För mycket data" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "english", "swedish", "finnish"),
    [
        (400, "could not be handled", "kunde inte behandlas", "ei voitu käsitellä"),
        (403, "No access", "Ingen åtkomst", "Ei käyttöoikeutta"),
        (404, "Page not found", "Sidan hittades inte", "Sivua ei löytynyt"),
        (405, "Not possible here", "Inte möjligt här", "Ei mahdollista tässä"),
        (413, "Too much data", "För mycket data", "Liikaa tietoa"),
        (429, "Too many attempts", "För många försök", "Liian monta yritystä"),
        (500, "Something went wrong", "Något gick fel", "Jokin meni vikaan"),
    ],
)
def test_error_pages_are_translated(app, client, status, english, swedish, finnish):
    @app.route(f"/test-error-{status}")
    def failing():
        abort(status)

    failing.famnen_access = "public"
    for language, expected in (("en", english), ("sv", swedish), ("fi", finnish)):
        client.get(f"/language/{language}")
        response = client.get(f"/test-error-{status}")
        assert response.status_code == status
        assert expected in response.get_data(as_text=True)


def test_an_unexpected_error_shows_no_stack_trace(app, client):
    @app.route("/test-crash")
    def crash():
        raise RuntimeError("secret internals")

    crash.famnen_access = "public"
    response = client.get("/test-crash")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body
    assert "Något gick fel" in body


def test_error_for_an_htmx_request_goes_to_the_main_area(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#main"
    assert "<html" not in response.get_data(as_text=True)


def test_wrong_method_gives_405(client):
    assert client.get("/staff/sign-out").status_code == 405


def test_every_route_declares_who_may_use_it(app):
    """The guard fails closed; this makes sure no route is closed by accident either."""
    with app.test_request_context():
        undeclared = [
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and declared_access(rule.endpoint) is None
        ]
    assert undeclared == []


def test_an_undeclared_view_is_refused_to_everyone(app, client, db):
    @app.route("/test-undeclared")
    def undeclared():
        return "secret"

    assert client.get("/test-undeclared").status_code == 403
    login = make_staff({"admin"})
    sign_in(client, app, login)
    assert client.get("/test-undeclared").status_code == 403


def test_session_cookie_is_httponly_and_samesite_lax(client, db):
    login = make_staff()
    response = client.submit(
        "/staff/sign-in", {"email": login.email, "password": login.password}, token_from="/staff/sign-in"
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
