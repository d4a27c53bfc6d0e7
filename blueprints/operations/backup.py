"""Consistent backups while Famnen runs, and restoring them into an empty installation.

- SQLite: ``VACUUM INTO`` copies the database inside one read transaction, so
  the copy is a consistent snapshot while requests keep writing (WAL mode lets
  them). The copy is switched to a single self-contained file and checked with
  ``PRAGMA integrity_check``. Restoring uses SQLite's online backup API.
- PostgreSQL: ``pg_dump --format=custom`` (one snapshot transaction) and
  ``pg_restore``, from Debian's ``postgresql-client``. The connection details come
  from ``DATABASE_URL``; the password is passed in ``PGPASSWORD``, never on a
  command line other users could read.

A backup is written next to its final name and renamed when complete, so a
half-written file never looks like a backup; it is readable by its owner only,
as it holds personal data. A restore refuses a database that holds any row.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, inspect, select, table, text
from sqlalchemy.engine import URL, Engine

from core.database import UNMODELLED_TABLE_PREFIXES

from .health import ALEMBIC_TABLE, database_revisions

SQLITE, POSTGRESQL = "SQLite", "PostgreSQL"
MAGIC = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}
SUFFIX = {SQLITE: "sqlite3", POSTGRESQL: "pgdump"}


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why and what to do."""


@dataclass
class BackupReport:
    """What ``backup`` wrote."""

    path: Path
    kind: str
    size_bytes: int
    revision: str
    seconds: float


@dataclass
class RestoreReport:
    """What ``restore`` put into the database."""

    kind: str
    revision: str
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def database_kind(engine: Engine) -> str:
    """SQLite or PostgreSQL; other databases are not supported."""
    name = engine.dialect.name
    if name == "sqlite":
        return SQLITE
    if name == "postgresql":
        return POSTGRESQL
    raise BackupError(f"Backups of {name} databases are not supported.")


def describe(engine: Engine) -> str:
    """The database's address without its password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def backup_path(target: Path, kind: str, now: datetime) -> Path:
    """``target`` itself, or a time-stamped file inside it when it is a folder."""
    if target.is_dir():
        return target / f"famnen-{now:%Y%m%dT%H%M%SZ}.{SUFFIX[kind]}"
    return target


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("This installation's SQLite database is in memory; there is nothing to back up.")
    return Path(database)


def _libpq_address(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and an environment that carries it."""
    without_password = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    address = without_password.render_as_string(hide_password=False)
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = url.password
    return address, environment


def _run_client(arguments: list[str], environment: dict[str, str]) -> str:
    """Run pg_dump or pg_restore; fail with its own error message."""
    if shutil.which(arguments[0]) is None:
        raise BackupError(
            f"{arguments[0]} was not found: install Debian's postgresql-client (apt-get install postgresql-client)."
        )
    finished = subprocess.run(arguments, env=environment, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise BackupError(f"{arguments[0]} failed: {finished.stderr.strip()}")
    return finished.stdout


def _private_empty_file(path: Path) -> None:
    """Create an empty file only its owner can read (the backup will hold personal data)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)


def _open_sqlite(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    return sqlite3.connect(path, isolation_level=None)


def check_sqlite_file(path: Path, read_only: bool = True) -> str:
    """Check a SQLite backup with ``PRAGMA integrity_check`` and return its Alembic revision.

    A fresh copy (``read_only=False``) is first made one self-contained file,
    without a write-ahead log beside it.
    """
    connection = _open_sqlite(path, read_only)
    try:
        if not read_only:
            connection.execute("PRAGMA journal_mode=DELETE")
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"{path} is damaged: {result}")
        has_revision = connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (ALEMBIC_TABLE,)
        ).fetchone()[0]
        revisions = connection.execute(f"SELECT version_num FROM {ALEMBIC_TABLE}").fetchall() if has_revision else []
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}") from error
    finally:
        connection.close()
    return ", ".join(sorted(row[0] for row in revisions))


def revision_in_database(engine: Engine) -> str:
    """The Alembic revision the database is at, or "" when it has none."""
    with engine.connect() as connection:
        return ", ".join(sorted(database_revisions(connection)))


def _vacuum_into(engine: Engine, path: Path) -> None:
    """Copy a SQLite database with ``VACUUM INTO``, which must run outside a transaction.

    The pool's raw connections run in autocommit mode (see core.database), so
    the statement is its own single read transaction: a consistent snapshot.
    """
    connection = engine.raw_connection()
    try:
        connection.driver_connection.execute("VACUUM INTO ?", (str(path),))
    finally:
        connection.close()


def backup(engine: Engine, target: Path, now: datetime) -> BackupReport:
    """Copy the database to ``target`` (a new file, or a folder to put a time-stamped file in)."""
    kind = database_kind(engine)
    path = backup_path(target, kind, now)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name or a folder.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)  # left over from an interrupted run
    started = time.monotonic()
    _private_empty_file(partial)
    try:
        if kind == SQLITE:
            _vacuum_into(engine, partial)
            revision = check_sqlite_file(partial, read_only=False)
        else:
            address, environment = _libpq_address(engine.url)
            revision = revision_in_database(engine)
            _run_client(["pg_dump", "--format=custom", f"--file={partial}", f"--dbname={address}"], environment)
            _run_client(["pg_restore", "--list", str(partial)], environment)  # the archive is readable
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupReport(path, kind, path.stat().st_size, revision, time.monotonic() - started)


def backup_kind(path: Path) -> str:
    """Whether a file is a SQLite or a PostgreSQL backup, from its first bytes."""
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as handle:
        start = handle.read(16)
    for kind, magic in MAGIC.items():
        if start.startswith(magic):
            return kind
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump archive made by flask backup.")


def rows_per_table(engine: Engine) -> dict[str, int]:
    """How many rows each table of the database holds, Alembic's own table included.

    A search index's own tables (SQLite FTS5 keeps its configuration in rows even when empty)
    are the index, rebuilt with the data: they are not counted.
    """
    with engine.connect() as connection:
        names = sorted(
            name for name in inspect(connection).get_table_names() if not name.startswith(UNMODELLED_TABLE_PREFIXES)
        )
        return {name: connection.scalar(select(func.count()).select_from(table(name))) for name in names}


def _refuse_unless_empty(counts: dict[str, int], engine: Engine) -> None:
    filled = {name: count for name, count in counts.items() if count and name != ALEMBIC_TABLE}
    if filled:
        listed = ", ".join(f"{name}: {count}" for name, count in sorted(filled.items()))
        raise BackupError(
            f"The database {describe(engine)} already holds data (rows in {listed}). flask restore only restores into "
            "an empty installation, so nothing is overwritten by mistake: point DATABASE_URL at a new, empty "
            'database (see docs/deployment.md, "Restore").'
        )


def _restore_sqlite(engine: Engine, source: Path) -> None:
    check_sqlite_file(source)
    _refuse_unless_empty(rows_per_table(engine), engine)
    engine.dispose()  # no pooled connection may hold the file while it is replaced
    target = sqlite3.connect(_sqlite_file(engine))
    backup_copy = _open_sqlite(source, read_only=True)
    try:
        backup_copy.backup(target)
    finally:
        backup_copy.close()
        target.close()


def _restore_postgresql(engine: Engine, source: Path) -> None:
    address, environment = _libpq_address(engine.url)
    _run_client(["pg_restore", "--list", str(source)], environment)
    with engine.begin() as connection:
        names = inspect(connection).get_table_names()
        if names:
            quoted = ", ".join(connection.dialect.identifier_preparer.quote(name) for name in names)
            # Locked, counted and dropped in one transaction: nothing can arrive in between.
            connection.execute(text(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE"))
            _refuse_unless_empty(
                {name: connection.scalar(select(func.count()).select_from(table(name))) for name in names}, engine
            )
            # The empty tables of a migrated installation make way for the backup's own.
            connection.execute(text(f"DROP TABLE {quoted} CASCADE"))
        # So do the migrations' trigger functions (the audit log's guard), which the backup holds too.
        for (signature,) in connection.execute(
            text(
                "SELECT p.oid::regprocedure::text FROM pg_proc p "
                "WHERE p.pronamespace = current_schema()::regnamespace "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
            )
        ).all():
            connection.execute(text(f"DROP FUNCTION {signature}"))
    engine.dispose()
    _run_client(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={address}",
            str(source),
        ],
        environment,
    )


def restore(engine: Engine, source: Path) -> RestoreReport:
    """Restore a backup made by ``backup`` into this installation's empty database."""
    kind = database_kind(engine)
    found = backup_kind(source)
    if found != kind:
        raise BackupError(
            f"{source} is a {found} backup, but this installation uses {kind}. Restore it into an installation "
            f"whose DATABASE_URL points at {found}."
        )
    started = time.monotonic()
    if kind == SQLITE:
        _restore_sqlite(engine, source)
    else:
        _restore_postgresql(engine, source)
    engine.dispose()
    return RestoreReport(kind, revision_in_database(engine), rows_per_table(engine), time.monotonic() - started)
