"""Message threads: a family writes outside chat hours or about an appointment, the centre answers within
working days, and the family is told by email that an answer awaits, never what it says."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from blueprints.audit.models import AuditEntry
from blueprints.messages import threads
from blueprints.messages.models import MessageThread, ThreadDraft, ThreadStatus
from extensions import db as _db
from tests.support.booking import book
from tests.support.helpers import make_staff, sign_in

CLOSED_MOMENT = datetime(2026, 12, 9, 15, 0, tzinfo=UTC)  # Wednesday 17.00 in Helsinki: the chat has closed
WRITE = "/messages/write/radgivningens-chatt"
QUESTION = "Min dotter har haft feber i tre dagar, ska vi komma in?"
OPEN_LINK = re.compile(r"(/messages/open/[A-Za-z0-9_-]+)")
THREAD_LINK = re.compile(r"/messages/t/([^/?#]+)")


def write(client, **changes):
    """Leave a message through the channel's form; return the response."""
    fields = {
        "guardian_name": "Anna Lindholm",
        "guardian_email": "anna@example.com",
        "guardian_phone": "",
        "language": "sv",
        "subject": "Feber",
        "body": QUESTION,
        "client_key": "first",
        **changes,
    }
    return client.submit(WRITE + "?lang=sv", fields, token_from=WRITE + "?lang=sv")


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_answers_are_due_in_working_days_past_weekends_and_holidays():
    assert threads.working_days_after(date(2026, 12, 9), 2) == date(2026, 12, 11)  # Wed → Fri
    assert threads.working_days_after(date(2026, 12, 11), 2) == date(2026, 12, 15)  # Fri → Tue
    # Christmas Eve, Christmas Day and Boxing Day (a Saturday) do not count.
    assert threads.working_days_after(date(2026, 12, 23), 2) == date(2026, 12, 29)


def test_outside_hours_a_family_leaves_a_message_and_is_told_without_its_content(
    app, client, channel, open_clock, mailbox
):
    open_clock.at(CLOSED_MOMENT)
    page = client.get("/chat/radgivningens-chatt?lang=sv").get_data(as_text=True)
    assert "Stängt nu" in page and f'href="{WRITE}"' in page and "Vi svarar inom 2 arbetsdagar." in page

    sent = write(client)
    assert sent.status_code == 302
    token = THREAD_LINK.search(sent.headers["Location"]).group(1)
    thread_page = client.get(f"/messages/t/{token}?lang=sv").get_data(as_text=True)
    assert QUESTION in thread_page and "Vi svarar senast fredag 11 december 2026." in thread_page
    thread = _db.session.scalar(select(MessageThread))
    assert thread.status == ThreadStatus.WAITING and thread.answer_by == date(2026, 12, 11)

    [received] = mailbox.to("anna@example.com")
    assert received["Subject"] == "Vi har fått ditt meddelande"
    body = plain(received)
    assert "fredag 11 december 2026" in body and "feber" not in body.lower() and QUESTION not in body
    link = OPEN_LINK.search(body).group(1)

    # The thread's address alone opens nothing in another browser; the emailed link lets one browser in, once.
    other = app.test_client()
    assert other.get(f"/messages/t/{token}").status_code == 404
    assert other.get(link).status_code == 302
    assert QUESTION in other.get(f"/messages/t/{token}?lang=fi").get_data(as_text=True)
    assert other.get(link).status_code == 302  # the browser let in may follow it again
    third = app.test_client()
    refused = third.get(link + "?lang=fi")
    assert refused.status_code == 404 and "Viestiketjua ei voi avata täällä" in refused.get_data(as_text=True)
    assert third.get(f"/messages/t/{token}").status_code == 404


def test_the_nurse_answers_with_a_saved_draft_and_the_family_is_told(app, client, channel, world, open_clock, mailbox):
    open_clock.at(CLOSED_MOMENT)
    token = THREAD_LINK.search(write(client).headers["Location"]).group(1)
    thread = _db.session.scalar(select(MessageThread))
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    inbox = nurse.get("/staff/messages/?lang=sv").get_data(as_text=True)
    assert "1 att besvara" in inbox and "Feber" in inbox and "1 nytt" in inbox and "Svar senast" in inbox

    path = f"/staff/messages/{thread.id}"
    page = nurse.get(path + "?lang=sv").get_data(as_text=True)
    assert QUESTION in page and "Familjen har lovats svar senast fredag 11 december 2026." in page
    # A draft saved without JavaScript comes back when the nurse returns.
    draft = "Hej Anna! Feber i tre dagar"
    saved = nurse.submit(path + "/draft", {"body": draft}, token_from=path)
    assert saved.status_code == 302
    assert draft in nurse.get(path + "?lang=sv").get_data(as_text=True)
    # htmx saves it as she writes and says when.
    autosaved = nurse.submit(
        path + "/draft", {"body": draft + " är länge."}, token_from=path, headers={"HX-Request": "true"}
    )
    assert "Utkastet sparades kl." in autosaved.get_data(as_text=True)

    answer = "Hej Anna! Ring rådgivningen i morgon bitti, så bokar vi en tid."
    assert nurse.submit(path + "/answer", {"body": answer, "client_key": "a1"}, token_from=path).status_code == 302
    _db.session.expire_all()
    thread = _db.session.get(MessageThread, thread.id)
    assert thread.status == ThreadStatus.ANSWERED and thread.professional_id == world.professional.id
    assert _db.session.scalar(select(ThreadDraft)) is None
    told = mailbox.to("anna@example.com")[-1]
    assert told["Subject"] == "Ett svar väntar på dig i Famnen"
    assert "Ring rådgivningen" not in plain(told) and OPEN_LINK.search(plain(told))
    assert answer in client.get(f"/messages/t/{token}?lang=sv").get_data(as_text=True)
    assert "att besvara" not in nurse.get("/staff/messages/?lang=sv").get_data(as_text=True)

    # The family writes again: the centre owes an answer anew.
    client.submit(f"/messages/t/{token}/send", {"body": "Tack!", "client_key": "f2"}, token_from=f"/messages/t/{token}")
    _db.session.expire_all()
    assert _db.session.get(MessageThread, thread.id).status == ThreadStatus.WAITING
    views = _db.session.scalars(select(AuditEntry).where(AuditEntry.subject == f"thread:{thread.id}")).all()
    assert views and all(entry.actor_id == world.professional.id for entry in views)


def test_colleagues_not_written_to_are_refused_and_logged(app, client, channel, open_clock):
    open_clock.at(CLOSED_MOMENT)
    write(client)
    thread = _db.session.scalar(select(MessageThread))
    outsider = app.test_client()
    sign_in(outsider, app, make_staff({"professional"}, email="other@famnen.example", name="Olle Other"))
    assert "Feber" not in outsider.get("/staff/messages/?lang=sv").get_data(as_text=True)
    assert outsider.get(f"/staff/messages/{thread.id}").status_code == 403
    assert (
        outsider.submit(
            f"/staff/messages/{thread.id}/answer", {"body": "Hej"}, token_from="/staff/messages/"
        ).status_code
        == 403
    )
    denied = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")).all()
    assert len(denied) == 2


def test_bad_input_is_explained_and_nothing_typed_is_lost(app, client, channel, open_clock):
    open_clock.at(CLOSED_MOMENT)
    unreachable = write(client, guardian_email="")
    text = unreachable.get_data(as_text=True)
    assert unreachable.status_code == 422 and "så att vi kan meddela dig när vi har svarat" in text
    assert QUESTION in text and 'value="Anna Lindholm"' in text
    empty = write(client, body="  ")
    assert empty.status_code == 422 and "Fyll i det här fältet." in empty.get_data(as_text=True)
    oversized = write(client, body="x" * (threads.MAX_MESSAGE_LENGTH + 1))
    assert oversized.status_code == 422
    assert _db.session.scalar(select(MessageThread)) is None

    token = THREAD_LINK.search(write(client).headers["Location"]).group(1)
    path = f"/messages/t/{token}"
    for _attempt in range(2):  # a send repeated after a lost connection is stored once
        client.submit(path + "/send", {"body": "Och hosta.", "client_key": "same"}, token_from=path)
    thread = _db.session.scalar(select(MessageThread))
    assert [m.body for m in thread.messages].count("Och hosta.") == 1
    for number in range(threads.FAMILY_MESSAGES_PER_HOUR - 2):
        client.submit(path + "/send", {"body": f"Till {number}", "client_key": f"k{number}"}, token_from=path)
    flood = client.submit(path + "/send", {"body": "En till", "client_key": "more"}, token_from=path)
    assert flood.status_code == 422 and "många meddelanden på kort tid" in flood.get_data(as_text=True)
    assert "En till" in flood.get_data(as_text=True)
    assert client.get("/messages/t/forged.token").status_code == 404
    assert client.get("/messages/open/not-a-link").status_code == 404


def test_a_family_writes_to_their_professional_from_the_appointment(app, client, world, open_clock, mailbox):
    booked = book(client, world)
    manage = booked.headers["Location"].split("?")[0]
    token = manage.rsplit("/", 1)[1]
    page = client.get(manage + "?lang=sv").get_data(as_text=True)
    assert f'href="/messages/about/appointment/{token}"' in page and "Skriv till Sara Nyström" in page
    form = client.get(f"/messages/about/appointment/{token}?lang=sv").get_data(as_text=True)
    assert 'value="Anna Lindholm"' in form and 'value="anna@example.com"' in form
    sent = client.submit(
        f"/messages/about/appointment/{token}",
        {
            "guardian_name": "Anna Lindholm",
            "guardian_email": "anna@example.com",
            "language": "sv",
            "subject": "Om besöket",
            "body": "Kan pappa också komma med?",
            "client_key": "q1",
        },
        token_from=f"/messages/about/appointment/{token}",
    )
    assert sent.status_code == 302
    thread = _db.session.scalar(select(MessageThread))
    assert thread.professional_id == world.professional.id and thread.appointment_id is not None
    # Three working days (MESSAGE_ANSWER_DAYS) from the fixed Wednesday: Monday.
    assert thread.answer_by == threads.working_days_after(date(2026, 12, 9), 3)
    # The manage link leads back to the same thread, in any browser that has it.
    other = app.test_client()
    again = other.get(f"/messages/about/appointment/{token}")
    assert again.status_code == 302 and THREAD_LINK.search(again.headers["Location"])
    assert "Kan pappa också komma med?" in other.get(again.headers["Location"]).get_data(as_text=True)
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    assert "Om besöket" in nurse.get("/staff/messages/?lang=sv").get_data(as_text=True)


def test_purge_deletes_threads_a_year_after_their_last_message(app, client, channel, open_clock):
    open_clock.at(CLOSED_MOMENT)
    write(client)
    runner = app.test_cli_runner()
    open_clock.at(CLOSED_MOMENT + timedelta(days=364))
    runner.invoke(args=["purge"])
    assert _db.session.scalar(select(MessageThread)) is not None
    open_clock.at(CLOSED_MOMENT + timedelta(days=366))
    result = runner.invoke(args=["purge"])
    assert "message threads" in result.output
    _db.session.expire_all()
    assert _db.session.scalar(select(MessageThread)) is None


def test_a_family_writes_from_their_questionnaires_and_their_group_registration(app, client, family_centre, db):
    from blueprints.activities.registration import manage_token
    from blueprints.questionnaires.invitations import visit_token
    from tests.support.activities_factories import make_activity, make_date, make_registration
    from tests.support.questionnaires import make_visit

    visit = make_visit(db, family_centre)
    page = client.get(f"/q/{visit_token(visit)}?lang=sv", follow_redirects=True).get_data(as_text=True)
    write_path = f"/messages/about/visit/{visit_token(visit)}"
    assert f'href="{write_path}"' in page and "Skriv till Sara Nyström" in page
    fields = {"guardian_name": "Anna", "guardian_email": "anna@example.com", "language": "sv", "client_key": "v1"}
    sent = client.submit(
        write_path, {**fields, "subject": "Enkäten", "body": "Vad betyder fråga 3?"}, token_from=write_path
    )
    assert sent.status_code == 302
    thread = db.session.scalar(select(MessageThread).where(MessageThread.visit_id == visit.id))
    assert thread.professional_id == family_centre["nurse"].id

    from blueprints.auth.models import User

    activity = make_activity(leaders=[db.session.get(User, family_centre["nurse"].id)])
    registration = make_registration(make_date(activity))
    token = manage_token(registration)
    write_path = f"/messages/about/registration/{token}"
    assert f'href="{write_path}"' in client.get(f"/activities/registration/{token}?lang=sv").get_data(as_text=True)
    form = client.get(write_path + "?lang=sv").get_data(as_text=True)
    assert f'value="{registration.guardian_name}"' in form
    sent = client.submit(
        write_path, {**fields, "subject": "Babyrytmik", "body": "Får syskon följa med?"}, token_from=write_path
    )
    assert sent.status_code == 302
    assert db.session.scalar(select(MessageThread).where(MessageThread.registration_id == registration.id))
    assert client.get("/messages/about/nothing/abc").status_code == 404
    assert client.get("/messages/about/visit/forged.token").status_code == 404


def test_the_professionals_are_emailed_that_a_message_awaits_once_and_without_it(
    app, client, channel, world, open_clock, mailbox
):
    open_clock.at(CLOSED_MOMENT)
    token = THREAD_LINK.search(write(client).headers["Location"]).group(1)
    runner = app.test_cli_runner()

    def tell() -> str:
        return runner.invoke(args=["run-jobs", "--only", "tell-staff-of-messages"]).output

    assert "Emails about families' messages sent: 1, failed: 0" in tell()
    [told] = mailbox.to(world.professional.email)
    body = told.get_body(preferencelist=("plain",)).get_content()
    thread = _db.session.scalar(select(MessageThread))
    assert f"/staff/messages/{thread.id}" in body and "feber" not in body.lower() and "Anna" not in body
    assert "Svara senast fredag 11 december 2026." in body  # in the professional's language (Swedish here)
    assert "sent: 0" in tell()  # told once

    # A message someone at the centre has already opened is not emailed about; a new one is.
    path = f"/messages/t/{token}"
    client.submit(path + "/send", {"body": "En sak till.", "client_key": "second"}, token_from=path)
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    nurse.get(f"/staff/messages/{thread.id}")
    assert "sent: 0" in tell()
    client.submit(path + "/send", {"body": "Och en tredje.", "client_key": "third"}, token_from=path)
    assert "sent: 1" in tell() and len(mailbox.to(world.professional.email)) == 2
