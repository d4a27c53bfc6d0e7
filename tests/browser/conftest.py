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

from tests.support.browser import AXE_SOURCE, ROOT, UI, WAIT_MS
from tests.support.config import unavailable
from tests.support.servers import SAFETY_LIMIT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


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
