"""The foundation as a person meets it: front page, languages, staff sign-in, idle warning."""

import re

import pyotp
import pytest

from tests.support.browser import FOUNDATION_TEXTS, is_start_page
from tests.support.helpers import make_staff


@pytest.fixture
def demo(app, runner):
    """The demo municipality, as after `make run`."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0


def test_front_page_and_language_switch(ui, demo, language):
    texts = FOUNDATION_TEXTS[language]
    ui.goto("/")
    page = ui.page
    assert page.get_by_role("heading", level=1).inner_text() == texts["heading"]
    assert page.get_by_text("Gammelbacka").first.is_visible()

    other_code, other_name, other_heading = texts["other"]
    page.get_by_role("link", name=other_name).click()
    ui.check(language=other_code)
    assert page.get_by_role("heading", level=1).inner_text() == other_heading

    page.get_by_role("link", name="English").click()
    ui.check(language="en")
    assert page.get_by_role("heading", level=1).inner_text() == "Family centre online"
    # The choice is remembered on the next page too.
    page.get_by_role("link", name="Accessibility statement").click()
    ui.check(language="en")


def test_staff_member_signs_in_with_password_and_authenticator_and_out_again(ui, app, db, language):
    texts = FOUNDATION_TEXTS[language]
    login = make_staff(name="Sara Nyström", enrolled=False)
    page = ui.page
    ui.goto("/")
    page.get_by_role("link", name=texts["staff_link"]).click()
    ui.check()

    page.get_by_label(texts["email"]).fill(login.email)
    page.get_by_label(texts["password"]).fill("a wrong password")
    page.get_by_role("button", name=texts["continue"]).click()
    ui.check()
    assert texts["wrong"] in page.get_by_role("alert").inner_text()
    # The error summary takes the focus so a screen reader reads it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.get_by_label(texts["email"]).input_value() == login.email

    page.get_by_label(texts["password"]).fill(login.password)
    page.get_by_role("button", name=texts["continue"]).click()
    ui.check()
    assert page.locator("svg[role=img]").is_visible()
    secret = page.locator(".secret-key code").inner_text().replace(" ", "")
    page.get_by_label(texts["code"]).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=texts["confirm"]).click()
    ui.check()
    assert is_start_page(page, texts)

    page.get_by_role("button", name=texts["sign_out"]).first.click()
    ui.check()
    assert texts["signed_out"] in page.locator(".flashes").inner_text()
    page.go_back()
    ui.check()
    assert not is_start_page(page, texts)


def test_pages_fit_a_320_pixel_wide_screen_and_the_skip_link_works(ui, demo, language):
    page = ui.page
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/staff/sign-in", "/accessibility", "/privacy"):
        ui.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.bounding_box()["y"] >= 0  # it shows itself when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_sign_in_works_without_javascript(chromium, live_server, app, db, html_checker, language):
    login = make_staff(name="Sara Nyström")
    texts = FOUNDATION_TEXTS[language]
    context = chromium.new_context(java_script_enabled=False, locale=f"{language}-FI")
    context.add_cookies([{"name": "famnen_lang", "value": language, "url": live_server}])
    page = context.new_page()
    try:
        page.goto(live_server + "/staff/sign-in")
        page.get_by_label(texts["email"]).fill(login.email)
        page.get_by_label(texts["password"]).fill(login.password)
        page.get_by_role("button", name=texts["continue"]).click()
        page.get_by_label(texts["code"]).fill(pyotp.TOTP(login.secret).now())
        page.get_by_role("button", name=texts["sign_in"]).click()
        assert is_start_page(page, texts)
        assert re.search(r"/staff/$", page.url)
        assert html_checker.errors(page.content()) == []
    finally:
        context.close()
