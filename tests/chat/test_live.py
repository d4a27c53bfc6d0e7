"""Live delivery through real servers: a browser waiting on one app server gets a message sent through another,
once, in order; and one written straight into the database (by a job or a third server) as well."""

from __future__ import annotations

import re
import threading

import pytest

from blueprints.auth.models import User
from blueprints.chat import conversations
from blueprints.chat.routes import KEYS
from tests.support.live import Browser, GunicornServer

MESSAGE_IDS = re.compile(r'id="message-(\d+)"')
# Long enough that only a wake-up, never the timeout, can answer a waiting request within it on a busy machine.
WAIT = 20
SESSION_COOKIE = "famnen_session"


@pytest.fixture
def waiting_chat(app, db, channel, world):
    """A chat the nurse has picked up, and the family's session cookie holding its key (made before the servers)."""
    chat, browser_key = conversations.start(channel, "Anna", "sv", "Min son sover dåligt.", "192.0.2.1")
    conversations.pick_up(chat, db.session.get(User, world.professional.id))
    db.session.commit()
    cookie = app.session_interface.get_signing_serializer(app).dumps({KEYS: {chat.reference: browser_key}})
    return chat, conversations.link_token(chat), cookie


@pytest.fixture
def two_servers(database_url, tmp_path, waiting_chat):
    servers = [GunicornServer(database_url, tmp_path / f"outbox{index}", workers=1, threads=8) for index in range(2)]
    yield servers
    for server in servers:
        server.stop()


def family_on(server: GunicornServer, cookie: str) -> Browser:
    """A family's browser on ``server``, holding the session that started the chat."""
    family = Browser(server.url)
    family.set_cookie(SESSION_COOKIE, cookie)
    return family


def wait_in_background(family: Browser, path: str) -> tuple[threading.Thread, dict]:
    """Start a waiting request (long poll) in a thread; its (status, body) lands in the returned dict."""
    answer: dict = {}

    def ask() -> None:
        answer["status"], answer["body"] = family.get(path)

    thread = threading.Thread(target=ask)
    thread.start()
    return thread, answer


def test_a_message_sent_through_one_server_reaches_a_browser_waiting_on_the_other(db, waiting_chat, two_servers):
    chat, token, cookie = waiting_chat
    first, second = (family_on(server, cookie) for server in two_servers)
    status, page = first.get(f"/chat/c/{token}")
    assert status == 200
    last = max(int(found) for found in MESSAGE_IDS.findall(page))

    thread, answer = wait_in_background(first, f"/chat/c/{token}/updates?after={last}&state=active.0&wait={WAIT}")
    form_token = second.token(f"/chat/c/{token}")
    status, _ = second.post(
        f"/chat/c/{token}/send", {"csrf_token": form_token, "body": "Han är fyra år.", "client_key": "live-1"}
    )
    assert status == 302
    thread.join(timeout=WAIT + 30)
    assert answer["status"] == 200
    assert "Han är fyra år." in answer["body"]
    assert f"after={last + 1}" in answer["body"]  # the next wait starts after it: it is not delivered twice

    # A browser that lost its connection asks from where it was: everything after that, once, in order.
    status, again = first.get(f"/chat/c/{token}/updates?after=0&state=active.0")
    delivered = [int(found) for found in MESSAGE_IDS.findall(again)]
    assert delivered == sorted(set(delivered)) and delivered[-1] == last + 1


def test_a_message_committed_outside_the_servers_wakes_a_waiting_professional(db, waiting_chat, two_servers, world):
    chat, token, cookie = waiting_chat
    family = family_on(two_servers[0], cookie)
    _status, page = family.get(f"/chat/c/{token}")
    last = max(int(found) for found in MESSAGE_IDS.findall(page))
    thread, answer = wait_in_background(family, f"/chat/c/{token}/updates?after={last}&state=active.0&wait={WAIT}")
    stored = conversations.send(
        db.session.get(type(chat), chat.id),
        "Hur sover han på dagen?",
        "n-1",
        author=db.session.get(User, world.professional.id),
    )
    db.session.commit()
    thread.join(timeout=WAIT + 30)
    assert f'id="message-{stored.id}"' in answer["body"]
    assert "Hur sover han på dagen?" in answer["body"]
