"""The coached programme end to end, in Swedish and in Finnish: a family on a 360 px phone, offered the programme
after screening, enrols by booking the first call, writes week 1's exercise offline and online; the coach sees it,
books the week-2 call and opens week 2; at the end the follow-up's change shows on the child's page and in the PDF.
Every page passes axe and the Nu Html Checker."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from blueprints.programmes.demo import import_shipped_programmes
from blueprints.programmes.models import Enrolment, ExerciseAnswer
from blueprints.questionnaires import invitations
from blueprints.questionnaires.models import Visit
from tests.support.browser import sign_in_staff
from tests.support.pdf import pdf_text
from tests.support.questionnaires import answer_everything, family, sent_response

TEXTS = {
    "sv": {
        "book_call": "Boka det första samtalet",
        "next_week": "Nästa vecka",
        "name": "Ditt namn",
        "mail": "E-postadress",
        "mobile": "Mobilnummer",
        "book": "Boka tiden",
        "started": "Ditt program har börjat.",
        "week1": "Vecka 1",
        "pending": "Inte sparat ännu",
        "saved": "Sparat",
        "programmes": "Program",
        "book_next": "Boka nästa samtal",
        "call_booked": "Samtalet för vecka 2 är bokat.",
        "open_week": "Öppna nästa vecka nu",
        "week2_open": "Vecka 2 är nu öppen för familjen.",
        "end": "Avsluta programmet",
        "completed": "Slutfört",
        "follow_up_sent": "Uppföljningsenkäten har skickats till familjen.",
        "before_after": "Före och efter",
        "title": "Vardagsrutiner och positiv uppmärksamhet",
    },
    "fi": {
        "book_call": "Varaa ensimmäinen puhelu",
        "next_week": "Seuraava viikko",
        "name": "Nimesi",
        "mail": "Sähköpostiosoite",
        "mobile": "Matkapuhelinnumero",
        "book": "Varaa aika",
        "started": "Ohjelmasi on alkanut.",
        "week1": "Viikko 1",
        "pending": "Ei vielä tallennettu",
        "saved": "Tallennettu",
        "programmes": "Ohjelmat",
        "book_next": "Varaa seuraava puhelu",
        "call_booked": "Viikon 2 puhelu on varattu.",
        "open_week": "Avaa seuraava viikko nyt",
        "week2_open": "Viikko 2 on nyt auki perheelle.",
        "end": "Päätä ohjelma",
        "completed": "Suoritettu",
        "follow_up_sent": "Seurantakysely on lähetetty perheelle.",
        "before_after": "Ennen ja jälkeen",
        "title": "Arjen rutiinit ja myönteinen huomio",
    },
}
CALMER = {f"psc{n}": "never" for n in range(1, 18)} | {
    "burden": "no",
    "support": "often",
    "coping": "well",
    "wish_to_talk": "no",
}


def _pick_next_weeks_first_time(ui, texts):
    # Next week's times are hours away whenever the test runs; this week's first may pass its notice.
    ui.page.get_by_role("link", name=texts["next_week"]).click()
    ui.page.wait_for_url(re.compile(r".*week=.*"))
    ui.check()
    ui.page.locator("button.slot-button").first.click()
    ui.check()


def test_a_family_takes_the_programme_with_a_coach_on_a_phone(
    new_ui, app, client, db, family_centre, mailbox, language
):
    texts = TEXTS[language]
    import_shipped_programmes()
    screening = sent_response(db, family_centre)
    screening.language = language
    db.session.commit()

    # The family is offered the programme after screening and enrols by booking the first coach call.
    phone = new_ui(width=360)
    phone.goto(f"/q/r/{invitations.response_token(screening)}/thanks?lang={language}")
    phone.check()
    phone.page.get_by_role("link", name=texts["book_call"]).click()
    phone.check()
    _pick_next_weeks_first_time(phone, texts)
    phone.page.get_by_label(texts["name"]).fill("Anna Lindholm")
    phone.page.get_by_label(texts["mail"]).fill("anna@example.com")
    phone.page.get_by_label(texts["mobile"]).fill("040 123 4567")
    phone.page.get_by_role("button", name=texts["book"]).click()
    phone.check()
    expect(phone.page.locator(".flashes")).to_contain_text(texts["started"])
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(texts["title"])
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360

    # Week 1: the first answer is written without a connection and saved when it returns; the next online.
    phone.page.get_by_role("link", name=re.compile(texts["week1"])).click()
    phone.check()
    answers = phone.page.locator("textarea")
    phone.page.context.set_offline(True)
    answers.nth(0).fill("Morgnarna / Aamut: bildtavlan hjälper – kuvataulu auttaa.")
    answers.nth(0).blur()
    status = phone.page.locator(".programme-exercise .save-status").first
    expect(status).to_contain_text(texts["pending"])
    phone.check()
    phone.page.context.set_offline(False)
    expect(status).to_have_text(texts["saved"])
    answers.nth(1).fill("Kvällarna / Illat")
    answers.nth(1).blur()
    expect(phone.page.locator(".programme-exercise .save-status").nth(1)).to_have_text(texts["saved"])
    phone.page.locator(".programme-exercise input[type=checkbox]").first.check()
    expect(phone.page.locator(".checkbox-row .save-status").first).to_have_text(texts["saved"])
    phone.check()
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 360
    db.session.rollback()  # a new read: the server has written meanwhile
    assert len(db.session.scalars(select(ExerciseAnswer)).all()) == 3

    # The coach sees the family's answers, books the week-2 call and opens week 2.
    coach = new_ui()
    sign_in_staff(coach, family_centre["coach"])
    coach.page.locator(".main-nav").get_by_role("link", name=texts["programmes"], exact=True).click()
    coach.check()
    coach.page.locator("main").get_by_role("link", name=re.compile("Elsa")).click()
    coach.check()
    expect(coach.page.locator("main")).to_contain_text("bildtavlan hjälper")
    coach.page.get_by_role("link", name=texts["book_next"]).click()
    coach.check()
    _pick_next_weeks_first_time(coach, texts)
    coach.page.get_by_role("button", name=texts["book"]).click()
    coach.check()
    expect(coach.page.locator(".flashes")).to_contain_text(texts["call_booked"])
    coach.page.get_by_role("button", name=texts["open_week"]).click()
    coach.check()
    expect(coach.page.locator(".flashes")).to_contain_text(texts["week2_open"])
    phone.page.goto(phone.page.url.split("/week/")[0] + "/week/2")
    phone.check()
    expect(phone.page.locator("textarea").first).to_be_editable()

    # At the end the coach ends the programme; the follow-up goes out and, once answered, shows the change.
    coach.page.get_by_label(texts["completed"], exact=True).check()
    coach.page.get_by_role("button", name=texts["end"]).click()
    coach.check()
    expect(coach.page.locator(".flashes")).to_contain_text(texts["follow_up_sent"])
    db.session.rollback()
    enrolment = db.session.scalar(select(Enrolment))
    follow_up = invitations.response_token(db.session.get(Visit, enrolment.final_visit_id).responses[0])
    device = family(app, client, language)
    answer_everything(device, follow_up, CALMER)
    device.submit(f"/q/r/{follow_up}/send", token_from=f"/q/r/{follow_up}/review")
    coach.goto(f"/staff/questionnaires/children/{family_centre['child_id']}")
    coach.check()
    expect(coach.page.get_by_role("heading", name=re.compile(texts["before_after"]))).to_be_visible()
    expect(coach.page.locator("svg.change-chart").first).to_be_visible()
    pdf = coach.page.request.get(f"{coach.base_url}/staff/reports/children/{family_centre['child_id']}.pdf")
    text = " ".join(pdf_text(pdf.body()).split())
    assert texts["before_after"] in text and texts["title"] in text
