"""A parent books, moves and cancels in the browser; the professional follows it in the agenda."""

import re
from datetime import time, timedelta

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
        "confirm_cancel": "Ja, avboka tiden",
        "cancelled": "Din tid har avbokats.",
        "cancelled_status": "Avbokad av familjen",
        "next_week": "Nästa vecka",
        "live": "lediga tider den här veckan",
        "by_phone": "Per telefon",
        "no_number": "En tid per telefon kräver ditt mobilnummer",
        "other_language": "suomi",
        "sms": "Skicka bekräftelsen och en påminnelse också som textmeddelande",
        "sms_text": "Famnen: din tid på familjecentret är bokad",
        "sms_sent": "Ett textmeddelande har skickats till 040 1234567.",
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
        "confirm_cancel": "Kyllä, peru aika",
        "cancelled": "Aikasi on peruttu.",
        "cancelled_status": "Perheen perumaa",
        "next_week": "Seuraava viikko",
        "live": "vapaata aikaa tällä viikolla",
        "by_phone": "Puhelimitse",
        "no_number": "Puhelinaikaa varten tarvitaan matkapuhelinnumerosi",
        "other_language": "svenska",
        "sms": "Lähetä vahvistus ja muistutus myös tekstiviestinä",
        "sms_text": "Famnen: perhekeskuksen aikasi on varattu",
        "sms_sent": "Tekstiviesti on lähetetty numeroon 040 1234567.",
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

    # Cancelling asks first.
    page.get_by_role("link", name=texts["cancel"]).click()
    parent.check()
    page.get_by_role("button", name=texts["confirm_cancel"]).click()
    parent.check()
    assert texts["cancelled"] in page.locator(".flashes").inner_text()
    assert texts["cancelled_status"] in agenda_text(staff, new_day)
    assert len(mailbox.to("anna@example.com")) == 3


def test_a_parent_books_a_phone_visit_in_the_other_language_and_is_written_to_in_their_own(
    new_ui, world, mailbox, http, language
):
    """A phone visit needs a mobile number; the family's messages come in the language they use, not the visit's."""
    texts = TEXTS[language]
    parent = new_ui(width=360)
    page = parent.page
    parent.goto(f"/book/{world.service_slug}")
    parent.check()
    page.get_by_label(texts["by_phone"]).check()
    page.wait_for_url("**mode=phone**")
    parent.check()
    page.get_by_role("link", name=texts["next_week"]).click()
    page.wait_for_url("**week=**")
    expect(page.locator("#live-region")).to_contain_text(texts["live"])
    parent.check()
    page.locator("button.slot-button").first.click()
    parent.check()

    page.get_by_label(texts["name"]).fill("Anna Lindholm")
    page.get_by_label(texts["email"]).fill("anna@example.com")
    page.get_by_label(texts["other_language"]).check()
    page.get_by_role("button", name=texts["book"]).click()
    parent.check()
    # Refused without a number to call, with the error summary focused and nothing typed lost.
    expect(page.locator(".error-summary")).to_contain_text(texts["no_number"])
    expect(page.get_by_label(texts["email"])).to_have_value("anna@example.com")
    expect(page.get_by_label(texts["other_language"])).to_be_checked()

    page.get_by_label(texts["phone"]).fill("040 123 4567")
    page.get_by_label(texts["sms"]).check()
    page.get_by_role("button", name=texts["book"]).click()
    parent.check()
    assert texts["booked"] in page.locator(".flashes").inner_text()
    assert texts["sms_sent"] in page.locator(".flashes").inner_text()
    [confirmation] = mailbox.to("anna@example.com")
    assert confirmation["Subject"].startswith(texts["subject"])
    [request] = http.requests
    assert request.form["to"] == "+358401234567" and request.form["text"].startswith(texts["sms_text"])


def test_keyboard_and_phone_users_move_through_weeks_and_days_and_keep_what_they_typed(new_ui, world, language):
    """After "Next week" the next Tab is the week's first time; the day picker jumps to a day; a language
    switch on the details form keeps what was typed."""
    texts = TEXTS[language]
    parent = new_ui(width=360)
    page = parent.page
    parent.goto(f"/book/{world.service_slug}")

    page.get_by_role("link", name=texts["next_week"]).focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**week=**")
    expect(page.locator("#live-region")).to_contain_text(texts["live"])
    expect(page.locator("#week-title")).to_be_focused()
    parent.check()
    page.keyboard.press("Tab")
    expect(page.locator("button.slot-button").first).to_be_focused()

    # Friday (or the last day with times, should a holiday close Friday) by the day picker.
    labels = page.locator(".day-picker a").all_inner_texts()
    index = next((i for i, label in enumerate(labels) if label.startswith(("fre", "pe"))), len(labels) - 1)
    page.locator(".day-picker a").nth(index).click()
    expect(page.locator(".week h3").nth(index)).to_be_focused()
    expect(page.locator(".week h3").nth(index)).to_be_in_viewport()
    page.keyboard.press("Tab")
    first_time = page.locator(".slot-list").nth(index).locator("button").first
    expect(first_time).to_be_focused()

    first_time.press("Enter")
    page.wait_for_url("**/details?**")
    parent.check()
    page.get_by_label(texts["name"]).fill("Anna Lindholm")
    page.get_by_label(texts["email"]).fill("anna@example.com")
    other = "fi" if language == "sv" else "sv"
    page.locator(f'header a[hreflang="{other}"]').click()
    page.wait_for_function(f"document.documentElement.lang === '{other}'")
    parent.check(other)
    expect(page.get_by_label(TEXTS[other]["name"])).to_have_value("Anna Lindholm")
    expect(page.get_by_label(TEXTS[other]["email"])).to_have_value("anna@example.com")


EARLIER = {
    "sv": {
        "ask": "Be om en tidigare tid",
        "mornings": "Förmiddagar (före kl. 12)",
        "join": "Ställ dig i kö till en tidigare tid",
        "in_line": "Du står nu i kö till en tidigare tid.",
        "take": "Ta den tidigare tiden",
        "moved": "Din tid har flyttats till den tidigare tiden.",
    },
    "fi": {
        "ask": "Pyydä aiempaa aikaa",
        "mornings": "Aamupäivisin (ennen klo 12)",
        "join": "Jonota aiempaa aikaa",
        "in_line": "Jonotat nyt aiempaa aikaa.",
        "take": "Otan aiemman ajan",
        "moved": "Aikasi on siirretty aiempaan aikaan.",
    },
}


def choose_the_taken_morning(page, day, mornings: str) -> None:
    """Fill a waiting form's window with only ``day``'s mornings (other days of this world are free)."""
    page.locator("#first_day").fill(day.isoformat())
    page.locator("#last_day").fill(day.isoformat())
    page.get_by_label(mornings).check()


def free_up_and_open_the_offer(new_ui, parent, mailbox, freed, email: str) -> None:
    """Another family cancels ``freed`` in a browser of their own; ``parent`` opens the offer the email links to."""
    from blueprints.booking import appointments

    other = new_ui()
    other.goto(f"/book/manage/{appointments.manage_token(freed)}/cancel")
    other.page.locator("form button.button-danger").click()
    other.check()
    offer = mailbox.to(email)[-1]
    link = re.search(r"http://localhost(/book/offer/\S+)", offer.get_body(preferencelist=("plain",)).get_content())
    parent.goto(link.group(1))


def test_a_parent_on_a_phone_waits_for_an_earlier_time_and_takes_it(new_ui, world, db, mailbox, language):
    """A parent asks for an earlier morning; when one frees up they get the link by email and take it."""
    from blueprints.booking import appointments
    from core.timeutil import to_local
    from tests.support.booking import book_at, fill_morning

    texts = EARLIER[language]
    day, taken = fill_morning(db, world)
    mine = book_at(db, world, day + timedelta(days=1), time(14), "Anna Lindholm", "anna@example.com", language=language)
    parent = new_ui(width=360)
    page = parent.page
    parent.goto(f"/book/manage/{appointments.manage_token(mine)}")
    page.get_by_role("link", name=texts["ask"]).click()
    parent.check()
    choose_the_taken_morning(page, day, texts["mornings"])
    page.get_by_role("button", name=texts["join"]).click()
    parent.check()
    expect(page.locator(".flashes")).to_contain_text(texts["in_line"])

    # The family at 9 cancels; the time is held for this parent, who gets the link by email (the only one).
    free_up_and_open_the_offer(new_ui, parent, mailbox, taken[1], "anna@example.com")
    assert len(mailbox.to("anna@example.com")) == 1
    page.get_by_role("button", name=texts["take"]).click()
    parent.check()
    expect(page.locator(".flashes")).to_contain_text(texts["moved"])
    db.session.rollback()  # see what the server committed
    assert to_local(db.session.get(type(mine), mine.id).starts_at).hour == 9
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


WAITING = {
    "sv": {
        "wait": "Meddela mig när en blir ledig",
        "name": "Ditt namn",
        "email": "E-postadress",
        "join": "Ställ dig i kö",
        "in_line": "Du står nu i kö.",
        "book": "Boka den här tiden",
        "booked": "Din tid är bokad.",
    },
    "fi": {
        "wait": "Kerro minulle, kun sellainen vapautuu",
        "name": "Nimesi",
        "email": "Sähköpostiosoite",
        "join": "Jonota",
        "in_line": "Olet nyt jonossa.",
        "book": "Varaan tämän ajan",
        "booked": "Aikasi on varattu.",
    },
}


def test_a_parent_with_no_booking_gets_in_line_and_books_the_freed_time(new_ui, world, db, mailbox, language):
    """No time suits: the parent gets in line from the times page; a morning time frees up and they book it."""
    from tests.support.booking import fill_morning

    texts = WAITING[language]
    day, taken = fill_morning(db, world)
    parent = new_ui(width=360)
    page = parent.page
    parent.goto(f"/book/{world.service_slug}")
    page.get_by_role("link", name=texts["wait"]).click()
    parent.check()
    page.get_by_label(texts["name"]).fill("Nora Nybörjare")
    page.get_by_label(texts["email"]).fill("nora@example.com")
    choose_the_taken_morning(page, day, EARLIER[language]["mornings"])
    page.get_by_role("button", name=texts["join"]).click()
    parent.check()
    expect(page.locator(".flashes")).to_contain_text(texts["in_line"])

    free_up_and_open_the_offer(new_ui, parent, mailbox, taken[0], "nora@example.com")
    page.get_by_role("button", name=texts["book"]).click()
    parent.check()
    expect(page.locator(".flashes")).to_contain_text(texts["booked"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
