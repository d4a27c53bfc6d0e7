"""An administrator rewrites the accessibility statement in the browser, previews it and goes back to the built-in
text.
"""

import re

from playwright.sync_api import expect

from tests.support.browser import sign_in_staff
from tests.support.helpers import make_staff

TEXTS = {
    "sv": {
        "administration": "Administration",
        "texts": "Dataskyddsbeskrivning och tillgänglighetsutlåtande",
        "document": "Tillgänglighetsutlåtande",
        "format": "Så formaterar du texten",
        "field": "Text på svenska",
        "save": "Spara",
        "preview": "Förhandsgranska",
        "refused": "Kontrollera den här länken",
        "preview_title": "Förhandsgranskning (inte sparad ännu)",
        "saved": "Texten har sparats",
        "show": "Visa sidan",
        "built_in": "Visa den inbyggda texten igen",
        "restored": "Den inbyggda texten visas igen",
        "built_in_heading": "Tillsynsmyndighet",
    },
    "fi": {
        "administration": "Ylläpito",
        "texts": "Tietosuojaseloste ja saavutettavuusseloste",
        "document": "Saavutettavuusseloste",
        "format": "Näin muotoilet tekstin",
        "field": "Teksti suomeksi",
        "save": "Tallenna",
        "preview": "Esikatsele",
        "refused": "Tarkista tämä linkki",
        "preview_title": "Esikatselu (ei vielä tallennettu)",
        "saved": "Teksti on tallennettu",
        "show": "Näytä sivu",
        "built_in": "Näytä valmis teksti uudelleen",
        "restored": "Valmis teksti näytetään taas",
        "built_in_heading": "Valvontaviranomainen",
    },
}
OWN_STATEMENT = (
    "## Hur tillgänglig tjänsten är / Kuinka saavutettava palvelu on\n"
    "WCAG 2.1 AA.\n\n"
    "## Respons / Palaute\n"
    "- tillganglighet@example.fi\n"
    "- [Lupa- ja valvontavirasto](https://www.saavutettavuusvaatimukset.fi)\n"
)


def test_an_admin_edits_previews_saves_and_restores_the_accessibility_statement(ui, db, language):
    texts = TEXTS[language]
    page = ui.page
    admin = make_staff({"admin"}, email="ada@famnen.example", name="Ada Admin")
    sign_in_staff(ui, admin)

    page.locator(".main-nav").get_by_role("link", name=texts["administration"]).click()
    ui.check()
    # On a 320 px phone the long Finnish compounds of the cards break instead of widening the page.
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    ui.goto("/staff/activities/")  # one long word as the heading ("Gruppverksamhet")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.go_back()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#main").get_by_role("link", name=texts["texts"]).click()
    ui.check()
    page.locator("#main").get_by_role("link", name=texts["document"], exact=True).click()
    ui.check()
    page.get_by_text(texts["format"]).click()  # open the format guide
    ui.check()

    # A link to javascript: is refused, and the text typed stays in the form.
    editor = page.get_by_label(texts["field"])
    expect(editor).to_have_value(re.compile(texts["built_in_heading"]))  # it starts from the built-in text
    editor.fill(OWN_STATEMENT + "[klick](javascript:alert(1))")
    page.get_by_role("button", name=texts["save"]).click()
    ui.check()
    expect(page.locator(".error-summary")).to_contain_text(texts["refused"])
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_label(texts["field"])).to_have_value(OWN_STATEMENT + "[klick](javascript:alert(1))")

    page.get_by_label(texts["field"]).fill(OWN_STATEMENT)
    page.get_by_role("button", name=texts["preview"]).click()
    ui.check()
    preview = page.locator(".preview")
    expect(preview.get_by_role("heading", name=texts["preview_title"])).to_be_visible()
    expect(preview.get_by_role("link", name="Lupa- ja valvontavirasto")).to_have_attribute(
        "href", "https://www.saavutettavuusvaatimukset.fi"
    )

    page.get_by_role("button", name=texts["save"]).click()
    ui.check()
    expect(page.locator(".flashes")).to_contain_text(texts["saved"])

    page.get_by_role("link", name=re.compile(f"{texts['show']}.*{texts['document']}")).click()
    ui.check()
    expect(page.get_by_role("heading", name="Respons / Palaute")).to_be_visible()
    expect(page.get_by_role("link", name="tillganglighet@example.fi")).to_have_attribute(
        "href", "mailto:tillganglighet@example.fi"
    )

    ui.goto("/admin/texts/accessibility")
    page.get_by_role("button", name=texts["built_in"]).click()
    ui.check()
    expect(page.locator(".flashes")).to_contain_text(texts["restored"])
    ui.goto("/accessibility")
    expect(page.get_by_role("heading", name=texts["built_in_heading"])).to_be_visible()
