"""Languages: every message translated, the language switch, and local dates and times."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from core.i18n import clock, date_and_time, localized, long_date, pick

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
METHOD_MAP = [("**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "bench", ".git"}


def messages_in_source() -> set[str]:
    """Every translatable message in the code and templates, extracted the way `make translations` does."""
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=METHOD_MAP,
        options_map={pattern: {"extensions": "jinja2.ext.do"} for pattern in ("templates/**.html", "templates/**.txt")},
        keywords=KEYWORDS,
        directory_filter=lambda path: Path(path).name not in SKIPPED_DIRS,
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module")
def source_messages():
    return messages_in_source()


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_every_message_has_a_translation(source_messages, language):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing, fuzzy = [], []
    for msgid in sorted(source_messages):
        message = catalog.get(msgid)
        strings = (
            message.string
            if message is not None and isinstance(message.string, tuple)
            else (message.string if message else "",)
        )
        if message is None or not all(strings):
            missing.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
    assert not missing, (
        f"{len(missing)} messages lack a {language} translation (run `make translations`):\n" + "\n".join(missing)
    )
    assert not fuzzy, f"{language} translations marked fuzzy need checking:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_translations_keep_their_placeholders(language):
    import re

    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(set(placeholder.findall(ids[-1])))
        for string in strings:
            assert sorted(set(placeholder.findall(string))) == expected, f"{language}: {ids[0]!r}"


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_compiled_catalogs_are_current(language):
    po_path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), "run `make compile-translations`"
    with po_path.open("rb") as po, mo_path.open("rb") as mo:
        source, compiled = read_po(po), read_mo(mo)

    def ids(catalog):
        return {tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id for m in catalog if m.id}

    assert ids(source) == ids(compiled), "run `make compile-translations`"


def test_default_language_is_swedish_and_html_lang_follows(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Familjecentret på nätet" in page


def test_configured_default_language_is_used(app_config):
    from app import create_app

    app = create_app({**app_config, "DEFAULT_LANGUAGE": "fi"})
    page = app.test_client().get("/").get_data(as_text=True)
    assert '<html lang="fi">' in page


@pytest.mark.parametrize(
    ("code", "heading"),
    [("fi", "Perhekeskus verkossa"), ("en", "Family centre online"), ("sv", "Familjecentret på nätet")],
)
def test_language_switch_remembers_the_choice(client, code, heading):
    response = client.get(f"/language/{code}?next=/accessibility")
    assert response.status_code == 302
    assert response.headers["Location"] == "/accessibility"
    assert "famnen_lang=" + code in response.headers["Set-Cookie"]
    page = client.get("/").get_data(as_text=True)
    assert f'<html lang="{code}">' in page
    assert heading in page


def test_language_switch_links_are_plain_links_back_to_the_same_page(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert 'href="/language/fi?next=/privacy" lang="fi" hreflang="fi"' in page
    assert 'aria-current="true">Svenska' in page


def test_language_switch_refuses_other_sites_and_languages(client):
    assert client.get("/language/fi?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/language/fi?next=//evil.example/").headers["Location"] == "/"
    assert client.get("/language/de").status_code == 404


def test_a_browser_asking_for_finnish_gets_finnish(client):
    page = client.get("/", headers={"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fi">' in page


def test_dates_and_times_are_shown_in_helsinki_time(app):
    winter = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)  # 9.30 in Helsinki (UTC+2)
    summer = datetime(2026, 6, 3, 6, 30, tzinfo=UTC)  # 9.30 in Helsinki (UTC+3)
    with app.test_request_context(headers={"Cookie": "famnen_lang=sv"}):
        assert long_date(winter) == "torsdag 3 december 2026"
        assert clock(winter) == "9.30" and clock(summer) == "9.30"
        assert date_and_time(winter) == "3.12.2026 9.30"
    with app.test_request_context(headers={"Cookie": "famnen_lang=fi"}):
        assert long_date(winter) == "torstai 3. joulukuuta 2026"
        assert clock(winter) == "9.30"
    with app.test_request_context(headers={"Cookie": "famnen_lang=en"}):
        assert clock(winter) == "09:30"


def test_content_falls_back_to_the_other_national_language(app):
    class Centre:
        name_sv, name_fi, name_en = "Familjecentret", "Perhekeskus", ""

    with app.test_request_context(headers={"Cookie": "famnen_lang=en"}):
        assert localized(Centre, "name") == "Familjecentret"
        assert pick({"fi": "vain suomeksi"}) == "vain suomeksi"
    with app.test_request_context(headers={"Cookie": "famnen_lang=fi"}):
        assert localized(Centre, "name") == "Perhekeskus"
