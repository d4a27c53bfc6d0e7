"""The privacy notice and accessibility statement: built-in texts, the administrator's own, safe rendering."""

import re

import pytest
from sqlalchemy import select

from blueprints.site_texts.markup import ALLOWED_TARGET, refused_links, render
from blueprints.site_texts.models import SiteText
from core.timeutil import to_local
from tests.support.helpers import make_staff, sign_in

OWN_TEXT = {
    "body_sv": "Vi behandlar uppgifter i Demokommunen.\n\n## Kontakt\n- E-post: dataskydd@example.fi\n- [Dataombudsmannen](https://tietosuoja.fi/sv)",
    "body_fi": "Käsittelemme tietoja Demokunnassa.\n\n## Yhteystiedot\n- Sähköposti: tietosuoja@example.fi",
    "body_en": "We process data in the Demo Municipality.",
}


def signed_in_admin(app, client):
    login = make_staff({"admin"}, email="ada@famnen.example", name="Ada Admin")
    sign_in(client, app, login)
    return login


def save(client, name: str, texts: dict, **extra):
    path = f"/admin/texts/{name}"
    return client.submit(path, {**texts, "action": "save", **extra}, token_from=path)


def editor_version(client, name: str) -> str:
    page = client.get(f"/admin/texts/{name}").get_data(as_text=True)
    return page.split('name="version" type="hidden" value="', 1)[1].split('"', 1)[0]


# --- The built-in texts ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "path", "heading", "expected"),
    [
        ("sv", "/privacy", "Dataskyddsbeskrivning", "<h2>Personuppgiftsansvarig</h2>"),
        ("fi", "/privacy", "Tietosuojaseloste", "<h2>Rekisterinpitäjä</h2>"),
        ("en", "/privacy", "Privacy notice", "<h2>Controller</h2>"),
        ("sv", "/accessibility", "Tillgänglighetsutlåtande", "<h2>Tillsynsmyndighet</h2>"),
        ("fi", "/accessibility", "Saavutettavuusseloste", "<h2>Valvontaviranomainen</h2>"),
        ("en", "/accessibility", "Accessibility statement", "<h2>Supervising authority</h2>"),
    ],
)
def test_the_built_in_texts_are_shown_in_each_language(client, db, language, path, heading, expected):
    client.get(f"/language/{language}")
    page = client.get(path).get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page and expected in page
    # The date the built-in text was last revised, in the house style of the language.
    assert ("22 Nov 2026" if language == "en" else "22.11.2026") in page


def test_the_built_in_accessibility_statement_has_its_required_parts(client, db):
    client.get("/language/en")
    page = client.get("/accessibility").get_data(as_text=True)
    for part in (
        "WCAG) 2.1",
        "Known gaps",
        "Give feedback on accessibility",
        "familjecenter@example.fi",
        "Lupa- ja valvontavirasto",
        "saavutettavuusvaatimukset.fi",
        "This statement was prepared on 22 Nov 2026.",
    ):
        assert part in page
    assert '<a href="mailto:familjecenter@example.fi">familjecenter@example.fi</a>' in page


# --- The administrator's own texts -------------------------------------------------------


def test_the_admin_index_links_to_the_texts(app, client, db):
    signed_in_admin(app, client)
    assert 'href="/admin/texts/"' in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/texts/").get_data(as_text=True)
    assert page.count("Den inbyggda texten visas.") == 2
    assert 'href="/admin/texts/privacy"' in page and 'href="/admin/texts/accessibility"' in page


def test_the_editor_starts_from_the_built_in_text_in_every_language(app, client, db):
    signed_in_admin(app, client)
    page = client.get("/admin/texts/accessibility").get_data(as_text=True)
    assert "## Tillsynsmyndighet" in page and "## Valvontaviranomainen" in page and "## Supervising authority" in page
    assert 'lang="fi"' in page and "Vad texten ska innehålla" in page and "WCAG 2.1 nivå AA" in page


def test_an_admin_saves_their_own_text_and_every_language_shows_it(app, client, db):
    signed_in_admin(app, client)
    response = save(client, "privacy", OWN_TEXT, version="")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/texts/"
    index = client.get("/admin/texts/").get_data(as_text=True)
    assert "Texten har sparats och visas nu på sidan Dataskyddsbeskrivning." in index
    assert "Er egen text, senast ändrad" in index and "av Ada Admin" in index

    page = client.get("/privacy").get_data(as_text=True)
    assert "<h2>Kontakt</h2>" in page and "Personuppgiftsansvarig" not in page
    assert '<a href="mailto:dataskydd@example.fi">dataskydd@example.fi</a>' in page
    assert '<a href="https://tietosuoja.fi/sv">Dataombudsmannen</a>' in page
    # The day it was saved (read back, not "today": the test may run across midnight).
    saved = to_local(db.session.scalar(select(SiteText.updated_at).where(SiteText.name == "privacy"))).date()
    assert f"Senast ändrad {saved.day}.{saved.month}.{saved.year}." in page
    client.get("/language/fi")
    assert "<h2>Yhteystiedot</h2>" in client.get("/privacy").get_data(as_text=True)
    client.get("/language/en")
    assert "We process data in the Demo Municipality." in client.get("/privacy").get_data(as_text=True)
    # The other document still shows its built-in text.
    assert "Supervising authority" in client.get("/accessibility").get_data(as_text=True)
    saved = db.session.scalar(select(SiteText))
    assert saved.name == "privacy" and "\r" not in saved.body_sv


def test_without_english_text_english_visitors_read_the_swedish_one_marked_as_swedish(app, client, db):
    signed_in_admin(app, client)
    assert save(client, "privacy", {**OWN_TEXT, "body_en": ""}, version="").status_code == 302
    client.get("/language/en")
    page = client.get("/privacy").get_data(as_text=True)
    assert '<html lang="en">' in page and '<div class="statement" lang="sv">' in page
    assert "Vi behandlar uppgifter" in page


def test_html_in_a_text_is_shown_as_written_never_run(app, client, db):
    signed_in_admin(app, client)
    hostile = {
        **OWN_TEXT,
        "body_sv": 'Hej <script>alert("x")</script> <img src=x onerror=alert(1)> & [ok](https://example.fi/?a=1&b=2)',
    }
    assert save(client, "privacy", hostile, version="").status_code == 302
    page = client.get("/privacy").get_data(as_text=True)
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page and "&amp;" in page
    assert '<a href="https://example.fi/?a=1&amp;b=2">ok</a>' in page


def test_a_dangerous_link_is_refused_and_what_was_typed_is_kept(app, client, db):
    signed_in_admin(app, client)
    typed = {**OWN_TEXT, "body_fi": "Klikkaa [tästä](javascript:alert(document.cookie))"}
    response = save(client, "privacy", typed, version="")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Fel:" in body and "Kontrollera den här länken: [tästä](javascript:alert(document.cookie)" in body
    assert "Klikkaa [tästä](javascript:alert(document.cookie))" in body
    assert db.session.scalar(select(SiteText)) is None


def test_swedish_and_finnish_texts_are_required(app, client, db):
    signed_in_admin(app, client)
    response = save(client, "accessibility", {"body_sv": "  ", "body_fi": "", "body_en": "Only English"}, version="")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv texten på svenska." in body and "Skriv texten på finska." in body and "Only English" in body
    assert db.session.scalar(select(SiteText)) is None


def test_preview_shows_the_text_without_saving_it(app, client, db):
    signed_in_admin(app, client)
    path = "/admin/texts/privacy"
    response = client.submit(path, {**OWN_TEXT, "version": "", "action": "preview"}, token_from=path)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Förhandsgranskning (inte sparad ännu)" in body and '<div lang="fi"><p>Käsittelemme' in body
    assert db.session.scalar(select(SiteText)) is None


def test_a_save_over_someone_elses_newer_text_is_a_conflict(app, client, db):
    signed_in_admin(app, client)
    started_from = editor_version(client, "privacy")  # the built-in text
    assert save(client, "privacy", OWN_TEXT, version=started_from).status_code == 302  # a colleague saves first
    mine = {**OWN_TEXT, "body_sv": "Min version"}
    response = save(client, "privacy", mine, version=started_from)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Någon annan sparade texten efter att du öppnade den." in body and "Min version" in body
    assert db.session.scalar(select(SiteText)).body_sv == OWN_TEXT["body_sv"]
    # Starting from the newer text, the save goes through.
    assert save(client, "privacy", mine, version=editor_version(client, "privacy")).status_code == 302


def test_back_to_the_built_in_text(app, client, db):
    signed_in_admin(app, client)
    save(client, "privacy", OWN_TEXT, version="")
    path = "/admin/texts/privacy"
    assert "Tillbaka till den inbyggda texten" in client.get(path).get_data(as_text=True)
    response = client.submit(f"{path}/built-in", {}, token_from=path, follow_redirects=True)
    assert "Den inbyggda texten visas igen på sidan Dataskyddsbeskrivning." in response.get_data(as_text=True)
    assert db.session.scalar(select(SiteText)) is None
    assert "<h2>Personuppgiftsansvarig</h2>" in client.get("/privacy").get_data(as_text=True)
    assert "Tillbaka till den inbyggda texten" not in client.get(path).get_data(as_text=True)


@pytest.mark.parametrize("roles", [{"reception"}, {"professional"}])
def test_only_administrators_edit_the_texts(app, client, db, roles):
    sign_in(client, app, make_staff(roles))
    assert client.get("/admin/texts/").status_code == 403
    assert client.get("/admin/texts/privacy").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/admin/texts/privacy").headers["Location"].startswith("/staff/sign-in")


def test_unknown_documents_are_not_found(app, client, db):
    signed_in_admin(app, client)
    assert client.get("/admin/texts/terms").status_code == 404


# --- The text format ---------------------------------------------------------------------


def test_the_format_gives_headings_paragraphs_lists_and_links():
    html = render(
        "## Rubrik\nFörsta raden\nandra raden\n\n- ett\n- två\n\n1. först\n2) sedan\n### Mindre\n"
        "Se https://tietosuoja.fi. eller skriv till a.b@example.fi, tack. [Boka](/book) [Ring](tel:+35840123)"
    )
    assert html == (
        "<h2>Rubrik</h2>\n<p>Första raden<br>\nandra raden</p>\n<ul>\n<li>ett</li>\n<li>två</li>\n</ul>\n"
        "<ol>\n<li>först</li>\n<li>sedan</li>\n</ol>\n<h3>Mindre</h3>\n"
        '<p>Se <a href="https://tietosuoja.fi">https://tietosuoja.fi</a>. eller skriv till '
        '<a href="mailto:a.b@example.fi">a.b@example.fi</a>, tack. '
        '<a href="/book">Boka</a> <a href="tel:+35840123">Ring</a></p>'
    )


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](//evil.example)",
        "[x](data:text/html,hi)",
        "[x](tel:+358 40 1)",
        "[x](ftp://a.fi)",
        '[x](https://a.fi/"onmouseover="alert(1))',
        "[x](mailto:nobody)",
    ],
)
def test_links_elsewhere_than_the_web_email_or_phone_are_refused_and_shown_as_text(link):
    [refused] = refused_links(f"Text {link} more")
    assert refused.startswith(link[:8])
    html = render(link)
    assert html.startswith("<p>[x](")  # shown as written
    for target in re.findall(r'href="([^"]*)"', html):
        assert ALLOWED_TARGET.match(target)  # a plain address inside it may still become a safe link
    assert '"onmouseover' not in html and 'onmouseover="' not in html
