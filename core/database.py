"""Database plumbing shared by all blueprints.

- SQLite gets WAL, a busy timeout and foreign keys on every connection.
- SQLite transactions are begun explicitly by us instead of by pysqlite, so
  that a request that writes starts with ``BEGIN IMMEDIATE``: it takes the
  write lock before its first read, which makes "check, then insert" atomic
  and avoids the upgrade deadlock a read-then-write transaction meets in WAL
  mode (a read transaction cannot wait for the write lock: SQLite answers
  "database is locked" at once when another connection wrote meanwhile).
  PostgreSQL code takes row locks (``SELECT ... FOR UPDATE``) instead.
- Which requests write: every state-changing one (not GET/HEAD/OPTIONS), and
  every request of a signed-in staff member, GET included. Staff pages write
  after reading even when they only show data: loading the member renews
  their session (``last_seen_at``), and a page that shows a family's data
  adds audit log entries to the request's transaction. Families' pages that
  only read still begin a plain ``BEGIN`` and run side by side; staff
  requests on one SQLite database take turns, which is what SQLite can do
  anyway (one writer at a time). PostgreSQL needs none of this.
- Views marked ``@reads_only`` (a chat window's waiting request, asked again and
  again for as long as the page is open) begin plain ``BEGIN`` even for staff:
  they write nothing, not even the staff session's ``last_seen_at`` (an open
  page is not a person at the keyboard), so hundreds of them never queue for
  the write lock. One that must write after all calls ``begin_write`` first.
- One transaction per request: domain functions flush and never commit; the
  view commits once (or not at all, and the failed request rolls back at
  teardown), commands and scheduled jobs commit for themselves.
  ``tests/platform/test_transactions.py`` holds the code to that and names the few
  documented exceptions (``begin_write`` here, ``audit.log.refuse``, the
  sign-in attempt).
- ``UTCDateTime`` stores aware datetimes as UTC on both databases.
"""

from __future__ import annotations

import enum
import sqlite3
from datetime import UTC, datetime

from flask import Flask, current_app, has_request_context, request
from flask import session as cookie_session
from sqlalchemy import DateTime, Enum, Index, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IMMEDIATE_OPTION = "famnen_sqlite_immediate"
# Flask-Login keeps the signed-in member's id under this key of the session cookie.
SIGNED_IN_KEY = "_user_id"


class UTCDateTime(TypeDecorator):
    """A timestamp that is always an aware UTC datetime in Python.

    SQLite has no time zones, so values are stored there as naive UTC; naive
    datetimes are refused on the way in, so local times cannot sneak in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect, coltype):
        """On SQLite, parse the stored UTC text directly, with its offset appended.

        That is several times faster than the generic path (a regular expression,
        then ``replace(tzinfo=...)``), and the free-times page reads thousands of
        timestamps.
        """
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def process(value: str | None) -> datetime | None:
            return None if value is None else datetime.fromisoformat(value + "+00:00")

        return process


@event.listens_for(Engine, "connect")
def _configure_sqlite_connection(dbapi_connection, connection_record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below issue BEGIN; pysqlite's own
    # implicit transactions would start too late for our locking.
    dbapi_connection.isolation_level = None
    busy_ms = 10_000
    try:
        busy_ms = int(current_app.config["SQLITE_BUSY_TIMEOUT_MS"])
    except RuntimeError:
        pass  # outside an app context (Alembic offline mode): keep the default
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


READS_ONLY_ATTRIBUTE = "famnen_reads_only"


def reads_only(view):
    """Mark a view that writes nothing (see the module docstring); its transactions do not take the write lock."""
    setattr(view, READS_ONLY_ATTRIBUTE, True)
    return view


def request_reads_only() -> bool:
    """Whether the current request's view is marked ``@reads_only``."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return bool(getattr(view, READS_ONLY_ATTRIBUTE, False))


@event.listens_for(Engine, "begin")
def _begin_sqlite_transaction(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    immediate = connection.get_execution_options().get(IMMEDIATE_OPTION) or (
        has_request_context() and _request_writes()
    )
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _request_writes() -> bool:
    """Whether the current request will write: it changes state, or a staff member is signed in (see above)."""
    if request.method in SAFE_METHODS and request_reads_only():
        return False
    return request.method not in SAFE_METHODS or SIGNED_IN_KEY in cookie_session


def begin_outer_write(session: Session) -> None:
    """``begin_write`` for work that runs as a scheduled job or right after a request's commit.

    A request begins every transaction with the lock already (and must not commit for
    the job), so there it does nothing.
    """
    if not has_request_context():
        begin_write(session)


def begin_write(session: Session) -> None:
    """Commit the session's current transaction and start one that holds the write lock.

    For commands and scheduled jobs outside a request (reminders, purge), before
    a check-then-write, and for a ``@reads_only`` view that must write after all
    once it has read (nothing of its own is pending then); the commit is theirs
    to make, so it is one of the exceptions ``tests/platform/test_transactions.py``
    names. Other requests never call it: they already begin with the lock on
    SQLite, and a commit here would commit the request's unfinished work. On PostgreSQL this only starts a fresh
    transaction; callers lock rows with ``with_for_update()``.
    """
    session.commit()
    session.connection(execution_options={IMMEDIATE_OPTION: True})


def init_app(app: Flask) -> None:
    """Bind the SQLAlchemy engine options that depend on the configured database."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5})


def render_migration_item(type_: str, obj, autogen_context):
    """Write ``UTCDateTime`` columns as plain ``sa.DateTime(timezone=True)`` in migrations.

    Migrations then do not import application code, which may change later.
    """
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Database objects the migrations create that are no model's: SQLite's FTS5 search index (a virtual table
# and the shadow tables SQLite keeps for it) and PostgreSQL's GIN index over an expression. Comparing the
# models with the database (``flask db check``, autogenerate) leaves them out.
UNMODELLED_TABLE_PREFIXES = ("information_fts",)
UNMODELLED_INDEXES = frozenset({"ix_information_search_vector"})


def include_in_migrations(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Alembic's ``include_object``: whether a database object takes part in comparing the models with the database."""
    if type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES):
        return False
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


def value_enum(cls: type[enum.Enum], length: int = 20) -> Enum:
    """A portable enum column type storing the members' values (no native database type)."""
    return Enum(cls, native_enum=False, length=length, values_callable=lambda members: [m.value for m in members])


def partial_unique_index(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows ``where`` holds (SQL), on SQLite and PostgreSQL alike: the database's own
    guard that, say, one time is held once."""
    return Index(name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where))
