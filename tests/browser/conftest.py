"""Browser fixtures: a live server, Debian's Chromium through Playwright, and page checks.

Each browser test runs once in Swedish and once in Finnish (the ``language``
fixture). ``ui.check()`` runs axe-core (WCAG 2.0/2.1 A and AA) and the Nu Html
Checker on the page as it is now; at the end of a test every page the browser
navigated to must have been checked.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import unavailable
from tests.support.servers import SAFETY_LIMIT

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# How long an action or an expectation waits for the page; generous, as a busy machine is slow.
WAIT_MS = 30_000


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, started once for the whole run."""
    if not Path(CHROMIUM).exists():
        unavailable("Browser tests need Debian's chromium (apt-get install chromium); run `make test`.")
    if not AXE_SOURCE.exists():
        unavailable("Browser tests need axe-core from npm; run `make test`.")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT_MS)
    with sync_playwright() as playwright:
        # Playwright ends the wait at once if Chromium exits; the limit only matters on a busy machine.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, timeout=SAFETY_LIMIT * 1000)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """The test's app served over real HTTP on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(params=["sv", "fi"])
def language(request):
    """The language the test runs in: every browser test runs in Swedish and in Finnish."""
    return request.param


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


class UI:
    """A Playwright page plus the checks every visited page must pass."""

    def __init__(self, page, base_url: str, html_checker, language: str) -> None:
        self.page = page
        self.base_url = base_url
        self.html_checker = html_checker
        self.language = language
        self.visited: list[str] = []
        self.checked: set[str] = set()
        self.console_errors: list[str] = []
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.append(_without_fragment(frame.url)))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))

    def goto(self, path: str):
        """Open a page of the app and check it."""
        response = self.page.goto(self.base_url + path)
        self.check()
        return response

    def check(self, language: str | None = None) -> None:
        """Run axe and the Nu Html Checker on the page as it is now; both must find nothing."""
        page = self.page
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == (language or self.language), page.url
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
        results = page.evaluate(
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})).violations"
            ".map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.map(n => n.target.join(' ')).join(', '))",
            AXE_TAGS,
        )
        assert results == [], f"axe found problems on {page.url}:\n" + "\n".join(results)
        errors = self.html_checker.errors(page.content())
        assert errors == [], f"Invalid HTML on {page.url}:\n" + "\n".join(errors)
        self.checked.add(_without_fragment(page.url))

    def assert_every_page_checked(self) -> None:
        """Fail when the test navigated somewhere without checking the page."""
        unchecked = [url for url in self.visited if url not in self.checked and url != "about:blank"]
        assert unchecked == [], f"pages visited without ui.check(): {unchecked}"
        csp = [error for error in self.console_errors if "Content Security Policy" in error]
        assert csp == [], f"the Content-Security-Policy blocked something: {csp}"


@pytest.fixture
def new_ui(chromium, live_server, html_checker, language):
    """Open browser tabs (each its own cookies) in the test's language; all are checked at the end."""
    if html_checker is None:
        unavailable("The Nu Html Checker needs Java and `npm ci` (vnu-jar); run `make test`.")
    opened: list[tuple[UI, object]] = []

    def open_ui(width: int = 1280) -> UI:
        context = chromium.new_context(locale=f"{language}-FI", viewport={"width": width, "height": 900})
        context.add_cookies([{"name": "famnen_lang", "value": language, "url": live_server}])
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        helper = UI(page, live_server, html_checker, language)
        opened.append((helper, context))
        return helper

    yield open_ui
    try:
        for helper, _ in opened:
            helper.assert_every_page_checked()
    finally:
        for _, context in opened:
            context.close()


@pytest.fixture
def ui(new_ui):
    """A fresh browser tab in the test's language."""
    return new_ui()


def pytest_runtest_makereport(item, call):
    """Keep a screenshot of a failed browser test in test-artifacts/ for whoever reads the log."""
    if call.when != "call" or call.excinfo is None or "ui" not in item.funcargs:
        return
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    try:
        item.funcargs["ui"].page.screenshot(path=str(folder / f"{item.name}.png"), full_page=True)
    except Exception:  # noqa: BLE001 - a failed screenshot must never hide the real failure
        pass


SIGN_IN_LABELS = {
    "sv": {"email": "E-postadress", "password": "Lösenord", "continue": "Fortsätt", "code": "Sexsiffrig kod", "sign_in": "Logga in"},
    "fi": {"email": "Sähköpostiosoite", "password": "Salasana", "continue": "Jatka", "code": "Kuusinumeroinen koodi", "sign_in": "Kirjaudu sisään"},
}


def enter_password(ui: UI, login) -> None:
    """The first step of signing in: email address and password, up to the one-time code or enrolment."""
    labels = SIGN_IN_LABELS[ui.language]
    page = ui.page
    ui.goto("/staff/sign-in")
    page.get_by_label(labels["email"]).fill(login.email)
    page.get_by_label(labels["password"]).fill(login.password)
    page.get_by_role("button", name=labels["continue"]).click()
    ui.check()


def sign_in_staff(ui: UI, login) -> None:
    """Sign a staff member in through the pages (password, then the code from their authenticator)."""
    import pyotp

    labels = SIGN_IN_LABELS[ui.language]
    page = ui.page
    enter_password(ui, login)
    page.get_by_label(labels["code"]).fill(pyotp.TOTP(login.secret).now())
    page.get_by_role("button", name=labels["sign_in"]).click()
    ui.check()
