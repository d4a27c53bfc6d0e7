"""Chat: a family queues anonymously, a professional of the channel picks up, they write; nobody else gets in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from blueprints.audit.models import AuditEntry
from blueprints.booking.models import Appointment
from blueprints.chat import conversations, hours
from blueprints.chat.conversations import ChatRefused
from blueprints.chat.models import ChatMessage, Conversation, ConversationStatus
from core.i18n import day_and_time
from extensions import db as _db
from tests.support.booking import FAMILY, free_slots
from tests.support.helpers import make_staff, next_week, sign_in

CONVERSATION_LINK = re.compile(r"/chat/c/([^/?#]+)")


def day_and_time_in(moment, language):
    """The appointment's time as the family's page writes it."""
    with force_locale(language):
        return day_and_time(moment)


def start_chat(client, slug="radgivningens-chatt", nickname="Anna", topic="Min son sover dåligt.", language="sv"):
    """Join the queue through the channel page; return the conversation's token."""
    response = client.submit(
        f"/chat/{slug}", {"nickname": nickname, "language": language, "topic": topic}, token_from=f"/chat/{slug}"
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return CONVERSATION_LINK.search(response.headers["Location"]).group(1)


def send(client, path, body, client_key="k1", **headers):
    """Send a message from a conversation page's form."""
    return client.submit(path + "/send", {"body": body, "client_key": client_key}, token_from=path, headers=headers)


def test_the_channel_is_open_on_its_hours_and_closed_on_holidays(channel):
    assert hours.opening_at(channel, datetime(2026, 12, 9, 8, 0, tzinfo=UTC)) is not None  # Wed 10.00
    assert hours.opening_at(channel, datetime(2026, 12, 9, 13, 0, tzinfo=UTC)) is None  # Wed 15.00, closed
    assert hours.opening_at(channel, datetime(2026, 12, 12, 8, 0, tzinfo=UTC)) is None  # Saturday
    # Independence Day, a Sunday in 2026; Christmas Eve is a Thursday and closed too.
    assert hours.opening_at(channel, datetime(2026, 12, 24, 8, 0, tzinfo=UTC)) is None
    after_christmas = hours.next_opening(channel, datetime(2026, 12, 23, 14, 0, tzinfo=UTC))
    assert after_christmas.day.isoformat() == "2026-12-28"  # Monday after Boxing Day


def test_front_page_and_channel_list_say_whether_the_chat_is_open(client, channel, open_clock):
    assert "Rådgivningens chatt" in client.get("/?lang=sv").get_data(as_text=True)
    page = client.get("/chat/?lang=fi").get_data(as_text=True)
    assert "Neuvolan chat" in page and "Avoinna nyt" in page and 'href="tel:112"' in page
    open_clock.at(datetime(2026, 12, 9, 14, 0, tzinfo=UTC))  # 16.00
    page = client.get("/chat/radgivningens-chatt?lang=sv").get_data(as_text=True)
    assert "Stängt nu" in page and "Öppnar" in page
    assert 'name="topic"' not in page  # no form to queue with while closed


def test_a_family_queues_and_only_their_browser_opens_the_chat(app, client, channel):
    token = start_chat(client)
    page = client.get(f"/chat/c/{token}?lang=sv")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Du är nummer 1 i kön." in text and "Min son sover dåligt." in text
    assert 'role="log"' in text

    other_browser = app.test_client()
    refused = other_browser.get(f"/chat/c/{token}?lang=sv")
    assert refused.status_code == 404
    assert "Min son" not in refused.get_data(as_text=True)
    forged = client.get(f"/chat/c/{token[:-3]}abc")
    assert forged.status_code == 404


def test_queue_places_and_a_full_queue(client, channel, app):
    channel.max_queue = 2
    _db.session.commit()
    start_chat(client, nickname="Anna")
    second = app.test_client()
    token = start_chat(second, nickname="Bo")
    assert "nummer 2" in second.get(f"/chat/c/{token}?lang=sv").get_data(as_text=True)
    third = app.test_client()
    refused = third.submit(
        "/chat/radgivningens-chatt",
        {"nickname": "Cia", "language": "sv", "topic": "Hej"},
        token_from="/chat/radgivningens-chatt",
    )
    assert refused.status_code == 409
    assert "kön är full" in refused.get_data(as_text=True)
    assert _db.session.scalar(select(Conversation).where(Conversation.nickname == "Cia")) is None


def test_one_browser_keeps_one_chat_and_one_address_starts_a_few(app, client, channel):
    token = start_chat(client, nickname="Anna")
    page = client.get("/chat/radgivningens-chatt?lang=fi").get_data(as_text=True)
    assert "Sinulla on jo chat kesken täällä." in page and f"/chat/c/{token}" in page
    again = client.submit(
        "/chat/radgivningens-chatt",
        {"nickname": "Anna", "language": "sv", "topic": "Igen"},
        token_from=f"/chat/c/{token}",
    )
    assert again.status_code == 302 and CONVERSATION_LINK.search(again.headers["Location"]).group(1) == token
    assert _db.session.scalar(select(func.count(Conversation.id))) == 1

    app.config["CHAT_STARTS_PER_ADDRESS_HOUR"] = 2
    start_chat(app.test_client(), nickname="Bo")
    refused = app.test_client().submit(
        "/chat/radgivningens-chatt?lang=sv",
        {"nickname": "Cia", "language": "sv", "topic": "Hej"},
        token_from="/chat/radgivningens-chatt",
    )
    assert refused.status_code == 429
    assert "försök igen om en timme" in refused.get_data(as_text=True)
    assert 'value="Cia"' in refused.get_data(as_text=True)  # nothing typed is lost
    assert re.search(r">\s*Hej</textarea>", refused.get_data(as_text=True))
    assert _db.session.scalar(select(func.count(Conversation.id))) == 2
    # Another address is not held back by the first one's starts.
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    start_chat(elsewhere, nickname="Dan")
    started_from = _db.session.scalars(select(Conversation.started_from)).all()
    assert len(set(started_from)) == 2 and not any("127.0.0.1" in value or "192.0.2" in value for value in started_from)


def test_a_closed_channel_refuses_a_start_sent_anyway(client, channel, open_clock):
    token = client.csrf_token("/chat/radgivningens-chatt")
    open_clock.at(datetime(2026, 12, 9, 16, 0, tzinfo=UTC))
    refused = client.post(
        "/chat/radgivningens-chatt?lang=sv",
        data={"csrf_token": token, "nickname": "Anna", "language": "sv", "topic": "Hej"},
    )
    assert refused.status_code == 409
    assert "Chatten är stängd just nu" in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Fyll i det här fältet."), ("x" * 2001, "Högst 2000 tecken.")],
)
def test_an_empty_or_oversized_message_is_refused_and_kept(client, channel, body, message):
    token = start_chat(client)
    path = f"/chat/c/{token}"
    refused = send(client, path, body)
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    if body:
        assert body in refused.get_data(as_text=True)  # what was typed is shown back
    assert _db.session.scalar(select(ChatMessage).where(ChatMessage.body == body)) is None


def test_markup_is_shown_as_text_and_links_are_safe(client, channel):
    token = start_chat(client)
    path = f"/chat/c/{token}"
    send(client, path, '<script>alert(1)</script> se https://thl.fi/neuvola. och <a href="javascript:x">klick</a>')
    page = client.get(path).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="https://thl.fi/neuvola" rel="nofollow noopener noreferrer">https://thl.fi/neuvola</a>.' in page
    assert 'href="javascript' not in page


def test_a_send_repeated_after_a_lost_connection_is_stored_once(client, channel):
    token = start_chat(client)
    path = f"/chat/c/{token}"
    for _attempt in range(2):
        assert send(client, path, "Är det normalt?", client_key="same-key").status_code == 302
    assert len(_db.session.scalars(select(ChatMessage).where(ChatMessage.body == "Är det normalt?")).all()) == 1


def test_a_flood_of_messages_is_slowed_down(client, channel):
    token = start_chat(client)
    path = f"/chat/c/{token}"
    for number in range(conversations.FAMILY_BURST - 1):  # the first message was the topic
        assert send(client, path, f"meddelande {number}", client_key=f"k{number}").status_code == 302
    refused = send(client, path, "ett till", client_key="one-more")
    assert refused.status_code == 422
    assert "snabbare än vi hinner läsa" in refused.get_data(as_text=True)


def test_a_professional_of_the_channel_picks_up_and_they_chat(app, client, channel, world):
    token = start_chat(client)
    family_path = f"/chat/c/{token}"
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    queue = nurse.get("/staff/chat/?lang=sv").get_data(as_text=True)
    assert "Anna" in queue and "Min son sover dåligt." in queue and "1 i kön" in queue
    chat = _db.session.scalar(select(Conversation))
    assert nurse.submit(f"/staff/chat/{chat.id}/pick-up", token_from="/staff/chat/").status_code == 302
    assert "Du chattar med Sara Nyström." in client.get(family_path + "?lang=sv").get_data(as_text=True)

    staff_path = f"/staff/chat/{chat.id}"
    assert send(nurse, staff_path, "Hej Anna! Hur gammal är han?", client_key="n1").status_code == 302
    news = client.get(f"{family_path}/updates?after=0&state=queued.1", headers={"HX-Request": "true"})
    text = news.get_data(as_text=True)
    assert "Hej Anna! Hur gammal är han?" in text and "Sara Nyström" in text
    last = max(message.id for message in _db.session.scalars(select(ChatMessage)))
    # Asked again after the last message, with the state it shows: nothing is sent twice.
    again = client.get(f"{family_path}/updates?after={last}&state=active.0", headers={"HX-Request": "true"})
    assert "Hej Anna" not in again.get_data(as_text=True)
    assert f"after={last}" in again.get_data(as_text=True)

    views = _db.session.scalars(select(AuditEntry).where(AuditEntry.subject == f"chat:{chat.id}")).all()
    assert {entry.action for entry in views} >= {"list", "view"}

    assert nurse.submit(f"{staff_path}/end", token_from=staff_path).status_code == 302
    ended = client.get(family_path + "?lang=sv").get_data(as_text=True)
    assert "Chatten har avslutats." in ended and "Ladda ner samtalet" in ended
    assert send(client, family_path, "Tack!", client_key="late").status_code == 422
    transcript = client.get(f"{family_path}/transcript?lang=sv")
    assert transcript.mimetype == "text/plain"
    lines = transcript.get_data(as_text=True)
    assert "Du: Min son sover dåligt." in lines and "Sara Nyström: Hej Anna! Hur gammal är han?" in lines


def test_colleagues_outside_the_channel_are_refused_and_logged(app, client, channel):
    token = start_chat(client)
    assert token
    outsider_login = make_staff({"professional"}, email="other@famnen.example", name="Olle Other")
    outsider = app.test_client()
    sign_in(outsider, app, outsider_login)
    chat = _db.session.scalar(select(Conversation))
    assert "Anna" not in outsider.get("/staff/chat/").get_data(as_text=True)
    assert outsider.get(f"/staff/chat/{chat.id}").status_code == 403
    assert outsider.submit(f"/staff/chat/{chat.id}/pick-up", token_from="/staff/chat/").status_code == 403
    denied = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")).all()
    assert len(denied) == 2
    assert _db.session.get(Conversation, chat.id).status == ConversationStatus.QUEUED


def test_two_colleagues_cannot_pick_up_the_same_chat(db, channel, world, client):
    start_chat(client)
    colleague = make_staff({"professional"}, email="kim@famnen.example", name="Kim Colleague")
    from blueprints.auth.models import User

    channel.professionals.append(db.session.get(User, colleague.id))
    db.session.commit()
    chat = db.session.scalar(select(Conversation))
    conversations.pick_up(chat, db.session.get(User, world.professional.id))
    with pytest.raises(ChatRefused) as refused:
        conversations.pick_up(chat, db.session.get(User, colleague.id))
    assert refused.value.reason == "taken"
    assert chat.professional_id == world.professional.id


def test_the_staff_header_counts_waiting_families(app, client, channel, world):
    start_chat(client)
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    assert "1 i kön" in nurse.get("/staff/?lang=sv").get_data(as_text=True)


def test_purge_deletes_chats_with_their_messages_after_the_retention_period(app, db, client, channel):
    from datetime import timedelta

    from blueprints.operations.retention import purge

    start_chat(client)
    chat = db.session.scalar(select(Conversation))
    conversations.end(chat)
    db.session.commit()
    days = app.config["RETENTION_CHAT_DAYS"]
    purge(chat.ended_at + timedelta(days=days - 1))
    db.session.commit()
    assert db.session.scalar(select(Conversation)) is not None
    purge(chat.ended_at + timedelta(days=days, minutes=1))
    db.session.commit()
    assert db.session.scalar(select(Conversation)) is None
    assert db.session.scalar(select(ChatMessage)) is None


def test_the_nurse_books_from_the_chat_and_the_family_sees_it_there(app, client, channel, world, mailbox):
    token = start_chat(client)
    family_path = f"/chat/c/{token}"
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    chat = _db.session.scalar(select(Conversation))
    book_page = f"/staff/chat/{chat.id}/book"
    # Only while holding the chat: before picking it up the nurse is sent back to it.
    refused = nurse.get(book_page + "?lang=sv")
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"/staff/chat/{chat.id}")
    nurse.submit(f"/staff/chat/{chat.id}/pick-up", token_from="/staff/chat/")

    conversation_page = nurse.get(f"/staff/chat/{chat.id}?lang=sv").get_data(as_text=True)
    assert f'href="{book_page}"' in conversation_page
    from blueprints.organisation.models import Service
    from tests.support.factories import make_service

    other = make_service(list(channel.professionals), slug="talterapi", name_sv="Talterapi", name_fi="Puheterapia")
    channel.services = [_db.session.get(Service, other.id)]
    _db.session.commit()
    services = nurse.get(book_page + "?lang=sv").get_data(as_text=True)
    assert services.index("Talterapi") < services.index("Barnrådgivning")  # the channel's own service first
    times_path = f"/staff/chat/{chat.id}/book/{world.service_slug}"
    assert "Anna" in services and f'href="{times_path}"' in services
    slot = free_slots(nurse, next_week(times_path))[0]
    details = f"{times_path}/details?slot={slot}"
    form = nurse.get(details + "&lang=sv").get_data(as_text=True)
    assert 'value="Anna"' in form  # the nickname is where the nurse starts
    booked = nurse.submit(
        f"{times_path}/details", {**FAMILY, "slot": slot, "guardian_email": "anna@example.com"}, token_from=details
    )
    assert booked.status_code == 302 and booked.headers["Location"].startswith(f"/staff/chat/{chat.id}")
    appointment = _db.session.scalar(select(Appointment))
    assert appointment.booked_by_id == world.professional.id
    assert mailbox.to("anna@example.com")  # the usual confirmation

    # The family sees the booking in the chat, with its manage link, live (an event after their cursor).
    event = _db.session.scalar(select(ChatMessage).where(ChatMessage.kind == "booked"))
    update = client.get(f"{family_path}/updates?after={event.id - 1}&state=active&lang=sv").get_data(as_text=True)
    when = day_and_time_in(appointment.starts_at, "sv")
    assert f"Sara Nyström bokade en tid åt dig: Barnrådgivning, {when}." in update
    manage = re.search(r'href="(/book/manage/[^"]+)"', update).group(1)
    assert client.get(manage + "?lang=sv").status_code == 200
    staff_view = nurse.get(f"/staff/chat/{chat.id}?lang=fi").get_data(as_text=True)
    assert "varasi perheelle ajan" in staff_view and "/book/manage/" not in staff_view

    # Cancelled later, the chat says so and no longer offers the link.
    nurse.submit(
        f"/staff/appointments/{appointment.id}/cancel",
        {"reason": "Sjuk."},
        token_from=f"/staff/appointments/{appointment.id}/cancel",
    )
    page = client.get(family_path + "?lang=sv").get_data(as_text=True)
    assert "Den har avbokats." in page and "/book/manage/" not in page

    # Once the chat has ended, booking from it is refused.
    nurse.submit(f"/staff/chat/{chat.id}/end", token_from=f"/staff/chat/{chat.id}")
    assert nurse.get(f"{times_path}?lang=sv").status_code == 302
    assert nurse.get(f"{details}&lang=sv").status_code == 302


def test_the_nurse_passes_the_chat_to_a_colleague_with_a_note_the_family_does_not_see(app, client, channel, world):
    from blueprints.auth.models import User

    colleague_login = make_staff({"professional"}, email="kim@famnen.example", name="Kim Kollega")
    outsider_login = make_staff({"professional"}, email="olle@famnen.example", name="Olle Other")
    channel.professionals = [_db.session.get(User, world.professional.id), _db.session.get(User, colleague_login.id)]
    _db.session.commit()
    token = start_chat(client)
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    chat = _db.session.scalar(select(Conversation))
    path = f"/staff/chat/{chat.id}"
    nurse.submit(path + "/pick-up", token_from="/staff/chat/")
    page = nurse.get(path + "?lang=sv").get_data(as_text=True)
    assert "Kim Kollega" in page and "Olle Other" not in page  # only the channel's colleagues are offered

    refused = nurse.submit(path + "/transfer", {"colleague": str(outsider_login.id), "note": "x"}, token_from=path)
    assert (
        refused.status_code == 422 and _db.session.get(Conversation, chat.id).professional_id == world.professional.id
    )
    note = "Frågar om sömn, vill ha en tid efter jul."
    passed = nurse.submit(path + "/transfer", {"colleague": str(colleague_login.id), "note": note}, token_from=path)
    assert passed.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(Conversation, chat.id).professional_id == colleague_login.id

    family_page = client.get(f"/chat/c/{token}?lang=sv").get_data(as_text=True)
    assert "Sara Nyström gav chatten vidare till Kim Kollega." in family_page and note not in family_page
    assert "Du chattar med Kim Kollega." in family_page
    transcript = client.get(f"/chat/c/{token}/transcript").get_data(as_text=True)
    assert note not in transcript
    colleague = app.test_client()
    sign_in(colleague, app, colleague_login)
    assert note in colleague.get(path + "?lang=sv").get_data(as_text=True)
    assert send(colleague, path, "Hej, Kim här!", client_key="kim1").status_code == 302
    # The one who passed it on can no longer write in it.
    assert send(nurse, path, "Hej igen", client_key="sara2").status_code == 422


def test_families_nobody_picked_up_by_closing_time_are_told_and_offered_to_write(
    app, client, channel, world, open_clock
):
    token = start_chat(client)
    picked = app.test_client()
    start_chat(picked, nickname="Bo")
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    bo = _db.session.scalar(select(Conversation).where(Conversation.nickname == "Bo"))
    nurse.submit(f"/staff/chat/{bo.id}/pick-up", token_from="/staff/chat/")
    runner = app.test_cli_runner()

    open_clock.at(datetime(2026, 12, 9, 12, 50, tzinfo=UTC))  # 14.50: still open, Anna may still be picked up
    assert (
        "Chats ended unanswered after closing time: 0"
        in runner.invoke(args=["run-jobs", "--only", "close-chat-queues"]).output
    )
    open_clock.at(datetime(2026, 12, 9, 13, 10, tzinfo=UTC))  # 15.10: closed
    result = runner.invoke(args=["run-jobs", "--only", "close-chat-queues"])
    assert "Chats ended unanswered after closing time: 1" in result.output
    assert (
        "Chats ended unanswered after closing time: 0"
        in runner.invoke(args=["run-jobs", "--only", "close-chat-queues"]).output
    )
    page = client.get(f"/chat/c/{token}?lang=sv").get_data(as_text=True)
    assert "Chatten stängdes innan en yrkesperson hann svara." in page
    assert 'href="/messages/write/radgivningens-chatt"' in page and 'name="body"' not in page
    _db.session.expire_all()
    assert _db.session.get(Conversation, bo.id).status == ConversationStatus.ACTIVE  # a chat going on is left alone


def test_the_nurse_links_the_chat_to_a_childs_case_and_the_summary_lists_it(app, client, channel, world):
    from datetime import date

    from blueprints.auth.models import User
    from blueprints.questionnaires.invitations import open_case
    from tests.support.pdf import pdf_text

    child = open_case("Elsa", date(2023, 5, 4), _db.session.get(User, world.professional.id))
    _db.session.commit()
    start_chat(client)
    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    chat = _db.session.scalar(select(Conversation))
    path = f"/staff/chat/{chat.id}"
    nurse.submit(path + "/pick-up", token_from="/staff/chat/")
    assert "Elsa" in nurse.get(path + "?lang=sv").get_data(as_text=True)
    linked = nurse.submit(path + "/child", {"child": str(child.id)}, token_from=path, follow_redirects=True)
    assert "Chatten är kopplad till ärendet för Elsa" in linked.get_data(as_text=True)
    _db.session.expire_all()
    assert _db.session.get(Conversation, chat.id).child_id == child.id
    child_page = nurse.get(f"/staff/questionnaires/children/{child.id}?lang=sv").get_data(as_text=True)
    assert "Chattkontakter" in child_page and f'href="/staff/chat/{chat.id}"' in child_page
    summary = pdf_text(nurse.get(f"/staff/reports/children/{child.id}.pdf?lang=sv").data)
    assert "Chattkontakter" in summary and "Rådgivningens chatt" in summary and "Sara Nyström" in summary

    # A case that is not the professional's own cannot be linked.
    stranger = make_staff({"professional"}, email="olle@famnen.example", name="Olle Other")
    other_child = open_case("Bo", date(2022, 1, 1), _db.session.get(User, stranger.id))
    _db.session.commit()
    assert nurse.submit(path + "/child", {"child": str(other_child.id)}, token_from=path).status_code == 403
    _db.session.expire_all()
    assert _db.session.get(Conversation, chat.id).child_id == child.id


def test_the_nurse_sends_a_questionnaire_from_the_chat_and_the_family_answers_from_it(
    app, client, channel, family_centre
):
    from blueprints.questionnaires.models import Visit

    token = start_chat(client)
    nurse = app.test_client()
    sign_in(nurse, app, family_centre["nurse"])
    chat = _db.session.scalar(select(Conversation))
    path = f"/staff/chat/{chat.id}"
    nurse.submit(path + "/pick-up", token_from="/staff/chat/")
    invite = f"/staff/questionnaires/new?chat={chat.id}"
    assert f'href="{invite.replace("&", "&amp;")}"' in nurse.get(path + "?lang=sv").get_data(as_text=True)
    form = nurse.get(invite + "&lang=sv").get_data(as_text=True)
    assert "Anna" in form and "Tillbaka till chatten" in form
    sent = nurse.submit(
        invite,
        {
            "child": str(family_centre["child_id"]),
            "instruments": ["fyraarsgranskningen"],
            "language": "sv",
            "valid_days": "14",
            "email": "",
        },
        token_from=invite,
    )
    assert sent.status_code == 302 and sent.headers["Location"].startswith(path)
    visit = _db.session.scalar(select(Visit))
    _db.session.expire_all()
    assert _db.session.get(Conversation, chat.id).child_id == family_centre["child_id"]  # linked on the way

    page = client.get(f"/chat/c/{token}?lang=sv").get_data(as_text=True)
    assert "Sara Nyström skickade dig en enkät att fylla i." in page
    link = re.search(r'href="(/q/[^"]+)"', page).group(1)
    opened = client.get(link + "?lang=sv", follow_redirects=True)
    assert opened.status_code == 200 and "Fyraårsgranskningen" in opened.get_data(as_text=True)
    assert "/q/" not in nurse.get(path + "?lang=sv").get_data(as_text=True)  # the family's link is theirs alone

    # Withdrawn, the chat no longer offers it.
    from blueprints.questionnaires import invitations
    from core.timeutil import utcnow

    invitations.withdraw(_db.session.get(Visit, visit.id), utcnow())
    _db.session.commit()
    page = client.get(f"/chat/c/{token}?lang=sv").get_data(as_text=True)
    assert "/q/" not in page and "Enkäten är inte längre öppen." in page

    # Someone else's chat number in the address is ignored: an ordinary invitation.
    other = nurse.get("/staff/questionnaires/new?chat=9999&lang=sv").get_data(as_text=True)
    assert "Tillbaka till chatten" not in other


def test_the_family_has_the_conversation_emailed_as_a_one_time_link(app, client, channel, world, mailbox):
    token = start_chat(client, topic="Min son sover dåligt om nätterna.")
    path = f"/chat/c/{token}"
    client.submit(path + "/end", token_from=path)
    page = client.get(path + "?lang=sv").get_data(as_text=True)
    assert "Mejla samtalet till mig" in page
    bad = client.submit(path + "/email", {"email": "inte en adress"}, token_from=path)
    assert bad.status_code == 422 and 'value="inte en adress"' in bad.get_data(as_text=True)
    sent = client.submit(path + "/email", {"email": "Anna@Example.com"}, token_from=path, follow_redirects=True)
    assert "Vi har mejlat dig en länk" in sent.get_data(as_text=True)
    [email] = mailbox.to("anna@example.com")
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert "sover" not in body  # the conversation stays in Famnen; the email carries a link
    link = re.search(r"(/chat/transcript/[A-Za-z0-9_-]+)", body).group(1)
    other_browser = app.test_client()
    download = other_browser.get(link)
    assert download.status_code == 200 and "Min son sover dåligt om nätterna." in download.get_data(as_text=True)
    again = other_browser.get(link + "?lang=fi")
    assert again.status_code == 404 and "Linkki on käytetty" in again.get_data(as_text=True)


def test_a_waiting_request_neither_takes_the_write_lock_nor_keeps_the_nurse_signed_in(
    app, client, channel, world, open_clock
):
    from datetime import timedelta

    from blueprints.auth.models import StaffSession

    nurse = app.test_client()
    sign_in(nurse, app, world.professional)
    seen = _db.session.scalar(select(StaffSession.last_seen_at))
    open_clock.at(open_clock.moment + timedelta(minutes=5))
    statements = []
    engine = _db.engine

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", remember)
    try:
        assert nurse.get("/staff/chat/updates?wait=0&state=x", headers={"HX-Request": "true"}).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    _db.session.expire_all()
    assert _db.session.scalar(select(StaffSession.last_seen_at)) == seen  # an open page is not the nurse at work
    assert not any(statement.startswith(("UPDATE", "INSERT")) for statement in statements)
    assert "BEGIN IMMEDIATE" not in statements
    if engine.dialect.name == "sqlite":  # the driver begins PostgreSQL's transactions itself
        assert "BEGIN" in statements
    nurse.get("/staff/chat/")
    _db.session.expire_all()
    assert _db.session.scalar(select(StaffSession.last_seen_at)) > seen

    # Signed out meanwhile: the waiting request sends the browser to sign in, and back to the page after.
    open_clock.at(open_clock.moment + timedelta(hours=3))
    answer = nurse.get(
        "/staff/chat/updates?wait=0&state=x",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/staff/chat/?lang=sv"},
    )
    assert answer.status_code == 204 and "next=/staff/chat/?lang%3Dsv" in answer.headers["HX-Redirect"]
