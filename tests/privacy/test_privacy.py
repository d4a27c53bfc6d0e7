"""Data requests (find, export, erase) and the audit log viewer, for administrators."""

import json
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from blueprints.activities import figures
from blueprints.activities.models import Attendance, Registration, RegistrationStatus
from blueprints.audit.models import AuditEntry
from blueprints.booking import earlier_times
from blueprints.booking.models import Appointment, EarlierTimeRequest
from blueprints.privacy.requests import Search, find, phone_digits, views_of
from blueprints.questionnaires.models import Child, Visit
from core.timeutil import to_local, utcnow
from tests.support.activities_factories import make_activity, make_date, make_registration
from tests.support.booking import book
from tests.support.helpers import make_staff, sign_in
from tests.support.questionnaires import sent_response


@pytest.fixture
def admin(app, client, db, family_centre):
    sign_in(client, app, make_staff({"admin"}, email="dpo@famnen.example", name="Dora DPO"))
    return client


@pytest.fixture
def family_data(app, client, db, family_centre):
    """An appointment booked by Anna, and Elsa's sent questionnaire that her nurse has read."""
    phone = app.test_client()
    phone.html_checker = client.html_checker
    book(phone, family_centre["world"], guardian_phone="+358 40 123 4567")
    response = sent_response(db, family_centre)
    nurse = app.test_client()
    nurse.html_checker = client.html_checker
    sign_in(nurse, app, family_centre["nurse"])
    nurse.get(f"/staff/questionnaires/responses/{response.id}")
    return response


def test_phone_numbers_match_however_they_are_written():
    assert phone_digits("+358 40 123 4567") == phone_digits("040-123 4567") == "0401234567"


def test_finding_by_email_phone_or_child(db, family_data):
    assert len(find(Search(email="ANNA@example.com")).appointments) == 1
    assert len(find(Search(phone="0401234567")).appointments) == 1
    by_child = find(Search(first_name="elsa", date_of_birth=db.session.get(Child, 1).date_of_birth))
    assert [c.first_name for c in by_child.children] == ["Elsa"] and len(by_child.responses) == 1
    assert find(Search(first_name="Elsa")).nothing  # a name alone is not enough


def test_the_admin_finds_exports_and_sees_who_looked(admin, db, family_centre, family_data, tmp_path):
    child = db.session.get(Child, family_centre["child_id"])
    query = {"first_name": "Elsa", "date_of_birth": child.date_of_birth.isoformat()}
    page = admin.get("/admin/data-requests", query_string=query).get_data(as_text=True)
    assert "1 barns ärende" in page and "1 enkät" in page
    assert "Sara Nyström" in page  # who has looked at the data
    exported = admin.get("/admin/data-requests/export.json", query_string=query)
    assert (
        exported.headers["Content-Disposition"].startswith("attachment")
        and exported.headers["Cache-Control"] == "no-store"
    )
    data = json.loads(exported.data)
    assert data["children"] == [
        {
            "first_name": "Elsa",
            "surname": "",
            "date_of_birth": child.date_of_birth.isoformat(),
            "personal_identity_code": None,
            "guardians": [],
        }
    ]
    assert data["questionnaires"][0]["answers"][0]["answer"] == "Aldrig"
    assert data["who_has_looked_at_the_data"][0]["who"] in ("Sara Nyström", "Dora DPO")
    pdf = admin.get("/admin/data-requests/export.pdf", query_string={**query, "lang": "fi"})
    (tmp_path / "export.pdf").write_bytes(pdf.data)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "export.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Henkilöstä tallennetut tiedot" in text and "Elsa" in text
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject == "data-request")).all()
    assert actions == ["search", "export", "export"]


def test_erasing_needs_the_word_and_keeps_the_audit_log(admin, db, family_centre, family_data):
    query = {
        "email": "anna@example.com",
        "first_name": "Elsa",
        "date_of_birth": db.session.get(Child, family_centre["child_id"]).date_of_birth.isoformat(),
    }
    refused = admin.submit(
        "/admin/data-requests/erase",
        {**query, "confirm": "nope"},
        token_from="/admin/data-requests",
        follow_redirects=True,
    )
    assert "Ingenting raderades." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    done = admin.submit(
        "/admin/data-requests/erase",
        {**query, "confirm": "radera"},
        token_from="/admin/data-requests",
        follow_redirects=True,
    )
    assert "Raderat: 1 bokningar, 0 anmälningar till gruppverksamhet, 1 enkäter och 1 barns ärenden." in done.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0
    assert db.session.get(Child, family_centre["child_id"]) is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) > audit_before  # kept, and the erasure added


def test_group_activity_registrations_are_found_exported_and_forgotten_without_changing_the_figures(
    admin, db, family_centre, mailbox
):
    activity = make_activity(capacity=3)
    past, coming = make_date(activity, starts_in=timedelta(days=-2)), make_date(activity, starts_in=timedelta(days=4))
    attended = make_registration(
        past, adults=1, children=2, name="Anna", email="anna@example.com", now=utcnow() - timedelta(days=5)
    )
    attended.attendance = Attendance.ATTENDED
    db.session.commit()
    place = make_registration(coming, adults=2, children=1, name="Anna", email="ANNA@example.com")
    waiting = make_registration(coming, adults=1, name="Bertil", email="bertil@example.com")
    assert waiting.status == RegistrationStatus.WAITING
    before = figures.figures_for_term([activity.id], figures.Term.of(past.starts_at), utcnow())
    query = {"email": "anna@example.com"}

    page = admin.get("/admin/data-requests", query_string=query).get_data(as_text=True)
    assert "2 anmälningar till gruppverksamhet" in page
    rows = json.loads(admin.get("/admin/data-requests/export.json", query_string=query).data)["group_activities"]
    assert [(row["activity"], row["status"], row["adults"], row["children"]) for row in rows] == [
        ("Föräldragrupp", "confirmed", 1, 2),
        ("Föräldragrupp", "confirmed", 2, 1),
    ]
    assert rows[0]["attendance"] == "attended" and rows[0]["guardian_email"] == "anna@example.com"

    done = admin.submit(
        "/admin/data-requests/erase",
        {**query, "confirm": "radera"},
        token_from="/admin/data-requests",
        follow_redirects=True,
    )
    assert "Raderat: 0 bokningar, 2 anmälningar till gruppverksamhet, 0 enkäter och 0 barns ärenden." in done.get_data(
        as_text=True
    )
    db.session.expire_all()
    for registration in (db.session.get(Registration, attended.id), db.session.get(Registration, place.id)):
        assert (registration.guardian_name, registration.guardian_email, registration.guardian_phone) == ("", "", "")
    assert db.session.get(Registration, place.id).status == RegistrationStatus.CANCELLED
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED
    assert mailbox.to("bertil@example.com")[-1]["Subject"].startswith("Du fick en plats: Föräldragrupp")
    assert mailbox.to("anna@example.com") == []  # the person who asked to be forgotten gets no email
    assert figures.figures_for_term([activity.id], figures.Term.of(past.starts_at), utcnow()) == before
    assert find(Search(email="anna@example.com")).nothing


def test_every_family_on_an_agenda_or_a_participant_list_can_learn_who_saw_them(app, client, db, world):
    book(client, world, guardian_email="anna@example.com")
    appointment = db.session.scalar(select(Appointment))
    activity = make_activity(capacity=5)
    coming = make_date(activity)
    anna, bertil = (
        make_registration(coming, name=name, email=f"{name.lower()}@example.com") for name in ("Anna", "Bertil")
    )
    professional = app.test_client()
    professional.html_checker = client.html_checker
    sign_in(professional, app, world.professional)
    professional.get(f"/staff/agenda?day={to_local(appointment.starts_at).date().isoformat()}")
    reception = app.test_client()
    reception.html_checker = client.html_checker
    sign_in(reception, app, make_staff({"admin"}, email="pia@famnen.example", name="Pia Holmström"))
    reception.get(f"/staff/activities/dates/{coming.id}")
    reception.get(f"/staff/activities/dates/{coming.id}/participants.csv")

    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.subject, e.action, e.basis, e.actor_id) for e in entries if e.subject.startswith("appointment:")] == [
        (f"appointment:{appointment.id}", "view", "own appointments", world.professional.id),
    ]
    assert sorted((e.subject, e.action) for e in entries if e.subject.startswith("registration:")) == sorted(
        [
            (f"registration:{anna.id}", "view"),
            (f"registration:{bertil.id}", "view"),
            (f"registration:{anna.id}", "download"),
            (f"registration:{bertil.id}", "download"),
        ]
    )
    looked = {(e.actor_name, e.action) for e in views_of(find(Search(email="anna@example.com")))}
    assert looked == {(entries[0].actor_name, "view"), ("Pia Holmström", "view"), ("Pia Holmström", "download")}
    assert {e.actor_name for e in views_of(find(Search(email="bertil@example.com")))} == {"Pia Holmström"}

    # The data protection officer reads the answer in words, in the page's language.
    page = reception.get("/admin/data-requests?email=anna@example.com").get_data(as_text=True)
    assert "Öppnade: bokning" in page and "egna bokningar" in page
    assert "Laddade ner: anmälan till gruppverksamhet" in page and "administratör" in page
    exported = json.loads(
        reception.get("/admin/data-requests/export.json?email=anna@example.com", headers={"Accept-Language": "fi"}).data
    )
    assert {(row["what"], row["basis"]) for row in exported["who_has_looked_at_the_data"]} >= {
        ("Katsoi: ajanvaraus", "omat ajanvaraukset")
    }


def test_a_group_visit_linked_to_the_childs_case_is_found_by_the_child_and_forgotten_with_it(admin, db, family_centre):
    activity = make_activity()
    visit = make_registration(
        make_date(activity, starts_in=timedelta(days=-2)), name="Anna", now=utcnow() - timedelta(days=5)
    )
    other_family = make_registration(visit.date, name="Bertil", now=utcnow() - timedelta(days=4))
    visit.child_id = family_centre["child_id"]
    db.session.commit()
    child = db.session.get(Child, family_centre["child_id"])
    query = {"first_name": "Elsa", "date_of_birth": child.date_of_birth.isoformat()}

    assert [r.id for r in find(Search(first_name="Elsa", date_of_birth=child.date_of_birth)).registrations] == [
        visit.id
    ]
    done = admin.submit(
        "/admin/data-requests/erase",
        {**query, "confirm": "radera"},
        token_from="/admin/data-requests",
        follow_redirects=True,
    )
    assert "1 anmälningar till gruppverksamhet" in done.get_data(as_text=True)
    db.session.expire_all()
    forgotten = db.session.get(Registration, visit.id)
    assert (forgotten.guardian_name, forgotten.guardian_email, forgotten.child_id) == ("", "", None)
    assert db.session.get(Registration, other_family.id).guardian_name == "Bertil"


def test_an_empty_search_is_explained(admin):
    response = admin.get("/admin/data-requests?email=")
    assert response.status_code == 422
    assert "Ge en e-postadress, ett telefonnummer eller barnets förnamn och födelsedatum." in response.get_data(
        as_text=True
    )


def test_the_audit_log_viewer_filters_and_exports(admin, db, family_centre, family_data):
    page = admin.get(f"/admin/audit?actor={family_centre['nurse'].id}").get_data(as_text=True)
    assert "Sara Nyström" in page and "GET /staff/questionnaires/responses/&lt;int:response_id&gt;" in page
    empty = admin.get("/admin/audit?from=2000-01-01&until=2000-01-02").get_data(as_text=True)
    assert "Inga poster." in empty
    csv = admin.get(f"/admin/audit.csv?child={family_centre['child_id']}")
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith("time_utc,staff_id,staff_name")
    assert any("Sara Nyström" in line for line in lines[1:])


def test_only_admins_handle_data_requests(app, client, db, family_centre):
    sign_in(client, app, family_centre["nurse"])
    assert client.get("/admin/data-requests").status_code == 403
    assert client.get("/admin/audit").status_code == 403


@pytest.mark.parametrize(
    ("language", "what", "basis"),
    [
        ("sv", "Såg i en lista: enkätinbjudan", "ärendet delat av Sara Nyström 2.11.2026"),
        ("fi", "Näki listassa: kyselykutsu", "asian jakoi Sara Nyström 2.11.2026"),
    ],
)
def test_audit_entries_are_told_in_the_readers_language(app, language, what, basis):
    from flask_babel import force_locale

    from blueprints.audit.words import on_what_basis, what_was_done

    entry = AuditEntry(action="list", subject="visit:7", basis="case shared by Sara Nyström on 2026-11-02")
    with app.test_request_context(), force_locale(language):
        assert (what_was_done(entry), on_what_basis(entry.basis)) == (what, basis)
        # A code from a newer version is still shown, as it was stored, rather than hidden.
        assert what_was_done(AuditEntry(action="archive", subject="letter:1")) == "archive: letter:1"


def test_a_wish_for_an_earlier_time_is_exported_and_erased_with_its_appointment(admin, db, family_data):
    appointment = db.session.scalar(select(Appointment))
    day = to_local(appointment.starts_at).date()
    earlier_times.ask(appointment, earlier_times.Window(day, day, (0, 1, 2, 3, 4), "morning"), utcnow())
    db.session.commit()
    query = {"email": "anna@example.com"}
    data = json.loads(admin.get("/admin/data-requests/export.json", query_string=query).data)
    [exported] = data["appointments"]
    assert exported["earlier_time_wishes"][0]["part_of_day"] == "morning"
    assert exported["earlier_time_wishes"][0]["status"] == "waiting" and exported["text_messages"] is False
    admin.submit("/admin/data-requests/erase", {**query, "confirm": "radera"}, token_from="/admin/data-requests")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(EarlierTimeRequest)) == 0


def test_a_family_waiting_without_a_booking_is_found_exported_and_erased(admin, db, family_centre):
    from blueprints.booking.appointments import FamilyDetails
    from blueprints.booking.time_search import SlotQuery
    from blueprints.organisation.models import Service

    service = db.session.get(Service, family_centre["world"].service_id)
    details = FamilyDetails("Nora Nybörjare", "nora@example.com", "+358407654321", "", None, "sv", "", "sv", True)
    today = to_local(utcnow()).date()
    window = earlier_times.Window(today, today + timedelta(days=7), (0, 1), "any")
    earlier_times.join_line(service, SlotQuery(service, "phone"), details, window, utcnow())
    db.session.commit()
    query = {"phone": "040 765 4321"}
    assert "Nora" in admin.get("/admin/data-requests", query_string=query).text
    data = json.loads(admin.get("/admin/data-requests/export.json", query_string=query).data)
    [waiting] = data["waiting_for_a_time"]
    assert waiting["guardian_email"] == "nora@example.com" and waiting["text_messages"] is True
    done = admin.submit(
        "/admin/data-requests/erase",
        {**query, "confirm": "radera"},
        token_from="/admin/data-requests",
        follow_redirects=True,
    )
    assert "Också raderat: 1 plats i kön till en tid." in done.text
    assert db.session.scalar(select(func.count()).select_from(EarlierTimeRequest)) == 0


def test_message_threads_and_chats_a_time_was_booked_from_are_found_exported_and_erased(
    admin, db, family_centre, family_data
):
    from blueprints.chat.models import ChatMessage, Conversation, MessageKind
    from blueprints.messages import threads
    from blueprints.messages.models import MessageThread
    from tests.support.chat import make_channel

    world = family_centre["world"]
    appointment = db.session.scalar(select(Appointment))
    channel = make_channel([world.professional.id])
    asked = threads.start(
        name="Anna Lindholm",
        email="anna@example.com",
        phone="",
        sms_wanted=False,
        language="sv",
        subject="Feber",
        body="Hon har feber.",
        address="192.0.2.1",
        channel=channel,
    )
    chat = Conversation(reference="ref", browser_key_hash="x" * 64, channel=channel, nickname="Anna", language="sv")
    db.session.add(chat)
    db.session.flush()
    db.session.add_all(
        [
            ChatMessage(conversation_id=chat.id, kind=MessageKind.FAMILY, body="Kan jag få en tid?"),
            ChatMessage(conversation_id=chat.id, kind=MessageKind.BOOKED, appointment_id=appointment.id),
        ]
    )
    db.session.commit()
    stranger_chat = Conversation(
        reference="other", browser_key_hash="y" * 64, channel=channel, nickname="Bo", language="fi"
    )
    db.session.add(stranger_chat)
    db.session.commit()

    query = {"email": "anna@example.com"}
    found = find(Search(email="anna@example.com"))
    assert [t.id for t in found.threads] == [asked.id] and [c.id for c in found.conversations] == [chat.id]
    page = admin.get("/admin/data-requests", query_string={**query, "lang": "sv"}).text
    assert "1 meddelandetråd" in page and "1 chattsamtal där en tid bokades" in page
    data = json.loads(admin.get("/admin/data-requests/export.json", query_string=query).data)
    assert data["message_threads"][0]["messages"][0]["text"] == "Hon har feber."
    assert data["chat_conversations"][0]["messages"] == [
        {"from": "Anna", "at": data["chat_conversations"][0]["messages"][0]["at"], "text": "Kan jag få en tid?"}
    ]
    done = admin.submit(
        "/admin/data-requests/erase",
        {**query, "confirm": "radera"},
        token_from="/admin/data-requests",
        follow_redirects=True,
    )
    assert "Också raderat: meddelandetrådar 1, chattsamtal 1." in done.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(MessageThread)) == 0
    assert [c.nickname for c in db.session.scalars(select(Conversation))] == ["Bo"]
