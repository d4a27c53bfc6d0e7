"""A PHQ-9 answered with item 9 above 0 waits first on the nurse's Today page; she acknowledges it by keyboard."""

from datetime import timedelta

from playwright.sync_api import expect

from core.timeutil import utcnow
from tests.support.browser import sign_in_staff
from tests.support.today import send_phq9

TEXTS = {
    "sv": {
        "urgent": "Brådskande: behöver åtgärdas i dag",
        "badge": "1 brådskande",
        "note": "Vad som gjordes (frivilligt)",
        "act": "Jag har åtgärdat detta",
        "done": "Markerat som åtgärdat: Elsa",
        "none": "Inga brådskande varningar väntar på dig.",
    },
    "fi": {
        "urgent": "Kiireellinen: vaatii toimia tänään",
        "badge": "1 kiireellinen",
        "note": "Mitä tehtiin (vapaaehtoinen)",
        "act": "Olen hoitanut tämän",
        "done": "Merkitty hoidetuksi: Elsa",
        "none": "Sinua ei odota kiireellisiä hälytyksiä.",
    },
}


def test_the_nurse_sees_the_urgent_flag_first_and_acknowledges_it_by_keyboard(new_ui, db, family_centre, language):
    texts = TEXTS[language]
    send_phq9(family_centre["child_id"], family_centre["nurse"].id, utcnow() - timedelta(minutes=5), language=language)
    nurse = new_ui()
    sign_in_staff(nurse, family_centre["nurse"])  # signing in lands on Today
    page = nurse.page
    badge = page.locator("#urgent-count")
    expect(badge).to_have_text(texts["badge"])
    first_section = page.locator("main section").first
    expect(first_section.get_by_role("heading", level=2)).to_have_text(texts["urgent"])
    expect(first_section).to_contain_text("Elsa")

    # Keyboard only: into the note field, type, Tab to the button, Enter.
    page.get_by_label(texts["note"]).focus()
    page.keyboard.type("Ringde familjen" if language == "sv" else "Soitin perheelle")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=texts["act"])).to_be_focused()
    page.keyboard.press("Enter")

    done = page.locator("#urgent [data-autofocus]")
    expect(done).to_contain_text(texts["done"])
    expect(done).to_be_focused()  # focus moves to the new content
    expect(page.locator("#live-region")).to_contain_text(texts["done"])
    expect(page.locator("#urgent")).to_contain_text(texts["none"])
    expect(badge).to_have_text("")  # the count has gone from the header
    nurse.check()
