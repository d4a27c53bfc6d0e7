"""Staff sign-in with password and one-time code, sessions, throttling and roles."""

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select, update

from blueprints.auth import accounts
from blueprints.auth.models import LoginAttempt, StaffSession, User
from core.timeutil import utcnow
from tests.support.helpers import STRONG_PASSWORD, make_staff, next_code, sign_in


def password_step(client, email, password, **kwargs):
    return client.submit(
        "/staff/sign-in", {"email": email, "password": password}, token_from="/staff/sign-in", **kwargs
    )


def test_sign_in_with_password_and_code_reaches_the_start_page(app, client, db):
    login = make_staff(name="Sara Nyström")
    response = sign_in(client, app, login)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Välkommen, Sara Nyström" in body
    assert "Du är inloggad." in body


def test_password_alone_does_not_sign_in(app, client, db):
    login = make_staff()
    response = password_step(client, login.email, login.password)
    assert response.headers["Location"] == "/staff/sign-in/code"
    assert client.get("/staff/").status_code == 302


def test_email_is_matched_without_regard_to_case(app, client, db):
    login = make_staff(email="sara@famnen.example")
    response = password_step(client, "  SARA@Famnen.example ", login.password)
    assert response.status_code == 302


def test_a_wrong_password_gets_a_clear_message_and_keeps_the_email(app, client, db):
    login = make_staff()
    response = password_step(client, login.email, "wrong password here")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "E-postadressen eller lösenordet är inte rätt." in body
    assert f'value="{login.email}"' in body


def test_unknown_email_gets_the_same_message(app, client, db):
    response = password_step(client, "nobody@famnen.example", "whatever password")
    assert response.status_code == 422
    assert "E-postadressen eller lösenordet är inte rätt." in response.get_data(as_text=True)


def test_empty_fields_are_listed_in_an_error_summary(client):
    response = client.submit("/staff/sign-in", {"email": "", "password": ""}, token_from="/staff/sign-in")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#email"' in body and "Skriv din e-postadress." in body
    assert 'href="#password"' in body and "Skriv ditt lösenord." in body
    assert "<title>Fel:" in body


def test_a_closed_account_cannot_sign_in(app, client, db):
    login = make_staff(active=False)
    assert password_step(client, login.email, login.password).status_code == 422


def test_first_sign_in_sets_up_the_authenticator_with_a_qr_code(app, client, db):
    login = make_staff(enrolled=False)
    response = password_step(client, login.email, login.password)
    assert response.headers["Location"] == "/staff/sign-in/authenticator"
    page = client.get("/staff/sign-in/authenticator").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    pending = db.session.get(User, login.id).totp_pending_secret
    assert accounts.grouped_secret(pending) in page
    # A reload shows the same secret, so a scanned code keeps working.
    assert accounts.grouped_secret(pending) in client.get("/staff/sign-in/authenticator").get_data(as_text=True)

    code = pyotp.TOTP(pending).now()
    response = client.submit("/staff/sign-in/authenticator", {"code": code}, token_from="/staff/sign-in/authenticator")
    assert response.headers["Location"] == "/staff/"
    db.session.expire_all()
    user = db.session.get(User, login.id)
    assert user.totp_secret == pending and user.totp_pending_secret is None


def test_a_wrong_code_is_refused(app, client, db):
    login = make_staff()
    password_step(client, login.email, login.password)
    response = client.submit("/staff/sign-in/code", {"code": "000000"}, token_from="/staff/sign-in/code")
    assert response.status_code == 422
    assert "Koden är inte rätt eller har redan använts" in response.get_data(as_text=True)


def test_a_malformed_code_gets_a_format_message(app, client, db):
    login = make_staff()
    password_step(client, login.email, login.password)
    response = client.submit("/staff/sign-in/code", {"code": "12ab"}, token_from="/staff/sign-in/code")
    assert "Koden har sex siffror" in response.get_data(as_text=True)


def test_a_code_is_accepted_only_once(app, client, db):
    login = make_staff()
    code = next_code(app, login)
    password_step(client, login.email, login.password)
    first = client.submit("/staff/sign-in/code", {"code": code}, token_from="/staff/sign-in/code")
    assert first.headers["Location"] == "/staff/"

    other = app.test_client()
    other.html_checker = client.html_checker
    password_step(other, login.email, login.password)
    reused = other.submit("/staff/sign-in/code", {"code": code}, token_from="/staff/sign-in/code")
    assert reused.status_code == 422
    assert other.get("/staff/").status_code == 302


def test_codes_from_the_neighbouring_time_steps_are_accepted_for_clock_drift(db):
    login = make_staff()
    user = db.session.get(User, login.id)
    now = utcnow()
    earlier = pyotp.TOTP(login.secret).at(now - timedelta(seconds=30))
    assert accounts.accept_totp(user, login.secret, earlier, now)
    too_old = pyotp.TOTP(login.secret).at(now - timedelta(seconds=90))
    user.totp_last_step = None
    assert not accounts.accept_totp(user, login.secret, too_old, now)


def test_the_code_step_expires_after_a_few_minutes(app, client, db, monkeypatch):
    login = make_staff()
    password_step(client, login.email, login.password)
    import blueprints.auth.routes as routes

    real_time = routes.time.time
    monkeypatch.setattr(routes.time, "time", lambda: real_time() + accounts.PENDING_SIGN_IN_SECONDS + 1)
    response = client.get("/staff/sign-in/code", follow_redirects=True)
    assert "Inloggningen tog för lång tid" in response.get_data(as_text=True)


def test_ten_failures_make_the_account_wait_even_with_the_right_password(app, client, db):
    login = make_staff()
    for _ in range(10):
        assert password_step(client, login.email, "not the password").status_code == 422
    response = password_step(client, login.email, login.password)
    assert response.status_code == 429
    assert "För många misslyckade inloggningsförsök. Vänta 15 minuter" in response.get_data(as_text=True)


def test_ten_failures_from_one_address_make_it_wait(app, client, db):
    login = make_staff()
    for number in range(10):
        password_step(client, f"guess{number}@famnen.example", "not the password")
    assert password_step(client, login.email, login.password).status_code == 429
    # Another address may still sign in to the same account.
    elsewhere = password_step(client, login.email, login.password, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 302


def test_the_wait_ends_when_old_failures_leave_the_window(app, db):
    login = make_staff()
    now = utcnow()
    for minutes_ago in range(20, 10, -1):  # ten failures, 20 to 11 minutes ago
        db.session.add(
            LoginAttempt(
                email=login.email, ip_address="1.2.3.4", succeeded=False, at=now - timedelta(minutes=minutes_ago)
            )
        )
    db.session.commit()
    with app.test_request_context():
        wait = accounts.throttle_wait(login.email, "5.6.7.8", now)
    # Only the four failures 14..11 minutes ago are inside the 15-minute window: no wait.
    assert wait is None
    db.session.add(
        LoginAttempt(email=login.email, ip_address="1.2.3.4", succeeded=False, at=now - timedelta(minutes=14))
    )
    for _ in range(6):
        db.session.add(
            LoginAttempt(email=login.email, ip_address="1.2.3.4", succeeded=False, at=now - timedelta(minutes=1))
        )
    db.session.commit()
    with app.test_request_context():
        wait = accounts.throttle_wait(login.email, "5.6.7.8", now)
    # Eleven failures in the window: the wait ends when the two from 14 minutes ago leave it.
    assert wait == timedelta(minutes=1)


def test_failed_codes_count_towards_throttling(app, client, db):
    login = make_staff()
    password_step(client, login.email, login.password)
    for _ in range(10):
        client.submit("/staff/sign-in/code", {"code": "000000"}, token_from="/staff/sign-in/code")
    response = client.submit("/staff/sign-in/code", {"code": next_code(app, login)}, token_from="/staff/sign-in/code")
    assert response.status_code == 429


def test_signing_out_kills_the_old_cookie(app, client, db):
    login = make_staff()
    sign_in(client, app, login)
    stolen_cookie = client.get_cookie("famnen_session").value
    response = client.submit("/staff/sign-out", token_from="/staff/", follow_redirects=True)
    assert "Du har loggat ut." in response.get_data(as_text=True)

    attacker = app.test_client()
    attacker.set_cookie("famnen_session", stolen_cookie)
    assert attacker.get("/staff/").status_code == 302


def test_changing_the_password_ends_other_sessions_and_the_old_cookie(app, client, db):
    login = make_staff()
    sign_in(client, app, login)
    other_device = app.test_client()
    other_device.html_checker = client.html_checker
    sign_in(other_device, app, login)
    old_cookie = client.get_cookie("famnen_session").value

    response = client.submit(
        "/staff/account/password",
        {
            "current_password": login.password,
            "new_password": "Blåbär och hallon 88",
            "confirm_password": "Blåbär och hallon 88",
        },
        token_from="/staff/account/password",
        follow_redirects=True,
    )
    assert "Ditt lösenord har bytts." in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 200  # this browser stays signed in
    assert other_device.get("/staff/").status_code == 302
    stale = app.test_client()
    stale.set_cookie("famnen_session", old_cookie)
    assert stale.get("/staff/").status_code == 302


def test_password_change_checks_the_rules(app, client, db):
    login = make_staff()
    sign_in(client, app, login)
    response = client.submit(
        "/staff/account/password",
        {"current_password": login.password, "new_password": "Salasana2026!", "confirm_password": "Salasana2026!"},
        token_from="/staff/account/password",
    )
    assert response.status_code == 422
    assert "Lösenordet är för vanligt" in response.get_data(as_text=True)
    response = client.submit(
        "/staff/account/password",
        {
            "current_password": "wrong",
            "new_password": "Blåbär och hallon 88",
            "confirm_password": "Blåbär och hallon 88",
        },
        token_from="/staff/account/password",
    )
    assert "Det nuvarande lösenordet är inte rätt." in response.get_data(as_text=True)


def test_an_idle_session_expires_with_an_explanation(app, client, db):
    login = make_staff()
    sign_in(client, app, login)
    db.session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=31)))
    db.session.commit()
    response = client.get("/staff/", follow_redirects=True)
    assert "Du loggades ut eftersom du inte var aktiv" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StaffSession).where(StaffSession.ended_at.is_(None))) == 0


def test_activity_keeps_the_session_alive(app, client, db):
    login = make_staff()
    sign_in(client, app, login)
    db.session.execute(update(StaffSession).values(last_seen_at=utcnow() - timedelta(minutes=29)))
    db.session.commit()
    response = client.submit("/staff/session/keep-alive", token_from="/staff/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    db.session.expire_all()
    last_seen = db.session.scalar(select(StaffSession.last_seen_at))
    assert utcnow() - last_seen < timedelta(minutes=1)


def test_the_staff_pages_carry_the_idle_warning(app, client, db):
    sign_in(client, app, make_staff())
    page = client.get("/staff/").get_data(as_text=True)
    assert 'data-idle-seconds="1800"' in page
    assert 'id="idle-dialog"' in page and "Fortsätt vara inloggad" in page


def test_a_deactivated_user_is_signed_out_at_once(app, client, db):
    login = make_staff()
    sign_in(client, app, login)
    accounts.set_active(db.session.get(User, login.id), False)
    db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_next_is_followed_only_for_local_paths(app, client, db):
    login = make_staff({"admin"})
    client.get("/admin/staff")  # remembered as the page to return to
    response = client.submit(
        "/staff/sign-in?next=/admin/staff",
        {"email": login.email, "password": login.password},
        token_from="/staff/sign-in",
    )
    response = client.submit(
        response.headers["Location"], {"code": next_code(app, login)}, token_from="/staff/sign-in/code"
    )
    assert response.headers["Location"] == "/admin/staff"

    evil = app.test_client()
    evil.html_checker = client.html_checker
    response = evil.submit(
        "/staff/sign-in?next=https://evil.example/",
        {"email": login.email, "password": login.password},
        token_from="/staff/sign-in",
    )
    response = evil.submit(
        response.headers["Location"], {"code": next_code(app, login)}, token_from="/staff/sign-in/code"
    )
    assert response.headers["Location"] == "/staff/"


@pytest.mark.parametrize(
    ("roles", "admin_pages"),
    [({"professional"}, 403), ({"reception"}, 403), ({"admin"}, 200)],
)
def test_each_role_reaches_only_its_pages(app, client, db, roles, admin_pages):
    sign_in(client, app, make_staff(roles))
    assert client.get("/staff/").status_code == 200
    assert client.get("/admin/staff").status_code == admin_pages


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/staff")
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/sign-in?next=/admin/staff"


def test_an_htmx_request_without_session_is_redirected_as_a_page(client):
    response = client.get("/staff/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/staff/sign-in")


def test_a_signed_in_user_is_not_asked_to_sign_in_again(app, client, db):
    sign_in(client, app, make_staff())
    assert client.get("/staff/sign-in").headers["Location"] == "/staff/"


def test_an_account_with_a_temporary_password_must_change_it(app, client, db):
    login = make_staff()
    accounts.set_temporary_password(db.session.get(User, login.id), STRONG_PASSWORD)
    db.session.commit()
    response = sign_in(client, app, login)
    assert "Välj ett eget lösenord innan du fortsätter." in response.get_data(as_text=True)
    assert client.get("/staff/").headers["Location"] == "/staff/account/password"
    assert client.get("/").status_code == 200  # public pages stay open


def test_password_hashes_are_argon2id(db):
    login = make_staff()
    assert db.session.get(User, login.id).password_hash.startswith("$argon2id$")


def test_a_staff_user_is_what_the_access_guard_expects(db):
    from core.access import StaffMember

    assert isinstance(db.session.get(User, make_staff().id), StaffMember)
