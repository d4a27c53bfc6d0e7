"""A parent sends a PHQ-9 with item 9 above 0 on a phone; the nurse's email arrives without client data; the
flag waits first on her Today page, and she acknowledges it by keyboard."""

from datetime import date, timedelta

from playwright.sync_api import expect

from blueprints.auth.models import User
from blueprints.questionnaires import invitations
from core.timeutil import utcnow
from tests.support.browser import sign_in_staff
from tests.support.questionnaires import make_visit
from tests.support.today import send_phq9

TEXTS = {
    "sv": {
        "urgent": "Brådskande: behöver åtgärdas i dag",
        "badge": "1 brådskande",
        "note": "Vad som gjordes (frivilligt)",
        "act": "Jag har åtgärdat detta",
        "done": "Markerat som åtgärdat: Elsa",
        "none": "Inga brådskande varningar väntar på dig.",
        "start": "Börja",
        "several_days": "Flera dagar",
        "saved": "Sparat",
        "review": "Granska dina svar",
        "send": "Skicka svaren",
        "thanks": "Tack! Dina svar har skickats.",
        "subject": "Brådskande: ett svar i Famnen behöver uppmärksamhet i dag",
        "account": "Ditt konto",
        "answered_emails": "Mejla mig när en familj skickar svar på en enkät jag skickat",
        "save": "Spara e-postinställningarna",
        "saved_settings": "Dina e-postinställningar har sparats.",
    },
    "fi": {
        "urgent": "Kiireellinen: vaatii toimia tänään",
        "badge": "1 kiireellinen",
        "note": "Mitä tehtiin (vapaaehtoinen)",
        "act": "Olen hoitanut tämän",
        "done": "Merkitty hoidetuksi: Elsa",
        "none": "Sinua ei odota kiireellisiä hälytyksiä.",
        "start": "Aloita",
        "several_days": "Useina päivinä",
        "saved": "Tallennettu",
        "review": "Tarkista vastauksesi",
        "send": "Lähetä vastaukset",
        "thanks": "Kiitos! Vastauksesi on lähetetty.",
        "subject": "Kiireellinen: Famnenissa oleva vastaus vaatii huomiota tänään",
        "account": "Oma tili",
        "answered_emails": "Lähetä minulle sähköposti, kun perhe lähettää vastaukset lähettämääni kyselyyn",
        "save": "Tallenna sähköpostiasetukset",
        "saved_settings": "Sähköpostiasetuksesi on tallennettu.",
    },
}


def test_the_nurse_is_emailed_sees_the_urgent_flag_first_and_acknowledges_it_by_keyboard(
    new_ui, db, family_centre, mailbox, runner, language
):
    texts = TEXTS[language]
    nurse_account = db.session.get(User, family_centre["nurse"].id)
    nurse_account.email_language = language
    db.session.commit()
    visit = make_visit(db, family_centre, instruments=("phq9",), language=language)

    # The parent answers on a phone: "several days" everywhere, item 9 included.
    phone = new_ui(width=375)
    phone.goto(f"/q/{invitations.visit_token(visit)}")
    phone.page.get_by_role("link", name=texts["start"]).first.click()
    phone.check()
    for n in range(1, 10):
        phone.page.locator(f"#q-phq{n}").get_by_label(texts["several_days"], exact=True).check()
        expect(phone.page.locator(f"#status-phq{n}")).to_have_text(texts["saved"])
    phone.page.get_by_role("button", name=texts["review"]).click()
    phone.check()
    phone.page.get_by_role("button", name=texts["send"]).click()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(texts["thanks"])
    phone.check()

    # By the end of the next scheduled-jobs run, the email has reached the mail server: only that
    # something awaits, and where.
    assert runner.invoke(args=["run-jobs"]).exit_code == 0
    [email] = mailbox.to(nurse_account.email)
    assert email["Subject"] == texts["subject"]
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert "/staff/" in body and "Elsa" not in body and "PHQ" not in body

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

    # Her account page says which emails she gets; she keeps urgent ones and turns off the others.
    page.locator(".main-nav").get_by_role("link", name=texts["account"]).click()
    nurse.check()
    page.get_by_label(texts["answered_emails"]).uncheck()
    page.get_by_role("button", name=texts["save"]).click()
    nurse.check()
    expect(page.locator(".flashes")).to_contain_text(texts["saved_settings"])
    db.session.rollback()  # end the test's read snapshot, to see what the server wrote
    assert not db.session.get(User, nurse_account.id).notify_new_answers

    # On a 320 px phone the questionnaire list scrolls inside its table (a long name makes it wide);
    # the page itself does not widen, hidden link texts included.
    sibling = invitations.open_case("Maximiliana-Wilhelmina-Alexandra", date(2021, 5, 4), nurse_account)
    db.session.commit()
    send_phq9(sibling.id, nurse_account.id, utcnow() - timedelta(hours=1), item9="not_at_all", language=language)
    page.set_viewport_size({"width": 320, "height": 700})
    nurse.goto("/staff/questionnaires")
    assert page.evaluate("document.querySelector('.table-wrap').scrollWidth") > 320
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
