"""What the browser tests share besides fixtures: the ``UI`` a test drives (a Playwright page and
the checks every page must pass), signing staff in through the pages, and the front page's texts."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# How long an action or an expectation waits for the page; generous, as a busy machine is slow.
WAIT_MS = 30_000

# The front page, sign-in and idle warning as a person reads them, in each language.
FOUNDATION_TEXTS = {
    "sv": {
        "heading": "Familjecentret på nätet",
        "staff_link": "Inloggning för personal",
        "email": "E-postadress",
        "password": "Lösenord",
        "continue": "Fortsätt",
        "code": "Sexsiffrig kod",
        "confirm": "Bekräfta och logga in",
        "sign_in": "Logga in",
        "today": "I dag",
        "welcome": "Välkommen, Sara Nyström",
        "sign_out": "Logga ut",
        "signed_out": "Du har loggat ut.",
        "stay": "Fortsätt vara inloggad",
        "wrong": "E-postadressen eller lösenordet är inte rätt.",
        "other": ("fi", "Suomi", "Perhekeskus verkossa"),
    },
    "fi": {
        "heading": "Perhekeskus verkossa",
        "staff_link": "Henkilöstön kirjautuminen",
        "email": "Sähköpostiosoite",
        "password": "Salasana",
        "continue": "Jatka",
        "code": "Kuusinumeroinen koodi",
        "confirm": "Vahvista ja kirjaudu sisään",
        "sign_in": "Kirjaudu sisään",
        "today": "Tänään",
        "welcome": "Tervetuloa, Sara Nyström",
        "sign_out": "Kirjaudu ulos",
        "signed_out": "Olet kirjautunut ulos.",
        "stay": "Pysy kirjautuneena",
        "wrong": "Sähköpostiosoite tai salasana on väärin.",
        "other": ("sv", "Svenska", "Familjecentret på nätet"),
    },
}


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
        page.on(
            "framenavigated",
            lambda frame: frame == page.main_frame and self.visited.append(_without_fragment(frame.url)),
        )
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
            "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: "
            "['violations']})).violations"
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


SIGN_IN_LABELS = {
    "sv": {
        "email": "E-postadress",
        "password": "Lösenord",
        "continue": "Fortsätt",
        "code": "Sexsiffrig kod",
        "sign_in": "Logga in",
    },
    "fi": {
        "email": "Sähköpostiosoite",
        "password": "Salasana",
        "continue": "Jatka",
        "code": "Kuusinumeroinen koodi",
        "sign_in": "Kirjaudu sisään",
    },
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

    from core import timeutil

    labels = SIGN_IN_LABELS[ui.language]
    page = ui.page
    enter_password(ui, login)
    # The code of the app's clock, which a test may have moved.
    page.get_by_label(labels["code"]).fill(pyotp.TOTP(login.secret).at(timeutil.utcnow()))
    page.get_by_role("button", name=labels["sign_in"]).click()
    ui.check()


def is_start_page(page, texts: dict) -> bool:
    """Whether the page is the staff member's start page: today's date as the heading, then the greeting."""
    heading = page.get_by_role("heading", level=1).inner_text()
    lead = page.locator(".lead")
    return heading.startswith(texts["today"]) and lead.count() == 1 and texts["welcome"] in lead.inner_text()
