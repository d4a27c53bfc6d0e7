"""A parent books, moves and cancels in the browser; the professional follows it in the agenda."""

import re

from icalendar import Calendar
from playwright.sync_api import expect

from tests.support.browser import sign_in_staff

TEXTS = {
    "sv": {
        "book_nav": "Boka en tid",
        "service": "Barnrådgivning",
        "name": "Ditt namn",
        "email": "E-postadress",
        "phone": "Mobilnummer",
        "child": "Barnets förnamn",
        "book": "Boka tiden",
        "booked": "Din tid är bokad.",
        "subject": "Tiden är bokad",
        "move": "Flytta till en annan tid",
        "confirm_move": "Flytta tiden",
        "moved": "Din tid har flyttats.",
        "cancel": "Avboka tiden",
        "cancelled": "Din tid har avbokats.",
        "cancelled_status": "Avbokad av familjen",
        "next_week": "Nästa vecka",
        "live": "lediga tider den här veckan",
    },
    "fi": {
        "book_nav": "Varaa aika",
        "service": "Lastenneuvola",
        "name": "Nimesi",
        "email": "Sähköpostiosoite",
        "phone": "Matkapuhelinnumero",
        "child": "Lapsen etunimi",
        "book": "Varaa aika",
        "booked": "Aikasi on varattu.",
        "subject": "Aika on varattu",
        "move": "Siirrä toiseen aikaan",
        "confirm_move": "Siirrä aika",
        "moved": "Aikasi on siirretty.",
        "cancel": "Peru aika",
        "cancelled": "Aikasi on peruttu.",
        "cancelled_status": "Perheen perumaa",
        "next_week": "Seuraava viikko",
        "live": "vapaata aikaa tällä viikolla",
    },
}


def agenda_text(staff_ui, day: str) -> str:
    staff_ui.goto(f"/staff/agenda?day={day}")
    return staff_ui.page.locator("#agenda").inner_text()


def test_a_parent_books_moves_and_cancels_and_the_professional_sees_it(new_ui, world, mailbox, language):
    texts = TEXTS[language]
    parent = new_ui(width=390)
    page = parent.page

    parent.goto("/")
    page.get_by_role("link", name=texts["book_nav"]).first.click()
    parent.check()
    page.get_by_role("link", name=texts["service"]).click()
    parent.check()

    # Week navigation with htmx announces the result in the live region.
    page.get_by_role("link", name=texts["next_week"]).click()
    expect(page.locator("#live-region")).to_contain_text(texts["live"])
    assert "week=" in page.url
    parent.check()

    first_slot = page.locator("button.slot-button").first
    accessible_name = first_slot.evaluate("b => b.textContent.replace(/\\s+/g, ' ').trim()")
    assert "Sara Nyström" in accessible_name and (
        "Konstfabriken" in accessible_name or "Taidetehdas" in accessible_name
    )
    first_slot.click()
    parent.check()

    page.get_by_label(texts["name"]).fill("Anna Lindholm")
    page.get_by_label(texts["email"]).fill("anna@example.com")
    page.get_by_label(texts["phone"]).fill("040 123 4567")
    page.get_by_label(texts["child"]).fill("Elsa")
    page.get_by_role("button", name=texts["book"]).click()
    parent.check()
    assert texts["booked"] in page.locator(".flashes").inner_text()

    [confirmation] = mailbox.to("anna@example.com")
    assert confirmation["Subject"].startswith(texts["subject"])
    [ics] = [part for part in confirmation.iter_attachments() if part.get_content_type() == "text/calendar"]
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    booked_day = event.decoded("dtstart").astimezone().date()
    manage_path = re.search(
        r"http://localhost(/book/manage/\S+)", confirmation.get_body(preferencelist=("plain",)).get_content()
    ).group(1)

    staff = new_ui()
    sign_in_staff(staff, world.professional)
    from core.timeutil import to_local

    day = to_local(event.decoded("dtstart")).date().isoformat()
    assert "Anna Lindholm" in agenda_text(staff, day)
    assert booked_day

    # The parent opens the link from the email and moves the appointment.
    parent.goto(manage_path)
    page.get_by_role("link", name=texts["move"]).click()
    parent.check()
    # Next week has free times whatever the hour the test runs (this week may be nearly over).
    page.get_by_role("link", name=texts["next_week"]).click()
    expect(page.locator("#live-region")).to_contain_text(texts["live"])
    parent.check()
    page.locator("button.slot-button").nth(6).click()
    parent.check()
    page.get_by_role("button", name=texts["confirm_move"]).click()
    parent.check()
    assert texts["moved"] in page.locator(".flashes").inner_text()
    moved = mailbox.to("anna@example.com")[-1]
    new_start = (
        Calendar.from_ical([p for p in moved.iter_attachments()][0].get_content()).walk("VEVENT")[0].decoded("dtstart")
    )
    new_day = to_local(new_start).date().isoformat()
    assert to_local(new_start).strftime("%-H.%M") in agenda_text(staff, new_day)

    page.get_by_role("button", name=texts["cancel"]).click()
    parent.check()
    assert texts["cancelled"] in page.locator(".flashes").inner_text()
    assert texts["cancelled_status"] in agenda_text(staff, new_day)
    assert len(mailbox.to("anna@example.com")) == 3
