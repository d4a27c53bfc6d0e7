"""The earlier-time waiting list: a freed time is offered to the first family in line and held for them;
taking it moves their appointment, declining or letting it expire passes it on; correct under concurrency."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from blueprints.auth.models import User
from blueprints.booking import appointments, earlier_times, jobs
from blueprints.booking.models import (
    Appointment,
    AppointmentStatus,
    EarlierTimeRequest,
    EarlierTimeStatus,
    HeldStatus,
    HeldTime,
)
from blueprints.booking.time_search import SlotQuery, find_slots
from blueprints.organisation.models import Service
from core import timeutil
from core.timeutil import to_local, utcnow
from tests.support.booking import MORNING_TIMES, book_at, coming_working_day, fill_morning
from tests.support.helpers import sign_in
from tests.support.live import Browser, GunicornServer, at_once


@pytest.fixture
def full_morning(db, world):
    """A coming working day whose morning is taken by three families, at 8, 9 and 10."""
    return fill_morning(db, world)


def manage_path(appointment: Appointment) -> str:
    return f"/book/manage/{appointments.manage_token(appointment)}"


def ask_for_mornings(client, appointment: Appointment, day: date):
    """The family asks, through the form, for a morning time on ``day``."""
    path = manage_path(appointment) + "/earlier"
    fields = {"first_day": day.isoformat(), "last_day": day.isoformat(), "weekdays": list("0123456")}
    return client.submit(path, {**fields, "part_of_day": "morning"}, token_from=path)


def cancel(client, appointment: Appointment):
    """The family cancels through their link, confirming first."""
    path = manage_path(appointment) + "/cancel"
    return client.submit(path, token_from=path)


def offer_path(db, appointment: Appointment) -> str:
    """The link to the time held for this appointment's family now."""
    held = db.session.scalar(
        select(HeldTime)
        .join(EarlierTimeRequest)
        .where(EarlierTimeRequest.appointment_id == appointment.id, HeldTime.status == HeldStatus.OPEN)
    )
    return f"/book/offer/{earlier_times.offer_token(held)}"


def open_holds(db) -> list[HeldTime]:
    db.session.expire_all()
    return list(db.session.scalars(select(HeldTime).where(HeldTime.status == HeldStatus.OPEN)))


def test_a_freed_time_is_held_for_the_family_first_in_line_who_takes_it(client, db, world, full_morning, mailbox, http):
    day, (_eight, nine, _ten) = full_morning
    later = book_at(db, world, day + timedelta(days=1), time(10), "Anna Lindholm", "anna@example.com", sms=True)
    page = client.get(manage_path(later)).text
    assert "Be om en tidigare tid" in page

    assert ask_for_mornings(client, later, day).status_code == 302
    assert open_holds(db) == []  # nothing fits yet
    assert "Du står i kö till en tidigare tid" in client.get(manage_path(later)).text
    # The professional sees it on the agenda, and the line on its own page.
    nurse = client.application.test_client()
    nurse.html_checker = client.html_checker
    sign_in(nurse, client.application, world.professional)
    later_day = to_local(later.starts_at).date().isoformat()
    assert "Familjen tar gärna en tidigare tid" in nurse.get(f"/staff/agenda?day={later_day}").text
    line = nurse.get("/staff/earlier-times").text
    assert "Anna Lindholm" in line and "Kö till tidigare tider" in line

    cancel(client, nine)  # 9.00 frees up
    [held] = open_holds(db)
    assert to_local(held.starts_at).time() == time(9) and held.request.appointment_id == later.id
    [offer] = [m for m in mailbox.to("anna@example.com") if m["Subject"].startswith("En tidigare tid är ledig")]
    body = offer.get_body(preferencelist=("plain",)).get_content()
    assert "/book/offer/" in body and "?lang=sv" in body
    [text] = [r.form["text"] for r in http.requests if "tidigare tid" in r.form["text"]]
    assert text.startswith("Famnen: en tidigare tid på familjecentret är ledig") and "/book/offer/" in text
    assert "Barnrådgivning" not in text and "Sara" not in text

    # Nobody else is shown the held time.
    service = db.session.get(Service, world.service_id)
    free = find_slots(SlotQuery(service, "in_person"), day, day, utcnow())
    assert all(to_local(slot.starts_at).time() != time(9) for slot in free)

    path = offer_path(db, later)
    assert "En tidigare tid åt dig" in client.get(path).text
    taken = client.submit(path, {"decision": "take"}, token_from=path)
    assert taken.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Appointment, later.id)
    assert to_local(moved.starts_at) == to_local(held.starts_at) and moved.status == AppointmentStatus.BOOKED
    assert db.session.get(EarlierTimeRequest, held.request_id).status == EarlierTimeStatus.MOVED
    assert any(m["Subject"].startswith("Tiden har flyttats") for m in mailbox.to("anna@example.com"))

    # The link used again changes nothing and says why.
    again = client.submit(path, {"decision": "take"}, token_from=path)
    assert "Erbjudandet har redan besvarats." in client.get(again.headers["Location"]).text


def test_an_offer_that_expires_goes_to_the_next_family_and_never_back(
    app, client, db, world, full_morning, monkeypatch
):
    day, (_eight, nine, _ten) = full_morning
    first = book_at(db, world, day + timedelta(days=1), time(10), "First family", "first@example.com")
    second = book_at(db, world, day + timedelta(days=1), time(13), "Second family", "second@example.com")
    ask_for_mornings(client, first, day)
    ask_for_mornings(client, second, day)
    cancel(client, nine)
    [held] = open_holds(db)
    assert held.request.appointment_id == first.id
    first_link = offer_path(db, first)

    after_expiry = held.expires_at + timedelta(minutes=1)
    monkeypatch.setattr(timeutil, "clock", lambda: after_expiry)
    assert jobs.offer_earlier_times(after_expiry) == (1, 0)
    [passed_on] = open_holds(db)
    assert passed_on.request.appointment_id == second.id and passed_on.starts_at == held.starts_at
    assert db.session.get(HeldTime, held.id).status == HeldStatus.EXPIRED
    assert db.session.get(EarlierTimeRequest, held.request_id).status == EarlierTimeStatus.WAITING
    # The first family's link says it is over; their appointment is unchanged.
    assert "Erbjudandet gäller inte längre" in client.get(first_link).text
    assert db.session.get(Appointment, first.id).starts_at == first.starts_at

    # The second family declines: the time is not offered to the first family again.
    path = offer_path(db, second)
    client.submit(path, {"decision": "keep"}, token_from=path)
    assert open_holds(db) == []
    offered_to_first = db.session.scalar(
        select(func.count()).select_from(HeldTime).where(HeldTime.request_id == held.request_id)
    )
    assert offered_to_first == 1


def test_bad_input_gets_a_clear_message_and_changes_nothing(client, db, world, full_morning):
    day, _taken = full_morning
    later = book_at(db, world, day + timedelta(days=1), time(10), "Anna Lindholm", "anna@example.com")
    path = manage_path(later) + "/earlier"
    yesterday = (to_local(utcnow()).date() - timedelta(days=1)).isoformat()
    cases = [
        ({"first_day": yesterday, "last_day": yesterday}, "Den sista dagen har redan passerat."),
        ({"first_day": day.isoformat(), "last_day": (day - timedelta(days=1)).isoformat()}, "Den sista dagen måste"),
        ({"first_day": (day + timedelta(days=5)).isoformat()}, "Välj dagar före din nuvarande tid."),
        ({"weekdays": []}, "Välj minst en veckodag."),
        ({"first_day": "32.13.2026"}, 'id="first_day-error"'),
    ]
    for changes, message in cases:
        fields = {"first_day": day.isoformat(), "last_day": day.isoformat(), "weekdays": ["0", "1"], **changes}
        refused = client.submit(path, {**fields, "part_of_day": "any"}, token_from=path)
        assert refused.status_code == 422 and message in refused.text, changes
    assert db.session.scalar(select(func.count()).select_from(EarlierTimeRequest)) == 0
    tampered = client.get("/book/offer/not-a-real-offer")
    assert tampered.status_code == 404 and "<h1>" in tampered.text


@pytest.fixture
def waiting_list_server(database_url, tmp_path, world, full_morning):  # the data exists before the workers start
    running = GunicornServer(database_url, tmp_path / "outbox", workers=4)
    yield running
    running.stop()


def test_simultaneous_cancellations_and_acceptances_hold_and_move_each_time_once(
    db, world, full_morning, waiting_list_server
):
    day, taken = full_morning
    waiting = [
        book_at(db, world, day + timedelta(days=1), time(9 + index), f"Waiting {index}", f"w{index}@example.com")
        for index in range(3)
    ]
    browser = Browser(waiting_list_server.url)
    for appointment in waiting:
        path = manage_path(appointment) + "/earlier"
        token = browser.token(path)
        fields = {"first_day": day.isoformat(), "last_day": day.isoformat(), "weekdays": list("0123456")}
        status, _ = browser.post(path, {**fields, "part_of_day": "morning", "csrf_token": token})
        assert status == 302

    # The three morning families cancel at the same moment, each through a worker of its own.
    families = [Browser(waiting_list_server.url) for _ in taken]
    cancel_paths = [manage_path(appointment) + "/cancel" for appointment in taken]
    tokens = [family.token(path) for family, path in zip(families, cancel_paths, strict=True)]
    results = at_once(3, lambda index: families[index].post(cancel_paths[index], {"csrf_token": tokens[index]}))
    assert sorted(status for status, _ in results) == [302, 302, 302]

    db.session.rollback()
    holds = open_holds(db)
    # Every freed time is held once, and every waiting family holds one time.
    assert len(holds) == 3
    assert len({held.starts_at for held in holds}) == 3
    assert sorted(held.request.appointment_id for held in holds) == sorted(a.id for a in waiting)

    # Each family takes its offer, one of them twice (a double tap), all at once.
    links = [offer_path(db, appointment) for appointment in waiting]
    takers = [Browser(waiting_list_server.url) for _ in range(4)]
    order = [0, 1, 2, 0]
    offer_tokens = [takers[i].token(links[order[i]]) for i in range(4)]
    answers = at_once(
        4,
        lambda i: takers[i].post(links[order[i]], {"decision": "take", "csrf_token": offer_tokens[i]}),
    )
    assert all(status == 302 for status, _ in answers)

    db.session.rollback()
    moved = [db.session.get(Appointment, appointment.id) for appointment in waiting]
    assert all(appointment.status == AppointmentStatus.BOOKED for appointment in moved)
    assert sorted(to_local(a.starts_at).time() for a in moved) == list(MORNING_TIMES)
    assert db.session.scalar(select(func.count()).select_from(HeldTime).where(HeldTime.status == "accepted")) == 3
    active_starts = db.session.scalars(
        select(Appointment.starts_at).where(
            Appointment.professional_id == world.professional.id, Appointment.status == AppointmentStatus.BOOKED
        )
    ).all()
    assert len(active_starts) == len(set(active_starts))  # no time booked twice
    assert db.session.get(User, world.professional.id) is not None
    assert not re.search("Traceback", "".join(body for _, body in answers))


def join_line(client, world, day: date, **changes):
    """A family with no booking asks, through the form, to be told of a morning time on ``day``."""
    path = f"/book/{world.service_slug}/wait?mode=in_person"
    fields = {
        "guardian_name": "Nora Nybörjare",
        "guardian_email": "nora@example.com",
        "guardian_phone": "040 765 4321",
        "family_language": "sv",
        "first_day": day.isoformat(),
        "last_day": day.isoformat(),
        "weekdays": list("0123456"),
        "part_of_day": "morning",
        **changes,
    }
    return client.submit(path, fields, token_from=path)


def test_a_family_with_no_booking_waits_and_books_a_freed_time(client, db, world, full_morning, mailbox):
    day, (_eight, nine, _ten) = full_morning
    times = client.get(f"/book/{world.service_slug}").text
    assert "Ingen tid som passar dig?" in times and f"/book/{world.service_slug}/wait" in times

    joined = join_line(client, world, day)
    assert joined.status_code == 302 and "/book/wait/" in joined.headers["Location"]
    wish_page = client.get(joined.headers["Location"]).text
    assert "Du står nu i kö." in wish_page and "Sluta vänta" in wish_page
    [in_line] = mailbox.to("nora@example.com")
    assert in_line["Subject"] == "Du står i kö till en tid"
    assert open_holds(db) == []

    cancel(client, nine)
    [held] = open_holds(db)
    assert to_local(held.starts_at).time() == time(9) and held.request.appointment_id is None
    offer = mailbox.to("nora@example.com")[-1]
    assert offer["Subject"].startswith("En tid är ledig åt dig")
    link = re.search(r"http://localhost(/book/offer/\S+)", offer.get_body(preferencelist=("plain",)).get_content())
    page = client.get(link.group(1)).text
    assert "Boka den här tiden" in page and "Nora Nybörjare" in page
    booked = client.submit(link.group(1), {"decision": "take"}, token_from=link.group(1))
    assert booked.status_code == 302 and "/book/manage/" in booked.headers["Location"]
    db.session.expire_all()
    appointment = db.session.scalar(select(Appointment).where(Appointment.guardian_email == "nora@example.com"))
    assert to_local(appointment.starts_at).time() == time(9) and appointment.guardian_phone == "+358407654321"
    assert mailbox.to("nora@example.com")[-1]["Subject"].startswith("Tiden är bokad")
    assert "Du har bokat en tid." in client.get(joined.headers["Location"]).text


def test_waiting_without_a_booking_needs_a_way_to_be_told_and_days_that_can_be_booked(app, client, db, world):
    day = coming_working_day()
    no_contact = join_line(client, world, day, guardian_email="", guardian_phone="")
    assert no_contact.status_code == 422
    assert "Ge en e-postadress, eller ett mobilnummer och välj textmeddelanden" in no_contact.text
    too_far = day + timedelta(days=400)
    refused = join_line(client, world, day, first_day=too_far.isoformat(), last_day=too_far.isoformat())
    assert refused.status_code == 422 and "Tider kan inte bokas så långt fram ännu." in refused.text
    # A mobile number and text messages will do instead of an email address.
    assert join_line(client, world, day, guardian_email="", sms_wanted="y").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(EarlierTimeRequest)) == 1
