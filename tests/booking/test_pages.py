"""The booking pages over HTTP: the family's way, the manage link, email with .ics, staff pages."""

import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.booking import appointments
from blueprints.booking.models import Appointment, AppointmentStatus, ProfessionalProfile
from blueprints.organisation.models import Centre, Service
from core.timeutil import to_local, utcnow
from tests.support.booking import FAMILY, SLOT, book, free_slots
from tests.support.factories import make_centre, make_professional
from tests.support.helpers import make_staff, next_week, sign_in


def test_services_page_lists_bookable_services_only(client, db, world):
    db.session.add(Service(slug="coach", name_sv="Coachsamtal", name_fi="Valmentajan puhelu", reserved=True))
    db.session.commit()
    page = client.get("/book/").get_data(as_text=True)
    assert "Barnrådgivning" in page and "Coachsamtal" not in page
    assert client.get("/book/coach").status_code == 404


def test_each_free_time_says_everything_in_its_accessible_name(client, db, world):
    page = client.get(f"/book/{world.service_slug}").get_data(as_text=True)
    button = re.search(r'<button type="submit" name="slot"[^>]*>(.*?)</button>', page).group(1)
    text = re.sub(r"<[^>]+>", "", button)
    # e.g. "måndag 30 november 2026 kl. 9.30, Sara Nyström, Familjecentret Konstfabriken"
    assert re.fullmatch(
        r"\w+dag \d{1,2} \w+ \d{4} kl\. \d{1,2}\.\d{2}, Sara Nyström, Familjecentret Konstfabriken", text
    ), text


def test_week_navigation_serves_a_fragment_to_htmx(client, db, world):
    page = client.get(f"/book/{world.service_slug}").get_data(as_text=True)
    following = re.search(r'href="([^"]+)"[^>]*rel="next"', page).group(1).replace("&amp;", "&")
    fragment = client.get(following, headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and 'id="week-title"' in body
    assert 'data-hx-swap-oob="innerHTML:#live-region"' in body
    assert "HX-Request" in fragment.headers["Vary"]
    full = client.get(following).get_data(as_text=True)
    assert "<html" in full and 'id="slot-results"' in full


def test_booking_sends_a_confirmation_with_a_calendar_file(client, db, world, mailbox):
    response = book(client, world)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Din tid är bokad." in page and "En bekräftelse har skickats till anna@example.com." in page
    [message] = mailbox.to("anna@example.com")
    assert message["Subject"].startswith("Tiden är bokad: Barnrådgivning")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Hej Anna Lindholm," in body and "Sara Nyström, Hälsovårdare" in body
    manage_url = re.search(r"http://localhost(/book/manage/\S+)", body).group(1)
    assert manage_url == response.headers["Location"] + "?lang=sv"  # opens in the language of the email
    [attachment] = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    appointment = db.session.scalar(select(Appointment))
    assert event.decoded("dtstart") == appointment.starts_at
    assert str(event["summary"]) == "Barnrådgivning – Sara Nyström"
    assert "Konstfabriksgatan 1" in str(event["location"])


def test_confirmation_is_in_finnish_for_a_finnish_booking(client, db, world, mailbox):
    client.get("/language/fi")
    book(client, world, language="fi")
    [message] = mailbox.to("anna@example.com")
    assert message["Subject"].startswith("Aika on varattu: Lastenneuvola")
    assert "Hei Anna Lindholm," in message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"guardian_email": "not-an-email"}, "Skriv en e-postadress i formen namn@exempel.fi."),
        (
            {"guardian_phone": "12ab"},
            "Skriv ett telefonnummer som 040 123 4567, eller ett utländskt nummer med landsnummer: +46 70 123 4567.",
        ),
        (
            {"guardian_email": "", "guardian_phone": ""},
            "Ge en e-postadress eller ett telefonnummer, så att vi når dig.",
        ),
        ({"guardian_name": ""}, "Skriv ditt namn."),
        ({"message": "x" * 501}, "Meddelandet kan ha högst 500 tecken."),
        ({"language": "de"}, "Not a valid choice"),
    ],
)
def test_bad_details_get_a_clear_message_and_keep_the_input(client, db, world, changes, message):
    response = book(client, world, **changes)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body or (message == "Not a valid choice" and "Inte ett giltigt val" in body)
    assert 'value="Elsa"' in body  # what the parent typed is still there
    assert db.session.scalar(select(Appointment)) is None


def test_a_taken_time_gives_409_with_nearby_times_and_keeps_the_details(client, db, world, app):
    slot = free_slots(client, next_week(f"/book/{world.service_slug}"))[0]
    assert book(client, world, slot).status_code == 302
    other = app.test_client()
    other.html_checker = client.html_checker
    response = book(other, world, slot, guardian_name="Second Parent", guardian_email="second@example.com")
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Den tiden blev just bokad" in body
    assert 'value="Second Parent"' in body and 'value="second@example.com"' in body
    alternatives = re.findall(r'type="radio" name="slot" id="slot-\d+" value="([^"]+)"', body)
    assert alternatives and slot not in alternatives
    # One click on the nearest time books it with the same details.
    again = other.submit(
        f"/book/{world.service_slug}/details",
        {**FAMILY, "guardian_name": "Second Parent", "slot": alternatives[0]},
        token_from="/",
    )
    assert again.status_code == 302
    assert len(db.session.scalars(select(Appointment)).all()) == 2


def test_a_tampered_slot_value_is_refused_without_crashing(client, db, world):
    for value in ("garbage", "in_person.999.1.1795417200", "in_person.1.1.1"):
        response = client.get(f"/book/{world.service_slug}/details?slot={value}", follow_redirects=True)
        assert response.status_code == 200
        assert "Den tiden kan inte bokas" in response.get_data(as_text=True)
    real = free_slots(client, next_week(f"/book/{world.service_slug}"))[0]
    mode, pid, cid, timestamp = real.split(".")
    shifted = f"{mode}.{pid}.{cid}.{int(timestamp) + 7 * 60}"  # off the grid
    assert book(client, world, shifted).status_code == 409


def test_unknown_or_forged_manage_links_explain_whom_to_contact(client, db, world):
    for token in ("nonsense", "abc.def", "x" * 200):
        response = client.get(f"/book/manage/{token}")
        assert response.status_code == 404
        assert "Länken fungerar inte" in response.get_data(as_text=True)


def test_family_moves_and_cancels_through_the_link(client, db, world, mailbox):
    manage = book(client, world).headers["Location"]
    move_page = client.get(next_week(manage + "/move")).get_data(as_text=True)
    new_slot = SLOT.findall(move_page)[3]
    response = client.submit(
        manage + "/move/confirm", {"slot": new_slot}, token_from=manage + f"/move/confirm?slot={new_slot}"
    )
    assert response.status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert int(appointment.starts_at.timestamp()) == int(new_slot.split(".")[-1]) and appointment.sequence == 1
    assert mailbox.to("anna@example.com")[-1]["Subject"].startswith("Tiden har flyttats")

    response = client.submit(manage + "/cancel", token_from=manage, follow_redirects=True)
    assert "Din tid har avbokats." in response.get_data(as_text=True)
    assert db.session.scalar(select(Appointment)).status == AppointmentStatus.CANCELLED_BY_FAMILY
    cancelled = mailbox.to("anna@example.com")[-1]
    assert cancelled["Subject"].startswith("Tiden har avbokats")
    [attachment] = [p for p in cancelled.iter_attachments()]
    assert "METHOD:CANCEL" in attachment.get_content() and "STATUS:CANCELLED" in attachment.get_content()
    # The link still shows what happened, but offers no changes.
    page = client.get(manage).get_data(as_text=True)
    assert "Tiden har avbokats." in page and "Avboka tiden" not in page


def test_cancelling_after_the_deadline_is_refused_with_a_phone_number(client, db, world):
    manage = book(client, world).headers["Location"]
    service = db.session.get(Service, world.service_id)
    service.cancellation_deadline_hours = 24 * 400
    db.session.commit()
    page = client.get(manage).get_data(as_text=True)
    assert "Tiden kan inte längre ändras på nätet" in page
    response = client.submit(manage + "/cancel", token_from=manage, follow_redirects=True)
    assert "Tiden kan inte längre avbokas här" in response.get_data(as_text=True)
    assert db.session.scalar(select(Appointment)).status == AppointmentStatus.BOOKED
    assert client.get(manage + "/move").status_code == 302


def test_the_manage_page_offers_a_calendar_file(client, db, world):
    manage = book(client, world).headers["Location"]
    response = client.get(manage + "/appointment.ics")
    assert response.mimetype == "text/calendar"
    assert Calendar.from_ical(response.data).walk("VEVENT")


# --- Staff ----------------------------------------------------------------------------


def test_the_professional_sees_the_booking_in_the_agenda_and_records_attendance(client, db, world, app):
    book(client, world)
    appointment = db.session.scalar(select(Appointment))
    staff = app.test_client()
    staff.html_checker = client.html_checker
    sign_in(staff, app, world.professional)
    day = appointment.starts_at.astimezone().date()

    page = staff.get(f"/staff/agenda?day={to_local(appointment.starts_at).date().isoformat()}").get_data(as_text=True)
    assert "Anna Lindholm" in page and "Elsa (4 år)" in page and "Bokad" in page
    # Attendance before the appointment has begun is refused.
    response = staff.submit(
        f"/staff/appointments/{appointment.id}/outcome",
        {"status": "attended"},
        token_from="/staff/agenda",
        follow_redirects=True,
    )
    assert "Närvaro kan antecknas först när tiden har börjat." in response.get_data(as_text=True)
    appointment.starts_at = utcnow() - timedelta(minutes=10)
    appointment.ends_at = utcnow() + timedelta(minutes=35)
    db.session.commit()
    fragment = staff.submit(
        f"/staff/appointments/{appointment.id}/outcome",
        {"status": "attended"},
        token_from="/staff/agenda",
        headers={"HX-Request": "true"},
    )
    body = fragment.get_data(as_text=True)
    assert '<li class="appointment appointment-attended"' in body and "Antecknad som närvarande." in body
    assert db.session.get(Appointment, appointment.id).status == AppointmentStatus.ATTENDED
    assert day


def test_staff_cancel_with_a_reason_and_the_family_is_told(client, db, world, app, mailbox):
    book(client, world)
    appointment = db.session.scalar(select(Appointment))
    sign_in(client, app, world.professional)
    page = f"/staff/appointments/{appointment.id}/cancel"
    empty = client.submit(page, {"reason": ""}, token_from=page)
    assert empty.status_code == 422 and "Berätta för familjen varför tiden avbokas." in empty.get_data(as_text=True)
    client.submit(page, {"reason": "Hälsovårdaren är sjuk."}, token_from=page)
    assert db.session.get(Appointment, appointment.id).status == AppointmentStatus.CANCELLED_BY_STAFF
    message = mailbox.to("anna@example.com")[-1]
    assert "Hälsovårdaren är sjuk." in message.get_body(preferencelist=("plain",)).get_content()


def test_reception_books_for_a_family_and_only_at_its_own_centres(client, db, world, app, mailbox):
    reception = make_staff({"reception"}, email="pia@famnen.example", name="Pia Holmström")
    user = db.session.get(User, reception.id)
    user.centres = [db.session.get(Centre, world.centre_id)]
    db.session.commit()
    sign_in(client, app, reception)
    slot = SLOT.findall(client.get(next_week(f"/staff/book/{world.service_slug}")).get_data(as_text=True))[0]
    details = f"/staff/book/{world.service_slug}/details?slot={slot}"
    response = client.submit(
        f"/staff/book/{world.service_slug}/details", {**FAMILY, "guardian_email": "", "slot": slot}, token_from=details
    )
    assert response.status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert appointment.booked_by_id == reception.id and appointment.guardian_phone == "+358401234567"
    assert mailbox.messages == []  # no email address given
    assert client.get(f"/staff/agenda?professional={world.professional.id}").status_code == 200

    elsewhere = make_centre(slug="gammelbacka", name_sv="Gammelbacka familjecenter", name_fi="Gammelbackan perhekeskus")
    stranger = make_professional(elsewhere, email="johanna@famnen.example", name="Johanna Korhonen")
    assert client.get(f"/staff/agenda?professional={stranger.id}").status_code == 403
    appointment.centre_id = elsewhere.id
    db.session.commit()
    assert client.get(f"/staff/appointments/{appointment.id}/cancel").status_code == 403


def test_blocking_time_in_the_agenda(client, db, world, app):
    sign_in(client, app, world.professional)
    day = (to_local(utcnow()).date() + timedelta(days=2)).isoformat()  # a Helsinki day, also just after midnight
    bad = client.submit(
        "/staff/agenda/block",
        {"professional": str(world.professional.id), "day": day, "start": "12:00", "end": "11:00"},
        token_from="/staff/agenda/block",
    )
    assert bad.status_code == 422 and "Slutet måste vara efter början." in bad.get_data(as_text=True)
    response = client.submit(
        "/staff/agenda/block",
        {"professional": str(world.professional.id), "day": day, "whole_day": "y", "note": "Utbildning"},
        token_from="/staff/agenda/block",
        follow_redirects=True,
    )
    assert "Tiden har blockerats." in response.get_data(as_text=True)
    page = client.get(f"/book/{world.service_slug}?week={day}").get_data(as_text=True)
    assert all(not value.endswith(day) for value in SLOT.findall(page))


def test_the_calendar_feed_shows_times_without_names_and_renewing_kills_the_old_link(client, db, world, app):
    book(client, world)
    sign_in(client, app, world.professional)
    client.submit("/staff/calendar", {"action": "renew"}, token_from="/staff/calendar")
    page = client.get("/staff/calendar").get_data(as_text=True)
    feed = re.search(r'value="http://localhost(/staff/calendar/[^"]+\.ics)"', page).group(1)
    calendar = Calendar.from_ical(client.get(feed).data)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Barnrådgivning"
    assert "Anna" not in client.get(feed).get_data(as_text=True) and "Elsa" not in client.get(feed).get_data(
        as_text=True
    )
    client.submit("/staff/calendar", {"show_names": "yes"}, token_from="/staff/calendar")
    assert str(Calendar.from_ical(client.get(feed).data).walk("VEVENT")[0]["summary"]) == "Barnrådgivning: Elsa"
    client.submit("/staff/calendar", {"action": "renew"}, token_from="/staff/calendar")
    assert client.get(feed).status_code == 404


def test_reception_without_a_centre_is_told_what_to_do(client, db, world, app):
    sign_in(client, app, make_staff({"reception"}, email="new@famnen.example"))
    response = client.get("/staff/agenda", follow_redirects=True)
    assert "Inga agendor är öppna för dig ännu." in response.get_data(as_text=True)


# --- Administration -----------------------------------------------------------------------


@pytest.fixture
def as_admin(client, app, db):
    sign_in(client, app, make_staff({"admin"}, email="admin@famnen.example", name="Ada Admin"))


def test_admin_adds_working_hours_and_overlaps_are_refused(client, db, world, as_admin):
    other_centre = make_centre(
        slug="gammelbacka", name_sv="Gammelbacka familjecenter", name_fi="Gammelbackan perhekeskus"
    )
    page = f"/admin/professionals/{world.professional.id}"
    # Monday 8-16 exists at Konstfabriken (0-23.45 in this world); Gammelbacka at the same time is refused.
    response = client.submit(
        f"{page}/hours",
        {"hours-centre": str(other_centre.id), "hours-weekday": "0", "hours-start": "10:00", "hours-end": "12:00"},
        token_from=page,
    )
    assert response.status_code == 422
    assert "Tiderna överlappar måndag 00.00–23.45 vid Familjecentret Konstfabriken." in response.get_data(as_text=True)
    backwards = client.submit(
        f"{page}/hours",
        {"hours-centre": str(other_centre.id), "hours-weekday": "0", "hours-start": "12:00", "hours-end": "10:00"},
        token_from=page,
    )
    assert "Slutet måste vara efter början." in backwards.get_data(as_text=True)


def test_admin_edits_a_service_and_refuses_bad_rules(client, db, world, as_admin):
    page = f"/admin/services/{world.service_id}"
    form = client.get(page).get_data(as_text=True)
    assert 'value="Barnrådgivning"' in form
    data = {
        "slug": "radgivning",
        "name_sv": "Barnrådgivning",
        "name_fi": "Lastenneuvola",
        "duration_minutes": "0",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "0",
        "slot_interval_minutes": "15",
        "min_notice_hours": "12",
        "max_days_ahead": "60",
        "cancellation_deadline_hours": "24",
        "professionals": [str(world.professional.id)],
        "active": "y",
    }
    response = client.submit(page, data, token_from=page)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Skriv ett tal från 5 till 480." in body and "Välj minst ett sätt som tjänsten ges på." in body
    data.update(duration_minutes="60", by_video="y")
    assert client.submit(page, data, token_from=page).status_code == 302
    service = db.session.get(Service, world.service_id)
    assert (
        service.duration_minutes == 60
        and service.modes == ("video",)
        and [p.id for p in service.professionals] == [world.professional.id]
    )


def test_admin_creates_a_centre_with_a_unique_short_name(client, db, world, as_admin):
    data = {"slug": "konstfabriken", "name_sv": "Nytt", "name_fi": "Uusi", "postal_code": "123"}
    response = client.submit("/admin/centres/new", data, token_from="/admin/centres/new")
    body = response.get_data(as_text=True)
    assert "Ett annat använder redan det här korta namnet." in body or "Ett postnummer har fem siffror." in body
    data.update(slug="kvarnbacken", postal_code="06150", active="y")
    assert client.submit("/admin/centres/new", data, token_from="/admin/centres/new").status_code == 302
    assert db.session.scalar(select(Centre).where(Centre.slug == "kvarnbacken")).name_fi == "Uusi"


def test_admin_sets_a_professionals_languages_and_video_room(client, db, world, as_admin):
    page = f"/admin/professionals/{world.professional.id}"
    bad = client.submit(
        page, {"title_sv": "Hälsovårdare", "video_url": "http://insecure.example/room"}, token_from=page
    )
    body = bad.get_data(as_text=True)
    assert "Välj minst ett språk." in body and "Skriv en fullständig adress som börjar med https://." in body
    client.submit(
        page,
        {"title_sv": "Hälsovårdare", "languages": ["fi", "en"], "video_url": "https://video.example/sara"},
        token_from=page,
    )
    profile = db.session.get(ProfessionalProfile, world.professional.id)
    assert profile.languages == "fi en" and profile.video_url == "https://video.example/sara"


def test_admin_records_an_absence_that_refuses_booked_times(client, db, world, as_admin, app):
    family = app.test_client()
    family.html_checker = client.html_checker
    book(family, world)
    appointment = db.session.scalar(select(Appointment))

    day = to_local(appointment.starts_at).date().isoformat()
    page = f"/admin/professionals/{world.professional.id}"
    response = client.submit(
        f"{page}/absences", {"absence-first_day": day, "absence-note": "Semester"}, token_from=page
    )
    assert response.status_code == 409 and "Anna Lindholm" in response.get_data(as_text=True)
    appointments.cancel(appointment, utcnow())
    db.session.commit()
    assert (
        client.submit(
            f"{page}/absences", {"absence-first_day": day, "absence-note": "Semester"}, token_from=page
        ).status_code
        == 302
    )


def test_an_absence_with_a_start_time_and_no_end_time_is_refused_and_keeps_what_was_typed(client, world, as_admin):
    page = f"/admin/professionals/{world.professional.id}"
    day = f"{to_local(utcnow()).year + 2}-12-14"
    response = client.submit(
        f"{page}/absences",
        {"absence-first_day": day, "absence-start": "09:00", "absence-note": "Kurs"},
        token_from=page,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Ge båda tiderna, eller ingendera för hela dagar." in html
    assert f'value="{day}"' in html and 'value="09:00"' in html and "Kurs" in html


def test_absences_are_listed_as_days_in_date_order_and_an_overlap_is_refused(client, world, as_admin):
    page = f"/admin/professionals/{world.professional.id}"
    year = to_local(utcnow()).year + 2
    for first, last in (("12-14", "12-18"), ("03-02", "03-02")):
        saved = client.submit(
            f"{page}/absences",
            {"absence-first_day": f"{year}-{first}", "absence-last_day": f"{year}-{last}"},
            token_from=page,
        )
        assert saved.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert html.index(f"2.3.{year}") < html.index(f"14.12.{year}–18.12.{year}")
    assert "0.00" not in html.split('id="absences"')[1]
    overlap = client.submit(
        f"{page}/absences", {"absence-first_day": f"{year}-12-18", "absence-last_day": f"{year}-12-20"}, token_from=page
    )
    assert overlap.status_code == 422
    assert f"Tiden överlappar frånvaron 14.12.{year}–18.12.{year}." in overlap.get_data(as_text=True)
