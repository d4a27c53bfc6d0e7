"""Generation counters in the database, and per-process caches keyed on them.

A page that is expensive to compute (the free times of a week, the activities
calendar) is cached in each worker process under the current value of a
*generation*: a counter in the ``cache_generation`` table that is raised in
the same transaction as every change that can alter the page. Reading the
counter is one primary-key query per request; when another process or another
app server changes something, the counter moves on and the next request
computes afresh, so every server sees a change at once.

Nobody has to remember to raise a counter. A module declares which models and
columns its computation reads (``watch``); session events then raise the
counter whenever a flush inserts, deletes or changes such a row, or a bulk
``update()``/``delete()``/``insert()`` statement touches such a table. The
raise is one upsert just before the commit, so the counter row is locked only
for the moment of the commit on PostgreSQL.

Entries also expire by the clock: whoever computes a value says until when it
holds (e.g. until the first free time passes the minimum notice), and it is
never served after that moment. A session holding changes that are not yet
committed bypasses the cache, so uncommitted data is never cached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import BigInteger, String, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from extensions import db

# Generations raised by this transaction's changes, kept on the session until its commit.
_PENDING = "famnen_pending_generations"
# A free-times body is 20–60 kB: 256 of them stay within about 15 MB per worker and kind.
CACHE_SIZE = 256

T = TypeVar("T")


class CacheGeneration(db.Model):
    """One counter per kind of cached page; a missing row counts as 0."""

    __tablename__ = "cache_generation"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


# generation name -> {model class: the attribute names it reads, or None for all of them}
_WATCHED: dict[str, dict[type, frozenset[str] | None]] = {}
# generation name -> table names, for bulk statements
_TABLES: dict[str, set[str]] = {}


def watch(name: str, models: Mapping[type, Iterable[str] | None], tables: Iterable[str] = ()) -> None:
    """Raise generation ``name`` whenever a row of these models changes in an attribute listed.

    ``None`` instead of a list means any attribute (relationships included).
    Inserted and deleted rows always count. ``tables`` names association
    tables without a model, for bulk statements on them.
    """
    watched = _WATCHED.setdefault(name, {})
    table_names = _TABLES.setdefault(name, set())
    for model, attributes in models.items():
        watched[model] = None if attributes is None else frozenset(attributes)
        table_names.add(model.__table__.name)
    table_names.update(tables)


def watched_tables(name: str) -> frozenset[str]:
    """The tables whose changes raise generation ``name``."""
    return frozenset(_TABLES.get(name, ()))


def _changes(obj: object, attributes: frozenset[str] | None) -> bool:
    state = inspect(obj)
    names = attributes if attributes is not None else state.mapper.attrs.keys()
    return any(state.attrs[key].history.has_changes() for key in names)


def _generations_changed_by(session: Session) -> set[str]:
    found = set()
    for name, models in _WATCHED.items():
        for obj in (*session.new, *session.deleted):
            if type(obj) in models:
                found.add(name)
                break
        else:
            for obj in session.dirty:
                attributes = models.get(type(obj), False)
                if attributes is not False and _changes(obj, attributes):
                    found.add(name)
                    break
    return found


@event.listens_for(Session, "before_flush")
def _note_flushed_changes(session: Session, flush_context, instances) -> None:
    changed = _generations_changed_by(session)
    if changed:
        session.info.setdefault(_PENDING, set()).update(changed)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(state.statement, "table", None)
    table_name = getattr(table, "name", None)
    changed = {name for name, tables in _TABLES.items() if table_name in tables}
    if changed:
        state.session.info.setdefault(_PENDING, set()).update(changed)


@event.listens_for(Session, "before_commit")
def _raise_generations(session: Session) -> None:
    # Flush first, so the last changes are noted; the raise is then the transaction's last write.
    session.flush()
    names = session.info.pop(_PENDING, None)
    if names:
        bump(session, names)


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def bump(session: Session, names: Iterable[str]) -> None:
    """Raise the named generations by one in the session's transaction (an upsert, on either database)."""
    connection = session.connection()
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = CacheGeneration.__table__
    for name in sorted(names):
        statement = insert(table).values(name=name, value=1)
        statement = statement.on_conflict_do_update(index_elements=[table.c.name], set_={"value": table.c.value + 1})
        connection.execute(statement)


def current(name: str) -> int:
    """The current value of generation ``name`` (0 before its first change)."""
    return db.session.scalar(select(CacheGeneration.value).where(CacheGeneration.name == name)) or 0


def has_pending_changes(session: Session) -> bool:
    """Whether the session's transaction holds changes not yet committed (which must not be cached)."""
    return bool(session.info.get(_PENDING) or session.new or session.dirty or session.deleted)


class ExpiringCache:
    """A bounded least-recently-used dict whose entries also expire at a moment of their own."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._entries: OrderedDict[Any, tuple[datetime, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, now: datetime) -> Any | None:
        """The value under ``key`` if it has not expired at ``now``, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if now >= entry[0]:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Any, value: Any, expires_at: datetime) -> None:
        """Keep ``value`` under ``key`` until ``expires_at``, dropping the least recently used entry when full."""
        with self._lock:
            self._entries[key] = (expires_at, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def cache_of(name: str) -> ExpiringCache:
    """The current app's cache for generation ``name`` (one per app and process)."""
    caches = current_app.extensions.setdefault("famnen_generation_caches", {})
    if name not in caches:
        caches[name] = ExpiringCache()
    return caches[name]


def cached(name: str, key: Any, now: datetime, compute: Callable[[], tuple[T, datetime]]) -> T:
    """The value of ``compute()`` for ``key`` under the current generation ``name``, computed at most once until it
    expires.

    ``compute`` returns the value and the moment until which the clock alone
    leaves it true. The generation is read before anything ``compute`` reads
    (objects loaded earlier are expired first), so an entry is never older than
    the generation it is filed under.
    """
    if has_pending_changes(db.session):
        return compute()[0]
    full_key = (current(name), key)
    cache = cache_of(name)
    value = cache.get(full_key, now)
    if value is None:
        # Objects this request loaded before the generation was read (a service, an
        # activity) may be older than it on PostgreSQL: read everything afresh.
        db.session.expire_all()
        value, expires_at = compute()
        if now < expires_at:
            cache.put(full_key, value, expires_at)
    return value
