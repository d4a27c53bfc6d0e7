"""On a 375 px phone a parent answers the four-year check-up, stops halfway, resumes on another device,
sends, and books the coach call the Kraftfamiljer offer leads to; the nurse reads scores, flags and answers."""

from playwright.sync_api import expect

from tests.support.browser import sign_in_staff

EXTERNALIZING = (4, 5, 8, 10, 12, 14, 16)
TEXTS = {
    "sv": {
        "invite": "Bjud in en familj",
        "first_name": "Barnets förnamn",
        "surname": "Barnets efternamn",
        "born": "Barnets födelsedatum",
        "new_child": "Ett nytt barn",
        "package": "Fyraårsgranskningen (v3)",
        "phq": "PHQ-9",
        "language": "Svenska",
        "create": "Skapa inbjudan",
        "start": "Börja",
        "resume": "Fortsätt",
        "never": "Aldrig",
        "often": "Ofta",
        "saved": "Sparat",
        "yes": "Ja",
        "more_than_year": "Längre än ett år",
        "next": "Nästa sida",
        "review": "Granska dina svar",
        "send": "Skicka svaren",
        "thanks": "Tack! Dina svar har skickats.",
        "offer": "Erbjudande om föräldraträning med coach",
        "book_call": "Boka det första samtalet",
        "name": "Ditt namn",
        "mobile": "Mobilnummer",
        "mail": "E-postadress",
        "book": "Boka tiden",
        "booked": "Ditt första samtal med coachen är bokat.",
        "several_days": "Flera dagar",
        "next_questionnaire": "Fortsätt till nästa enkät",
        "read": "Läs",
        "high": "Över gränsvärdet",
        "flags": "Behöver uppmärksamhet nu",
        "burden": "Belastar ditt barns beteende familjens vardag?",
        "booked_note": "Familjen bokade det första samtalet med Katja Lehtonen till",
        "well": "Bra",
        "sometimes": "Ibland",
        "next_week": "Nästa vecka",
        "live": "lediga tider den här veckan",
        "mark_reviewed": "Markera som granskat",
        "reviewed": "Resultatet har markerats som granskat.",
    },
    "fi": {
        "invite": "Kutsu perhe",
        "first_name": "Lapsen etunimi",
        "surname": "Lapsen sukunimi",
        "born": "Lapsen syntymäaika",
        "new_child": "Uusi lapsi",
        "package": "Neljävuotistarkastus (v3)",
        "phq": "PHQ-9",
        "language": "Suomi",
        "create": "Luo kutsu",
        "start": "Aloita",
        "resume": "Jatka",
        "never": "Ei koskaan",
        "often": "Usein",
        "saved": "Tallennettu",
        "yes": "Kyllä",
        "more_than_year": "Yli vuoden",
        "next": "Seuraava sivu",
        "review": "Tarkista vastauksesi",
        "send": "Lähetä vastaukset",
        "thanks": "Kiitos! Vastauksesi on lähetetty.",
        "offer": "Tarjous valmentajan tukemasta vanhemmuusohjelmasta",
        "book_call": "Varaa ensimmäinen puhelu",
        "name": "Nimesi",
        "mobile": "Matkapuhelinnumero",
        "mail": "Sähköpostiosoite",
        "book": "Varaa aika",
        "booked": "Ensimmäinen puhelusi valmentajan kanssa on varattu.",
        "several_days": "Useina päivinä",
        "next_questionnaire": "Jatka seuraavaan kyselyyn",
        "read": "Lue",
        "high": "Raja-arvon yläpuolella",
        "flags": "Vaatii huomiota nyt",
        "burden": "Kuormittaako lapsesi käytös perheenne arkea?",
        "booked_note": "Perhe varasi ensimmäisen puhelun: Katja Lehtonen,",
        "well": "Hyvin",
        "sometimes": "Joskus",
        "next_week": "Seuraava viikko",
        "live": "vapaata aikaa tällä viikolla",
        "mark_reviewed": "Merkitse tarkistetuksi",
        "reviewed": "Tulos on merkitty tarkistetuksi.",
    },
}


def choose(ui, item, label, texts):
    """Pick an option; the answer saves itself (htmx) and says so."""
    ui.page.locator(f"#q-{item}").get_by_label(label, exact=True).check()
    expect(ui.page.locator(f"#status-{item}")).to_have_text(texts["saved"])


def test_a_parent_answers_on_a_phone_resumes_sends_and_books_the_coach_call(new_ui, family_centre, mailbox, language):
    texts = TEXTS[language]
    nurse = new_ui()
    sign_in_staff(nurse, family_centre["nurse"])
    nurse.goto("/staff/questionnaires")
    nurse.page.get_by_role("link", name=texts["invite"]).click()
    nurse.check()
    form = nurse.page
    form.get_by_label(texts["new_child"], exact=True).check()
    form.get_by_label(texts["first_name"]).fill("Alva")
    form.get_by_label(texts["surname"]).fill("Nyström")
    form.get_by_label(texts["born"]).fill("2022-08-20")
    form.get_by_label(texts["package"]).check()
    form.get_by_label(texts["phq"], exact=False).first.check()
    form.get_by_label(texts["language"], exact=True).check()
    form.get_by_role("button", name=texts["create"]).click()
    nurse.check()
    link = form.locator("#family-link").input_value()
    path = link.split("localhost", 1)[1] if "localhost" in link else "/" + link.split("/", 3)[3]

    # The parent opens the link on a phone and answers part of the first page.
    phone = new_ui(width=375)
    phone.goto(path)
    phone.page.get_by_role("link", name=texts["start"]).first.click()
    phone.check()
    for n in range(1, 9):
        choose(phone, f"psc{n}", texts["often"] if n in EXTERNALIZING else texts["never"], texts)
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 375
    phone.check()
    phone.page.context.close()  # the bus goes into a tunnel; the browser is closed halfway

    # Later, on another device, the same link continues where they left off.
    device = new_ui(width=375)
    device.goto(path)
    device.page.get_by_role("link", name=texts["resume"]).first.click()
    device.check()
    expect(device.page.locator("#q-psc4").get_by_label(texts["often"], exact=True)).to_be_checked()
    for n in range(9, 18):
        choose(device, f"psc{n}", texts["often"] if n in EXTERNALIZING else texts["never"], texts)
    device.page.get_by_role("button", name=texts["next"]).click()
    device.check()
    choose(device, "burden", texts["yes"], texts)
    follow_up = device.page.locator("#q-burden_duration")
    expect(follow_up).to_be_visible()  # brought up by the answer, without a page load
    device.check()
    choose(device, "burden_duration", texts["more_than_year"], texts)
    device.page.get_by_role("button", name=texts["next"]).click()
    device.check()
    choose(device, "support", texts["sometimes"], texts)
    choose(device, "coping", texts["well"], texts)
    device.page.get_by_role("button", name=texts["review"]).click()
    device.check()
    device.page.get_by_role("button", name=texts["send"]).click()
    device.check()
    expect(device.page.get_by_role("heading", level=1)).to_have_text(texts["thanks"])
    expect(device.page.get_by_role("heading", name=texts["offer"])).to_be_visible()

    # The offer books the first coach call through the booking pages.
    device.page.get_by_role("link", name=texts["book_call"]).click()
    device.check()
    # Next week's times are hours away whenever the test runs; this week's first may pass its notice.
    device.page.get_by_role("link", name=texts["next_week"]).click()
    expect(device.page.locator("#live-region")).to_contain_text(texts["live"])
    device.check()
    device.page.locator("button.slot-button").first.click()
    device.check()
    device.page.get_by_label(texts["name"]).fill("Maria Sundström")
    device.page.get_by_label(texts["mail"]).fill("maria@example.com")
    device.page.get_by_label(texts["mobile"]).fill("050 765 4321")  # the coach calls
    device.page.get_by_role("button", name=texts["book"]).click()
    device.check()
    expect(device.page.locator(".flashes")).to_contain_text(texts["booked"])
    assert mailbox.to("maria@example.com")

    # The bundled PHQ-9 is next; answering item 9 raises a flag for the nurse.
    device.goto(path)
    device.page.get_by_role("link", name=texts["start"]).first.click()
    device.check()
    for n in range(1, 10):
        choose(device, f"phq{n}", texts["several_days"], texts)
    device.page.get_by_role("button", name=texts["review"]).click()
    device.check()
    device.page.get_by_role("button", name=texts["send"]).click()
    device.check()

    # The nurse reads the results: scores and levels in words, the flag at the top, every answer.
    nurse.goto("/staff/questionnaires")
    nurse.page.get_by_role("link", name=texts["read"]).first.click()
    nurse.check()
    results = nurse.page.locator("main").inner_text()
    assert texts["high"] in results and texts["burden"] in results and texts["booked_note"] in results
    nurse.goto("/staff/questionnaires")
    nurse.page.get_by_role("link", name=texts["read"]).nth(1).click()
    nurse.check()
    expect(nurse.page.get_by_role("heading", name=texts["flags"])).to_be_visible()
    assert len(mailbox.to(family_centre["nurse"].email)) == 1  # the alert, without health data

    # She has gone through it: the sign-off shows with her name.
    nurse.page.get_by_role("button", name=texts["mark_reviewed"]).click()
    nurse.check()
    expect(nurse.page.locator(".flashes")).to_contain_text(texts["reviewed"])
    expect(nurse.page.locator("#review")).to_contain_text("Sara Nyström")


def test_an_answer_given_without_a_connection_is_kept_and_saved_later(new_ui, db, family_centre, language):
    from blueprints.auth.models import User
    from blueprints.questionnaires import invitations
    from blueprints.questionnaires.models import Child, Response
    from core.timeutil import utcnow

    texts = TEXTS[language]
    child = db.session.get(Child, family_centre["child_id"])
    visit = invitations.invite(
        child, db.session.get(User, family_centre["nurse"].id), ["psc17"], language, utcnow(), 30
    )
    db.session.commit()  # as the invitation view does
    token = invitations.response_token(visit.responses[0])
    phone = new_ui(width=375)
    phone.goto(f"/q/r/{token}/page/1")
    choose(phone, "psc1", texts["often"], texts)

    phone.page.context.set_offline(True)
    phone.page.locator("#q-psc2").get_by_label(texts["sometimes"], exact=True).check()
    pending = phone.page.locator("#status-psc2")
    expect(pending).to_have_class("save-status save-pending")
    expect(phone.page.locator("#live-region")).not_to_be_empty()
    phone.check()
    # Even a reload while offline-then-online keeps it: it waits in the browser until it is saved.
    phone.page.context.set_offline(False)
    expect(pending).to_have_text(texts["saved"])
    db.session.rollback()
    assert db.session.get(Response, visit.responses[0].id).answer_values == {"psc1": "often", "psc2": "sometimes"}
