"""The password rules for staff accounts."""

import pytest

from blueprints.auth.accounts import common_passwords, password_problems


@pytest.mark.parametrize(
    "password",
    [
        "Salasana2026!",
        "password1234",
        "Lösenord12345",
        "qwertyuiop123",
        "123456789012",
        "aaaaaaaaaaaaaaa",
        "Sommar2026!!!",
        "ababababababab",
    ],
)
def test_common_passwords_are_refused(app, password):
    with app.test_request_context(headers={"Cookie": "famnen_lang=en"}):
        assert any("too common" in problem for problem in password_problems(password))


@pytest.mark.parametrize("password", ["Vinbär och lakrits 77", "correct horse battery staple", "Tre små grisar i Åbo"])
def test_good_passwords_pass(app, password):
    with app.test_request_context(headers={"Cookie": "famnen_lang=en"}):
        assert password_problems(password, "nurse@famnen.example", "Nora Nurse") == []


def test_short_passwords_are_refused(app):
    with app.test_request_context(headers={"Cookie": "famnen_lang=en"}):
        assert password_problems("Kort lösen1") == ["The password must be at least 12 characters long."]


def test_personal_details_are_refused(app):
    with app.test_request_context(headers={"Cookie": "famnen_lang=en"}):
        problems = password_problems("Mikaela rocks 2026", "mikaela.berg@famnen.example", "Mikaela Berg")
    assert "The password must not contain your name or email address." in problems


def test_the_bundled_list_is_loaded_without_comments():
    listed = common_passwords()
    assert "salasana" in listed and "lösenord" in listed
    assert not any(entry.startswith("#") for entry in listed)
