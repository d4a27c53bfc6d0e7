"""Booking keeps its promises: contact details that fit the visit, honest deadlines, the family's language,
text messages, a confirmation before cancelling, and the back button after booking."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.booking import appointments as booking
from blueprints.booking import jobs
from blueprints.booking.appointments import FamilyDetails
from blueprints.booking.models import Appointment, AppointmentStatus, ProfessionalProfile
from blueprints.booking.time_search import SlotChoice, SlotQuery, find_slots
from core import timeutil
from core.i18n import date_and_time, long_date, short_date
from core.phone import display_phone, is_mobile, normalise_phone
from core.timeutil import to_local
from tests.support.booking import book, free_slots
from tests.support.factories import make_service
from tests.support.helpers import next_week

# A Tuesday morning with ordinary working days around it.
NOW = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)


def appointments(db) -> list[Appointment]:
    """Every appointment, oldest first."""
    return list(db.session.scalars(select(Appointment).order_by(Appointment.id)))


def slot_for(client, slug: str, mode: str) -> str:
    """The first free time next week for a visit of ``mode``."""
    [slot, *_] = free_slots(client, next_week(f"/book/{slug}?mode={mode}"))
    assert slot.startswith(f"{mode}.")
    return slot


def video_service(db, world):
    """A video service of the world's professional, whose meeting room is set."""
    professional = db.session.get(User, world.professional.id)
    db.session.get(ProfessionalProfile, professional.id).video_url = "https://video.example/room/sara"
    return make_service(
        [professional], slug="video", in_person=False, by_phone=False, by_video=True, cancellation_deadline_hours=0
    )


def outbox_texts(app) -> list[str]:
    """The text messages the outbox holds, oldest first: header lines and text."""
    folder = Path(app.config["SMS_OUTBOX_DIR"])
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))] if folder.exists() else []


def test_phone_numbers_are_read_as_families_write_them_and_stored_in_e164():
    assert normalise_phone("040-1234567") == normalise_phone("+358 40 123 4567") == "+358401234567"
    assert normalise_phone("+46 70 123 45 67") == "+46701234567"
    assert display_phone("+358401234567") == "040 1234567" and display_phone("+46701234567") == "+46 70 123 45 67"
    assert is_mobile("040 123 4567") and not is_mobile("09 310 1691") and not is_mobile("12345")


def test_a_phone_visit_cannot_be_booked_without_a_mobile_number_to_call(client, db, world):
    slot = slot_for(client, world.service_slug, "phone")
    details = client.get(f"/book/{world.service_slug}/details?slot={slot}").get_data(as_text=True)
    assert re.search(r'<input[^>]*aria-required="true"[^>]*name="guardian_phone"', details)
    assert "Den professionella ringer dig på din mobiltelefon, så numret behövs." in details

    missing = book(client, world, slot=slot, guardian_phone="")
    assert missing.status_code == 422
    assert "En tid per telefon kräver ditt mobilnummer: den professionella ringer dig på det." in missing.text
    landline = book(client, world, slot=slot, guardian_phone="09 310 1691")
    assert landline.status_code == 422 and "Ge ett mobilnummer: den professionella ringer dig på det." in landline.text
    assert 'value="09 310 1691"' in landline.text  # what was typed is kept
    assert appointments(db) == []

    assert book(client, world, slot=slot, guardian_phone="+46 70 123 45 67").status_code == 302
    [appointment] = appointments(db)
    assert (appointment.mode, appointment.guardian_phone) == ("phone", "+46701234567")


def test_a_video_visit_needs_somewhere_to_send_the_link(app, client, db, world):
    service = video_service(db, world)
    slot = slot_for(client, service.slug, "video")
    path, details = f"/book/{service.slug}/details", f"/book/{service.slug}/details?slot={slot}"
    family = {"guardian_name": "Anna Lindholm", "language": "sv", "slot": slot}

    app.config["SMS_BACKEND"] = "disabled"
    refused = client.submit(path, {**family, "guardian_phone": "040 123 4567"}, token_from=details)
    assert refused.status_code == 422
    assert "En videotid kräver en e-postadress, dit vi skickar länken till samtalet." in refused.text
    assert "sms_wanted" not in refused.text  # no text messages to offer

    # With text messages on, a mobile number alone will do: the link goes by text message.
    app.config["SMS_BACKEND"] = "outbox"
    assert client.submit(path, {**family, "guardian_phone": "040 123 4567"}, token_from=details).status_code == 302
    [appointment] = appointments(db)
    assert appointment.sms_wanted and appointment.guardian_email == ""
    [message] = outbox_texts(app)
    assert "To: +358401234567" in message and "Famnen: din tid på familjecentret är bokad" in message


def test_a_swedish_speaking_family_booking_in_finnish_is_written_to_in_swedish(client, db, world, mailbox, http):
    slot = slot_for(client, world.service_slug, "phone")
    booked = book(client, world, slot=slot, language="fi", sms_wanted="y")
    assert booked.status_code == 302
    [appointment] = appointments(db)
    assert (appointment.language, appointment.family_language, appointment.sms_wanted) == ("fi", "sv", True)

    [message] = mailbox.to("anna@example.com")
    assert message["Subject"].startswith("Tiden är bokad: Barnrådgivning")
    body = message.get_body(preferencelist=("plain",)).get_content()
    manage_url = re.search(r"http://localhost(/book/manage/\S+)", body).group(1)
    assert manage_url.endswith("?lang=sv")

    [request] = http.requests
    assert request.form["to"] == "+358401234567"
    text = request.form["text"]
    assert text.startswith("Famnen: din tid på familjecentret är bokad")
    assert "lang=sv" in text and "Ring " not in text
    # Nothing in the text message tells what the visit is about or whom.
    assert "Barnrådgivning" not in text and "Lastenneuvola" not in text and "Elsa" not in text
    assert "Sara" not in text

    page = client.get(booked.headers["Location"]).text
    assert "Ett textmeddelande har skickats till 040 1234567." in page
    # The link opens in Swedish, even in a browser set to Finnish.
    client.get("/language/fi")
    assert "<h1>Din tid</h1>" in client.get(manage_url).text


def test_a_time_past_its_change_deadline_says_so_before_booking_and_in_every_message(
    app, client, db, world, mailbox, monkeypatch
):
    monkeypatch.setattr(timeutil, "clock", lambda: NOW)
    professional = db.session.get(User, world.professional.id)
    service = make_service([professional], slug="late", cancellation_deadline_hours=48, min_notice_hours=1)
    slot = free_slots(client, f"/book/{service.slug}")[0]
    details = client.get(f"/book/{service.slug}/details?slot={slot}").text
    assert "Det är mindre än 48 timmar till den här tiden, så när den är bokad kan den inte ändras" in details

    family = {"guardian_name": "Anna Lindholm", "guardian_email": "anna@example.com", "language": "sv"}
    booked = client.submit(
        f"/book/{service.slug}/details",
        {**family, "slot": slot},
        token_from=f"/book/{service.slug}/details?slot={slot}",
    )
    assert booked.status_code == 302
    body = mailbox.to("anna@example.com")[0].get_body(preferencelist=("plain",)).get_content()
    assert "(senast " not in body and "Den kan inte längre ändras på nätet. Om du inte kan komma, ring" in body
    manage = client.get(booked.headers["Location"]).text
    assert "Avboka tiden" not in manage and "kan inte längre ändras på nätet" in manage
    assert "kan ändra tiden" not in manage


QUOTED_DEADLINE = re.compile(r"(?:till|senast) (\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}\.\d{2})")


def quoted_deadlines(text: str) -> list[datetime]:
    """The deadlines a Swedish text quotes ("... senast 11.3.2026 9.00"), as Helsinki wall-clock times."""
    return [datetime.strptime(found, "%d.%m.%Y %H.%M") for found in QUOTED_DEADLINE.findall(text)]


def test_reminders_sent_at_any_hour_around_the_deadline_never_quote_a_deadline_already_past(
    app, db, world, mailbox, monkeypatch
):
    app.config["REMINDER_HOURS_BEFORE"] = 48
    professional = db.session.get(User, world.professional.id)
    service = make_service([professional], slug="deadline", cancellation_deadline_hours=24)
    starts = next(
        s
        for s in find_slots(SlotQuery(service, "in_person"), NOW.date(), NOW.date() + timedelta(days=3), NOW)
        if s.starts_at >= NOW + timedelta(hours=36)
    )
    family = FamilyDetails("Anna Lindholm", "anna@example.com", "+358401234567", "Elsa", 4, "sv", "", "sv", True)
    choice = SlotChoice("in_person", starts.professional_id, starts.centre_id, starts.starts_at)
    appointment = booking.book(service, choice, family, NOW)
    db.session.commit()
    deadline = booking.changeable_until(appointment)

    # Every hour of the day around the deadline, from 12 hours before it to 12 hours after.
    for hour in range(-12, 13):
        now = deadline + timedelta(hours=hour)
        monkeypatch.setattr(timeutil, "clock", lambda now=now: now)
        db.session.get(Appointment, appointment.id).reminder_sent_at = None
        db.session.commit()
        assert jobs.send_due_reminders(now) == (1, 0)
        email = mailbox.to("anna@example.com")[-1].get_body(preferencelist=("plain",)).get_content()
        text = outbox_texts(app)[-1]
        local_now = to_local(now).replace(tzinfo=None)
        for message in (email, text):
            assert all(quoted > local_now for quoted in quoted_deadlines(message)), (hour, message)
        if now < deadline:
            assert quoted_deadlines(email) and quoted_deadlines(text), hour
        else:  # what is still possible: calling
            assert "Den kan inte längre ändras på nätet. Om du inte kan komma, ring" in email, hour
            assert "Ring " in text and "till " not in text, hour


def test_cancelling_asks_first_and_works_without_javascript(client, db, world):
    booked = book(client, world)
    manage_path = booked.headers["Location"]
    manage = client.get(manage_path).text
    cancel_path = re.search(r'<a class="button button-danger" href="([^"]+)">Avboka tiden</a>', manage).group(1)
    confirm = client.get(cancel_path).text
    assert "<h1>Avboka tiden?</h1>" in confirm and "Ja, avboka tiden" in confirm and "Nej, behåll tiden" in confirm
    [appointment] = appointments(db)
    assert appointment.status == AppointmentStatus.BOOKED  # looking at the question changes nothing

    assert client.submit(cancel_path, token_from=cancel_path).status_code == 302
    db.session.refresh(appointment)
    assert appointment.status == AppointmentStatus.CANCELLED_BY_FAMILY
    page = client.get(manage_path).text
    assert "Tiden har avbokats." in page or "har avbokats" in page
    # A cancelled appointment's page promises no changes through its link.
    assert "kan ändra tiden" not in page and "Avboka tiden" not in page


def test_the_back_button_after_booking_leads_to_the_booking(client, db, world):
    slot = free_slots(client, next_week(f"/book/{world.service_slug}"))[0]
    booked = book(client, world, slot=slot)
    back = client.get(f"/book/{world.service_slug}/details?slot={slot}")
    assert back.status_code == 302 and back.headers["Location"] == booked.headers["Location"]
    page = client.get(back.headers["Location"]).text
    assert "Du har bokat den här tiden." in page and "Den tiden kan inte bokas" not in page
    # Another browser going to the same time is told that it is taken.
    other = client.application.test_client()
    taken = other.get(f"/book/{world.service_slug}/details?slot={slot}")
    assert taken.status_code == 302 and "/manage/" not in taken.headers["Location"]


def test_a_cancelled_video_appointment_s_email_offers_no_video_link(app, client, db, world, mailbox):
    service = video_service(db, world)
    slot = slot_for(client, service.slug, "video")
    details = f"/book/{service.slug}/details?slot={slot}"
    family = {"guardian_name": "Anna Lindholm", "guardian_email": "anna@example.com", "language": "sv", "slot": slot}
    booked = client.submit(f"/book/{service.slug}/details", family, token_from=details)
    assert "https://video.example/room/sara" in mailbox.to("anna@example.com")[0].as_string()
    cancel_path = booked.headers["Location"].split("?")[0] + "/cancel"
    client.submit(cancel_path, token_from=cancel_path)
    cancelled = mailbox.to("anna@example.com")[-1]
    assert cancelled["Subject"].startswith("Tiden har avbokats")
    assert "video.example" not in cancelled.get_body(preferencelist=("plain",)).get_content()
    assert "video.example" not in cancelled.get_body(preferencelist=("html",)).get_content()


def test_english_dates_follow_one_house_style(app):
    moment = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)  # 10.30 in Helsinki
    with app.test_request_context(), force_locale("en"):
        assert long_date(moment) == "Monday 7 December 2026"
        assert short_date(date(2026, 12, 7)) == "7 Dec 2026"
        assert date_and_time(moment) == "7 Dec 2026 10:30"
    with app.test_request_context(), force_locale("sv"):
        assert short_date(date(2026, 12, 7)) == "7.12.2026" and date_and_time(moment) == "7.12.2026 10.30"
