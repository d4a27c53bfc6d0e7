"""Waking browsers that wait for new chat messages: long polling over one change counter per process.

A browser asks for what came after the last message it has and the request waits (up to
``LONG_POLL_SECONDS``) until something newer exists. The waiting is done here, not in the
database: each app process keeps the newest message id it knows of and a condition that
waiting requests sleep on, holding no database connection. One watcher thread per process
moves the id forward:

- on PostgreSQL it LISTENs on ``famnen_chat``; ``announce`` NOTIFYs in the transaction that
  stores a message, so the notice arrives once the message is committed and readable, on
  every app server sharing the database;
- on SQLite (one server) it reads the newest id a few times a second, which one index
  lookup answers.

A message wakes only the requests waiting on its topics: its conversation, and its channel's
queue when it changed the queue. A wake-up only says "something changed"; each request then
reads its own conversation's messages after its own cursor, so nothing depends on a notice
arriving exactly once.
Why long polling and not Server-Sent Events is argued in docs/chat.md.
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask, current_app
from sqlalchemy import text

from extensions import db

NOTIFY_CHANNEL = "famnen_chat"
NEWEST_MESSAGE = text("SELECT coalesce(max(id), 0) FROM chat_message")
MESSAGES_AFTER = text(
    "SELECT m.id, m.conversation_id, c.channel_id, m.queue_event FROM chat_message m"
    " JOIN chat_conversation c ON c.id = m.conversation_id WHERE m.id > :after ORDER BY m.id LIMIT 1000"
)
# How long a browser's request waits for news before answering "nothing yet" and asking again.
LONG_POLL_SECONDS = 25
# How often SQLite is asked for new messages; the latency this adds is at most this long.
SQLITE_POLL_SECONDS = 0.1
RECONNECT_SECONDS = 1.0
# Topics whose latest message is remembered, at most (the oldest are forgotten first).
REMEMBERED_TOPICS = 20_000

log = logging.getLogger(__name__)


def conversation_topic(conversation_id: int) -> str:
    """What a browser showing one conversation waits on."""
    return f"c{conversation_id}"


def queue_topic(channel_id: int) -> str:
    """What a browser showing a channel's queue (or a place in it) waits on."""
    return f"q{channel_id}"


def topics_of(conversation_id: int, channel_id: int, queue_event: bool) -> list[str]:
    """The topics a message wakes: its conversation, and its channel's queue when it changed the queue."""
    return [conversation_topic(conversation_id)] + ([queue_topic(channel_id)] if queue_event else [])


def announce(message_id: int, topics: list[str]) -> None:
    """Tell every app server, once the current transaction commits, that message ``message_id`` exists."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": NOTIFY_CHANNEL, "payload": " ".join([str(message_id), *topics])},
        )


class ChangeFeed:
    """The newest message id this process knows of, per topic, and a way to sleep until a topic moves.

    Only the requests waiting on a message's topics are woken, so a busy channel does not wake
    every waiting browser of the process for every message.
    """

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._newest = 0
        self._latest: dict[str, int] = {}
        self._waiters: dict[str, set[threading.Event]] = {}
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self.process_id = os.getpid()
        watcher = (
            self._watch_postgres
            if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
            else self._watch_sqlite
        )
        threading.Thread(target=watcher, name="famnen-chat-feed", daemon=True).start()

    def newest(self) -> int:
        """The newest message id known; waits (briefly) for the watcher's first reading."""
        self._ready.wait(timeout=5)
        return self._newest

    def wait_on(self, topics: list[str], seen: int, timeout: float) -> None:
        """Sleep until a message newer than ``seen`` arrives on one of ``topics``, or ``timeout`` seconds pass."""
        woken = threading.Event()
        with self._lock:
            if any(self._latest.get(topic, 0) > seen for topic in topics):
                return
            for topic in topics:
                self._waiters.setdefault(topic, set()).add(woken)
        try:
            woken.wait(timeout=max(0.0, timeout))
        finally:
            with self._lock:
                for topic in topics:
                    waiting = self._waiters.get(topic)
                    if waiting is not None:
                        waiting.discard(woken)
                        if not waiting:
                            del self._waiters[topic]

    def stop(self) -> None:
        """Let the watcher thread end (tests start many apps; a server's feed lives as long as its process)."""
        self._stopped.set()

    def _advance(self, message_id: int, topics: list[str]) -> None:
        with self._lock:
            self._newest = max(self._newest, message_id)
            for topic in topics:
                self._latest[topic] = max(self._latest.get(topic, 0), message_id)
                for woken in self._waiters.get(topic, ()):
                    woken.set()
            if len(self._latest) > REMEMBERED_TOPICS:
                # Forgetting old topics is safe: a request registers before it sleeps, so it is woken anyway;
                # only the moment between its read and its registration needs the remembered id.
                keep = sorted(self._latest.items(), key=lambda item: item[1])[REMEMBERED_TOPICS // 2 :]
                self._latest = dict(keep)

    def _engine(self):
        with self._app.app_context():
            return db.engine

    def _watch_sqlite(self) -> None:
        engine = self._engine()
        after = None
        while not self._stopped.is_set():
            try:
                with engine.connect() as connection:
                    if after is None:
                        after = connection.execute(NEWEST_MESSAGE).scalar_one()
                        self._advance(after, [])
                    for message_id, conversation_id, channel_id, queue_event in connection.execute(
                        MESSAGES_AFTER, {"after": after}
                    ):
                        self._advance(message_id, topics_of(conversation_id, channel_id, bool(queue_event)))
                        after = message_id
            except Exception:  # a locked or briefly missing database: read again shortly
                log.warning("chat feed could not read new messages", exc_info=True)
            self._ready.set()
            self._stopped.wait(SQLITE_POLL_SECONDS)

    def _watch_postgres(self) -> None:
        import psycopg

        url = self._engine().url.set(drivername="postgresql").render_as_string(hide_password=False)
        while not self._stopped.is_set():
            try:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    # Read after LISTEN, so a message committed in between is not missed.
                    self._advance(connection.execute(NEWEST_MESSAGE.text).fetchone()[0], [])
                    self._ready.set()
                    while not self._stopped.is_set():
                        for notice in connection.notifies(timeout=1.0):
                            message_id, *topics = notice.payload.split()
                            self._advance(int(message_id), topics)
            except Exception:  # the database restarted or the connection dropped: listen again
                log.warning("chat feed lost its PostgreSQL connection", exc_info=True)
                # A waiting request answers at the latest when its own wait ends, and the browser asks again
                # from its last message, so nothing is lost meanwhile.
                self._stopped.wait(RECONNECT_SECONDS)


_feeds: dict[int, ChangeFeed] = {}
_feeds_lock = threading.Lock()


def stop_feeds() -> None:
    """Stop every feed this process started."""
    with _feeds_lock:
        for started in _feeds.values():
            started.stop()
        _feeds.clear()


def feed() -> ChangeFeed:
    """This process's feed for the current app, started on first use (after gunicorn forked the worker)."""
    key = id(current_app._get_current_object())
    with _feeds_lock:
        existing = _feeds.get(key)
        if existing is None or existing.process_id != os.getpid():
            existing = _feeds[key] = ChangeFeed(current_app._get_current_object())
        return existing
