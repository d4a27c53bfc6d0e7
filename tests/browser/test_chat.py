"""A parent on a phone asks the clinic's chat a question; the nurse sees her arrive, picks up, and they talk
live, each seeing the other's messages without reloading; the nurse books her a time from the chat and she sees
it there; the parent keeps the conversation at the end."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from core import timeutil
from tests.support.browser import sign_in_staff
from tests.support.chat import OPEN_MOMENT, make_channel

TEXTS = {
    "sv": {
        "chat": "Chatt",
        "channel": "Rådgivningens chatt",
        "nickname": "Förnamn eller smeknamn",
        "topic": "Vad vill du fråga?",
        "question": "Min son vaknar varje natt, vad kan vi göra?",
        "join": "Ställ dig i kön",
        "first_in_queue": "Du är nummer 1 i kön.",
        "one_waiting": "Rådgivningens chatt: 1 i kön",
        "nobody": "Ingen väntar.",
        "pick_up": "Ta chatten med Anna",
        "chatting": "Du chattar med",
        "message": "Meddelande",
        "send": "Skicka",
        "answer": "Hej Anna! Berätta mer: hur gammal är han? Se www.example.fi/somn",
        "reply": "Han är två år.",
        "book": "Boka en tid åt familjen",
        "service": "Barnrådgivning",
        "email": "E-postadress",
        "book_it": "Boka tiden",
        "booked": "Sara Nyström bokade en tid åt dig: Barnrådgivning,",
        "booked_for_family": "Sara Nyström bokade en tid åt familjen: Barnrådgivning,",
        "manage": "Se, ändra eller avboka tiden",
        "end": "Avsluta chatten",
        "ended": "Chatten har avslutats.",
        "download": "Ladda ner samtalet",
    },
    "fi": {
        "chat": "Chat",
        "channel": "Neuvolan chat",
        "nickname": "Etunimi tai nimimerkki",
        "topic": "Mitä haluaisit kysyä?",
        "question": "Poikani herää joka yö, mitä voimme tehdä?",
        "join": "Siirry jonoon",
        "first_in_queue": "Olet jonossa sijalla 1.",
        "one_waiting": "Neuvolan chat: 1 jonossa",
        "nobody": "Kukaan ei odota.",
        "pick_up": "Ota keskustelu: Anna",
        "chatting": "Keskustelet henkilön",
        "message": "Viesti",
        "send": "Lähetä",
        "answer": "Hei Anna! Kerro lisää: minkä ikäinen hän on? Katso www.example.fi/uni",
        "reply": "Hän on kaksivuotias.",
        "book": "Varaa perheelle aika",
        "service": "Lastenneuvola",
        "email": "Sähköpostiosoite",
        "book_it": "Varaa aika",
        "booked": "Sara Nyström varasi sinulle ajan: Lastenneuvola,",
        "booked_for_family": "Sara Nyström varasi perheelle ajan: Lastenneuvola,",
        "manage": "Katso, muuta tai peru aika",
        "end": "Lopeta keskustelu",
        "ended": "Keskustelu on päättynyt.",
        "download": "Lataa keskustelu",
    },
}


def fits(page, width: int) -> bool:
    """Whether the page needs no sideways scrolling at ``width`` CSS pixels."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def message_box(page, texts):
    """The box a message is written in (the log is labelled "Messages", so match the box's role too)."""
    return page.get_by_role("textbox", name=re.compile("^" + texts["message"]))


@pytest.fixture
def chat_hours_clock(monkeypatch):
    """The app's clock runs from a Wednesday morning when the chat is open, whatever the real hour or day."""
    started = datetime.now(UTC)
    monkeypatch.setattr(timeutil, "clock", lambda: OPEN_MOMENT + (datetime.now(UTC) - started))


def test_a_parent_on_a_phone_and_the_nurse_chat_live_and_book_a_time(new_ui, db, world, chat_hours_clock, language):
    texts = TEXTS[language]
    make_channel([world.professional.id])

    nurse = new_ui()
    sign_in_staff(nurse, world.professional)
    nurse.page.locator(".main-nav").get_by_role("link", name=texts["chat"]).click()
    nurse.check()
    expect(nurse.page.locator("main")).to_contain_text(texts["nobody"])

    # The parent finds the chat from the front page on a 360 px phone and joins the queue.
    phone = new_ui(width=360)
    family = phone.page
    phone.goto("/")
    family.get_by_role("link", name=texts["channel"]).first.click()
    phone.check()
    expect(family.get_by_role("link", name="112", exact=True)).to_have_attribute("href", "tel:112")
    family.get_by_label(texts["nickname"]).fill("Anna")
    family.get_by_label(texts["topic"]).fill(texts["question"])
    family.get_by_role("button", name=texts["join"]).click()
    expect(family.locator("#chat-status")).to_contain_text(texts["first_in_queue"])
    expect(family.get_by_role("log")).to_contain_text(texts["question"])
    phone.check()
    assert fits(family, 360)  # nothing wider than the phone
    family.set_viewport_size({"width": 320, "height": 800})
    assert fits(family, 320)  # and it reflows to 320 px (WCAG 1.4.10)
    family.set_viewport_size({"width": 360, "height": 900})

    # Her arrival reaches the nurse's open queue page without a reload, and is announced.
    queue = nurse.page.locator("main")
    expect(queue).to_contain_text(texts["one_waiting"])
    expect(queue).to_contain_text(texts["question"])
    expect(nurse.page.locator("#chat-queue-news")).not_to_be_empty()
    nurse.check()
    nurse.page.get_by_role("button", name=texts["pick_up"]).click()
    nurse.check()

    # The parent's status changes by itself: she is chatting with the nurse now.
    expect(family.locator("#chat-status")).to_contain_text(texts["chatting"])
    phone.check()

    # The nurse answers; the message appears in the parent's log, with the address made a safe link.
    message_box(nurse.page, texts).fill(texts["answer"])
    nurse.page.get_by_role("button", name=texts["send"]).click()
    expect(message_box(nurse.page, texts)).to_be_focused()  # ready for the next message
    expect(message_box(nurse.page, texts)).to_have_value("")
    family_log = family.get_by_role("log")
    expect(family_log).to_contain_text(texts["answer"])
    link = family_log.get_by_role("link", name=re.compile(r"www\.example\.fi"))
    expect(link).to_have_attribute("rel", "nofollow noopener noreferrer")
    phone.check()

    # The parent replies by keyboard: type, Enter on the button; the nurse sees it, once.
    message_box(family, texts).fill(texts["reply"])
    message_box(family, texts).press("Tab")
    expect(family.get_by_role("button", name=texts["send"])).to_be_focused()
    family.keyboard.press("Enter")
    expect(message_box(family, texts)).to_be_focused()
    expect(family_log.get_by_text(texts["reply"])).to_have_count(1)
    nurse_log = nurse.page.get_by_role("log")
    expect(nurse_log.get_by_text(texts["reply"])).to_have_count(1)
    nurse.check()
    phone.check()

    # The nurse books her an appointment without leaving the chat; the parent sees it in the chat, with its link.
    nurse.page.get_by_role("link", name=texts["book"]).click()
    nurse.check()
    nurse.page.get_by_role("link", name=texts["service"]).click()
    nurse.check()
    nurse.page.locator(".slot-button").first.click()
    nurse.check()
    nurse.page.get_by_label(texts["email"]).fill("anna@example.com")
    nurse.page.get_by_role("button", name=texts["book_it"]).click()
    expect(nurse_log).to_contain_text(texts["booked_for_family"])
    nurse.check()
    expect(family_log).to_contain_text(texts["booked"])
    expect(family_log.get_by_role("link", name=texts["manage"])).to_have_count(1)
    phone.check()

    # The nurse ends the chat; the parent's page says so and offers the conversation to keep.
    nurse.page.get_by_role("button", name=texts["end"]).click()
    nurse.check()
    expect(family.locator("#chat-status")).to_contain_text(texts["ended"])
    expect(message_box(family, texts)).to_have_count(0)
    with family.expect_download() as download:
        family.get_by_role("link", name=texts["download"]).click()
    transcript = download.value.path().read_text(encoding="utf-8")
    assert texts["question"] in transcript and texts["answer"] in transcript and texts["reply"] in transcript
    phone.check()


MESSAGE_TEXTS = {
    "sv": {
        "closed": "Stängt nu",
        "write": "Skriv ett meddelande",
        "name": "Ditt namn",
        "email": "E-postadress",
        "subject": "Ämne",
        "message": "Meddelande",
        "send": "Skicka meddelandet",
        "question": "Vår son äter dåligt, kan vi få råd?",
        "promise": "Vi svarar senast",
        "received": "Vi har fått ditt meddelande",
        "messages": "Meddelanden",
        "answer_box": "Meddelande",
        "send_answer": "Skicka svaret",
        "answer": "Hej! Erbjud små portioner och ät tillsammans. Ring oss gärna.",
        "answered_subject": "Ett svar väntar på dig i Famnen",
        "answered": "Familjecentret har svarat.",
    },
    "fi": {
        "closed": "Suljettu nyt",
        "write": "Kirjoita viesti",
        "name": "Nimesi",
        "email": "Sähköpostiosoite",
        "subject": "Aihe",
        "message": "Viesti",
        "send": "Lähetä viesti",
        "question": "Poikamme syö huonosti, voimmeko saada neuvoja?",
        "promise": "Vastaamme viimeistään",
        "received": "Saimme viestisi",
        "messages": "Viestit",
        "answer_box": "Viesti",
        "send_answer": "Lähetä vastaus",
        "answer": "Hei! Tarjoa pieniä annoksia ja syökää yhdessä. Soita meille.",
        "answered_subject": "Famnenissa odottaa sinulle vastaus",
        "answered": "Perhekeskus on vastannut.",
    },
}


@pytest.fixture
def after_hours_clock(monkeypatch):
    """The app's clock runs from a Wednesday evening when the chat has closed."""
    started = datetime.now(UTC)
    evening = OPEN_MOMENT + timedelta(hours=8)  # 18.00 in Helsinki
    monkeypatch.setattr(timeutil, "clock", lambda: evening + (datetime.now(UTC) - started))


def test_after_hours_a_parent_leaves_a_message_and_reads_the_answer_from_the_emailed_link(
    new_ui, db, world, after_hours_clock, mailbox, language
):
    texts = MESSAGE_TEXTS[language]
    make_channel([world.professional.id])

    phone = new_ui(width=360)
    family = phone.page
    phone.goto("/chat/radgivningens-chatt")
    expect(family.locator("main")).to_contain_text(texts["closed"])
    family.get_by_role("link", name=texts["write"], exact=True).click()
    phone.check()
    family.get_by_label(texts["name"]).fill("Anna")
    family.get_by_label(texts["email"]).fill("anna@example.com")
    family.get_by_label(texts["subject"]).fill("Mat")
    family.get_by_role("textbox", name=re.compile("^" + texts["message"])).fill(texts["question"])
    family.get_by_role("button", name=texts["send"]).click()
    expect(family.locator("main")).to_contain_text(texts["promise"])
    expect(family.locator("main")).to_contain_text(texts["question"])
    phone.check()
    assert fits(family, 360)

    # The email says a message arrived and when it is answered; not what it said.
    [received] = mailbox.to("anna@example.com")
    assert received["Subject"] == texts["received"]
    assert texts["question"] not in received.get_body(preferencelist=("plain",)).get_content()

    nurse = new_ui()
    sign_in_staff(nurse, world.professional)
    nurse.page.locator(".main-nav").get_by_role("link", name=re.compile("^" + texts["messages"])).click()
    nurse.check()
    nurse.page.get_by_role("link", name="Mat", exact=True).click()
    nurse.check()
    nurse.page.get_by_role("textbox", name=re.compile("^" + texts["answer_box"])).fill(texts["answer"])
    nurse.page.get_by_role("button", name=texts["send_answer"]).click()
    nurse.check()

    answered = mailbox.to("anna@example.com")[-1]
    assert answered["Subject"] == texts["answered_subject"]
    body = answered.get_body(preferencelist=("plain",)).get_content()
    assert texts["answer"] not in body
    link = re.search(r"https?://\S+/messages/open/\S+", body).group(0)
    # Read on another device: the emailed link lets this new browser in.
    laptop = new_ui()
    laptop.goto("/messages/" + link.split("/messages/", 1)[1])
    expect(laptop.page.locator("main")).to_contain_text(texts["answered"])
    expect(laptop.page.locator("main")).to_contain_text(texts["answer"])
