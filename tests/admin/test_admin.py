"""Administrators manage staff accounts."""

import re

from sqlalchemy import select

from blueprints.auth.models import StaffSession, User
from tests.support.helpers import STRONG_PASSWORD, make_staff, sign_in


def signed_in_admin(app, client):
    login = make_staff({"admin"}, email="admin@famnen.example", name="Ada Admin")
    sign_in(client, app, login)
    return login


def test_admin_creates_a_staff_member_who_must_choose_a_password(app, client, db):
    signed_in_admin(app, client)
    response = client.submit(
        "/admin/staff/new",
        {
            "name": "Pia Holmström",
            "email": "Pia@Famnen.example",
            "roles": ["reception"],
            "password": STRONG_PASSWORD,
            "active": "y",
        },
        token_from="/admin/staff/new",
        follow_redirects=True,
    )
    assert "Kontot för Pia Holmström har skapats." in response.get_data(as_text=True)
    user = User.by_email("pia@famnen.example")
    assert user.role_names == {"reception"} and user.must_change_password and user.active
    assert user.email == "pia@famnen.example"


def test_new_staff_form_explains_every_problem_and_keeps_the_input(app, client, db):
    signed_in_admin(app, client)
    response = client.submit(
        "/admin/staff/new",
        {"name": "Pia", "email": "not-an-email", "password": "short"},
        token_from="/admin/staff/new",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv en e-postadress i formen namn@exempel.fi." in body
    assert "Välj minst en roll." in body
    assert 'value="not-an-email"' in body and 'value="Pia"' in body
    assert db.session.scalar(select(User).where(User.name == "Pia")) is None


def test_weak_or_duplicate_first_password_is_refused(app, client, db):
    admin = signed_in_admin(app, client)
    response = client.submit(
        "/admin/staff/new",
        {"name": "Pia", "email": "pia@famnen.example", "roles": ["reception"], "password": "qwerty123456"},
        token_from="/admin/staff/new",
    )
    assert "Lösenordet är för vanligt" in response.get_data(as_text=True)
    response = client.submit(
        "/admin/staff/new",
        {"name": "Twin", "email": admin.email, "roles": ["reception"], "password": STRONG_PASSWORD},
        token_from="/admin/staff/new",
    )
    assert "Det finns redan ett konto med den här e-postadressen." in response.get_data(as_text=True)


def test_every_problem_of_the_new_staff_form_is_reported_in_one_round(app, client, db):
    admin = signed_in_admin(app, client)
    response = client.submit(
        "/admin/staff/new",
        {"name": "Twin", "email": admin.email, "password": "qwerty123456"},  # no role, a taken address, a weak password
        token_from="/admin/staff/new",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    for problem in (
        "Välj minst en roll.",
        "Det finns redan ett konto med den här e-postadressen.",
        "Lösenordet är för vanligt",
    ):
        assert problem in body, problem


def test_a_tampered_role_is_refused(app, client, db):
    signed_in_admin(app, client)
    response = client.submit(
        "/admin/staff/new",
        {"name": "Pia", "email": "pia@famnen.example", "roles": ["superuser"], "password": STRONG_PASSWORD},
        token_from="/admin/staff/new",
    )
    assert response.status_code == 422
    assert User.by_email("pia@famnen.example") is None


def test_admin_changes_roles_and_closes_an_account(app, client, db):
    signed_in_admin(app, client)
    other = make_staff({"professional"}, email="sara@famnen.example", name="Sara")
    other_client = app.test_client()
    other_client.html_checker = client.html_checker
    sign_in(other_client, app, other)

    page = client.get(f"/admin/staff/{other.id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="professional"', page)
    assert not re.search(r'<input checked[^>]*value="reception"', page)
    response = client.submit(
        f"/admin/staff/{other.id}",
        {"name": "Sara Nyström", "email": "sara@famnen.example", "roles": ["professional", "reception"]},
        token_from=f"/admin/staff/{other.id}",
    )
    assert response.status_code == 302
    user = db.session.get(User, other.id)
    assert user.name == "Sara Nyström" and user.role_names == {"professional", "reception"}
    assert not user.active  # the box was not ticked
    assert other_client.get("/staff/").status_code == 302


def test_admin_cannot_lock_themselves_out(app, client, db):
    admin = signed_in_admin(app, client)
    response = client.submit(
        f"/admin/staff/{admin.id}",
        {"name": "Ada Admin", "email": admin.email, "roles": ["professional"], "active": "y"},
        token_from=f"/admin/staff/{admin.id}",
    )
    assert response.status_code == 422
    assert "Du kan inte ta bort din egen administratörsroll" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).has_role("admin")


def test_reset_authenticator_and_temporary_password(app, client, db):
    signed_in_admin(app, client)
    other = make_staff({"professional"}, email="sara@famnen.example", name="Sara")
    response = client.submit(
        f"/admin/staff/{other.id}/reset-authenticator", token_from=f"/admin/staff/{other.id}", follow_redirects=True
    )
    assert "Sara ställer in en ny autentiseringsapp" in response.get_data(as_text=True)
    assert db.session.get(User, other.id).totp_secret is None

    response = client.submit(
        f"/admin/staff/{other.id}/password", {"password": "123"}, token_from=f"/admin/staff/{other.id}"
    )
    assert response.status_code == 422
    assert "Lösenordet måste ha minst 12 tecken." in response.get_data(as_text=True)
    response = client.submit(
        f"/admin/staff/{other.id}/password", {"password": "Ny vår i Borgå 2027"}, token_from=f"/admin/staff/{other.id}"
    )
    assert response.status_code == 302
    assert db.session.get(User, other.id).must_change_password
    assert (
        db.session.scalars(
            select(StaffSession).where(StaffSession.user_id == other.id, StaffSession.ended_at.is_(None))
        ).all()
        == []
    )


def test_staff_list_shows_roles_in_the_users_language(app, client, db):
    signed_in_admin(app, client)
    make_staff({"reception"}, email="pia@famnen.example", name="Pia")
    client.get("/language/fi")
    page = client.get("/admin/staff").get_data(as_text=True)
    assert "Vastaanotto" in page and "Ylläpitäjä" in page


def test_unknown_staff_member_gives_404(app, client, db):
    signed_in_admin(app, client)
    assert client.get("/admin/staff/9999").status_code == 404
