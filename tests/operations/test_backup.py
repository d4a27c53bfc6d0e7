"""flask backup and flask restore: a consistent copy while rows keep arriving, restored table by table.

Runs on SQLite and, under ``make test-postgres``, on PostgreSQL (pg_dump and
pg_restore from Debian's postgresql-client).
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections import defaultdict

import pytest
from flask_migrate import upgrade
from sqlalchemy import Table, create_engine, insert, select, text
from sqlalchemy.engine import Engine, make_url

from app import create_app
from blueprints.auth import accounts
from blueprints.auth.models import LoginAttempt, User
from blueprints.site_texts import documents as site_texts
from core.database import begin_write
from core.timeutil import utcnow
from extensions import db as _db
from tests.support.config import BASE_CONFIG, POSTGRES_URL, unavailable

WRITERS = 4
# Tables the test fills before the backup, so that comparing them means something.
FILLED = {
    "centre",
    "service",
    "staff_user",
    "staff_role",
    "staff_centre",
    "service_professional",
    "professional_profile",
    "working_hours",
    "absence",
    "appointment",
    "instrument_version",
    "staff_session",
    "login_attempt",
    "site_text",
}


@pytest.fixture
def postgres_tools():
    """pg_dump and pg_restore, which PostgreSQL backups need."""
    if POSTGRES_URL and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        unavailable("PostgreSQL backups need pg_dump and pg_restore (apt-get install postgresql-client).")


@pytest.fixture
def empty_database(migrated_database, tmp_path, postgres_tools):
    """Make fresh, empty databases for restoring into: ``make(migrated=...)`` returns a URL."""
    made: list[str] = []

    def make(migrated: bool) -> str:
        if not POSTGRES_URL:
            path = tmp_path / f"restored-{len(made)}.db"
            if migrated:
                shutil.copyfile(migrated_database, path)
            made.append(str(path))
            return f"sqlite:///{path}"
        name = f"{make_url(POSTGRES_URL).database}_restore_{len(made)}"
        _create_postgres_database(name)
        made.append(name)
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        if migrated:
            migrating = create_app({**BASE_CONFIG, "DATABASE_URL": url})
            with migrating.app_context():
                upgrade()
                _db.engine.dispose()
        return url

    yield make
    if POSTGRES_URL:
        for name in made:
            _drop_postgres_database(name)


def _server_engine() -> Engine:
    return create_engine(make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")


def _create_postgres_database(name: str) -> None:
    _drop_postgres_database(name)
    engine = _server_engine()
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _drop_postgres_database(name: str) -> None:
    engine = _server_engine()
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def fill_every_table(runner) -> None:
    """Demo data, the shipped questionnaires, a signed-in session and an edited statement."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    imported = runner.invoke(args=["questionnaires", "import", "instruments"])
    assert imported.exit_code == 0, imported.output
    admin = _db.session.scalar(select(User).order_by(User.id))
    accounts.start_session(admin)
    texts = {"sv": "Vår egen text", "fi": "Oma tekstimme", "en": ""}
    site_texts.save(site_texts.DOCUMENTS["privacy"], texts, started_from="", editor_id=admin.id)
    _db.session.commit()


class Writers:
    """Threads that keep committing pairs of rows until stopped; each pair is one transaction."""

    def __init__(self, app) -> None:
        self.app = app
        self.stop = threading.Event()
        self.committed = [0] * WRITERS
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._write, args=(number,)) for number in range(WRITERS)]

    def _write(self, number: int) -> None:
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    sequence = self.committed[number]
                    begin_write(_db.session)
                    for half in ("a", "b"):
                        _db.session.execute(
                            insert(LoginAttempt).values(
                                email=f"writer{number}-{sequence:05d}-{half}@load.example",
                                ip_address="192.0.2.1",
                                succeeded=False,
                                at=utcnow(),
                            )
                        )
                    _db.session.commit()
                    self.committed[number] += 1
                _db.session.remove()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.errors.append(error)

    def total(self) -> int:
        """Transactions committed so far, by all writers."""
        return sum(self.committed)

    def wait_for(self, transactions: int) -> None:
        """Wait until this many more transactions have been committed."""
        target = self.total() + transactions
        while self.total() < target and not self.errors:
            time.sleep(0.01)  # not stop.wait(0.01): under libfaketime a timed wait nobody ends never times out

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def every_table(metadata_tables: list[Table]) -> list[str]:
    """Every table of the models, and Alembic's."""
    return sorted(table.name for table in metadata_tables) + ["alembic_version"]


def all_rows(engine: Engine, name: str) -> list[tuple]:
    """Every row of a table, in a stable order."""
    with engine.connect() as connection:
        rows = connection.execute(text(f'SELECT * FROM "{name}"')).all()
    return sorted((tuple(row) for row in rows), key=repr)


WRITER_ROW = re.compile(r"writer(\d+)-(\d+)-([ab])@load\.example")


def assert_snapshot_of_the_writers(restored: list[tuple], source: list[tuple]) -> int:
    """The restored rows of the load table: rows of the source, whole transactions, a gapless prefix per writer."""
    assert set(restored) <= set(source)
    sequences: dict[int, list[int]] = defaultdict(list)
    for row in restored:
        found = WRITER_ROW.search(" ".join(str(value) for value in row))
        if found:
            sequences[int(found.group(1))].append(int(found.group(2)))
    for writer, numbers in sequences.items():
        count = len(numbers) // 2
        assert sorted(numbers) == sorted(list(range(count)) * 2), f"writer {writer}: not a consistent snapshot"
    return sum(len(numbers) // 2 for numbers in sequences.values())


@pytest.mark.parametrize("migrated", [False, True], ids=["into-a-blank-database", "into-a-migrated-empty-database"])
def test_backup_under_load_restores_every_table(app, db, runner, empty_database, tmp_path, migrated):
    fill_every_table(runner)
    backup_file = tmp_path / "backups"
    backup_file.mkdir()

    with Writers(app) as writers:
        writers.wait_for(20)
        made = runner.invoke(args=["backup", str(backup_file)])
        after_backup = writers.total()
        writers.wait_for(20)  # rows keep arriving after the snapshot
    assert not writers.errors, writers.errors
    assert made.exit_code == 0, made.output
    [backup_file] = list(backup_file.iterdir())
    assert backup_file.stat().st_mode & 0o777 == 0o600
    assert re.fullmatch(r"famnen-\d{8}T\d{6}Z\.(sqlite3|pgdump)", backup_file.name)
    assert f"to {backup_file} (" in made.output and "revision " in made.output

    source_engine = db.engine
    db.session.remove()
    target = create_app({**BASE_CONFIG, "DATABASE_URL": empty_database(migrated=migrated)})
    with target.app_context():  # the commands use the app whose context is active
        restored = target.test_cli_runner().invoke(args=["restore", str(backup_file)])
        assert restored.exit_code == 0, restored.output
        assert restored.output.startswith(f"Restored {backup_file} into the ")
        target_engine = _db.engine
        names = every_table(_db.metadata.sorted_tables)
        for name in names:
            source_rows, restored_rows = all_rows(source_engine, name), all_rows(target_engine, name)
            if name == "login_attempt":
                in_backup = assert_snapshot_of_the_writers(restored_rows, source_rows)
                assert 20 <= in_backup <= after_backup < writers.total()
            else:
                assert restored_rows == source_rows, f"table {name} differs after restore"
            if name in FILLED or name == "alembic_version":
                assert restored_rows, f"table {name} was empty; the comparison proves nothing"
        # The restored database takes new rows: its id sequences came along.
        accounts.record_attempt("after-restore@example.fi", "192.0.2.9", False)
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    assert f"{len(names) - 1} tables" in restored.output


def test_restore_refuses_a_database_that_holds_data(app, db, runner, tmp_path, postgres_tools):
    fill_every_table(runner)
    made = runner.invoke(args=["backup", str(tmp_path / "famnen.backup")])
    assert made.exit_code == 0, made.output
    before = {name: all_rows(db.engine, name) for name in ("staff_user", "appointment")}
    refused = runner.invoke(args=["restore", str(tmp_path / "famnen.backup")])
    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "staff_user: 8" in refused.output
    assert "only restores into an empty installation" in refused.output
    assert {name: all_rows(db.engine, name) for name in before} == before


def test_backup_refuses_to_overwrite_a_file(runner, db, tmp_path, postgres_tools):
    existing = tmp_path / "famnen.backup"
    existing.write_text("an older backup")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_text() == "an older backup"
    assert not list(tmp_path.glob("*.partial"))


def test_backup_into_a_missing_folder_is_refused(runner, db, tmp_path):
    result = runner.invoke(args=["backup", str(tmp_path / "no-such-folder" / "x.backup")])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_restore_refuses_files_that_are_not_backups_or_of_the_other_kind(app_config, tmp_path, postgres_tools):
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    other_kind = tmp_path / "other.backup"
    other_kind.write_bytes(b"SQLite format 3\x00" if POSTGRES_URL else b"PGDMP\x01\x0e")
    app = create_app(app_config)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["restore", str(not_a_backup)])
    assert result.exit_code == 1 and "neither a SQLite database nor a pg_dump archive" in result.output
    result = runner.invoke(args=["restore", str(other_kind)])
    assert result.exit_code == 1
    assert (
        "is a SQLite backup, but this installation uses PostgreSQL"
        if POSTGRES_URL
        else "is a PostgreSQL backup, but this installation uses SQLite"
    ) in result.output


def test_restore_of_an_older_backup_says_to_upgrade(app, db, runner, empty_database, tmp_path, older_revision):
    assert runner.invoke(args=["backup", str(tmp_path / "old.backup")]).exit_code == 0
    target = create_app({**BASE_CONFIG, "DATABASE_URL": empty_database(migrated=False)})
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "old.backup")])
        _db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "revision 0002_booking" in result.output and "run `flask db upgrade`" in result.output


def test_a_damaged_backup_is_refused_before_anything_changes(app_config, tmp_path, postgres_tools):
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes((b"PGDMP" if POSTGRES_URL else b"SQLite format 3\x00") + b"\x00" * 200)
    result = create_app(app_config).test_cli_runner().invoke(args=["restore", str(damaged)])
    assert result.exit_code == 1
    assert ("pg_restore failed" if POSTGRES_URL else "is not a readable SQLite database") in result.output


def test_postgres_backups_never_put_the_password_on_the_command_line(monkeypatch, tmp_path):
    from blueprints.operations import backup

    calls = []
    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(
        backup.subprocess, "run", lambda arguments, env, **kwargs: calls.append((arguments, env)) or _Finished()
    )
    address, environment = backup._libpq_address(
        make_url("postgresql+psycopg://famnen:s3cret@db.example.fi:5433/famnen?sslmode=require")
    )
    assert address == "postgresql://famnen@db.example.fi:5433/famnen?sslmode=require"
    assert environment["PGPASSWORD"] == "s3cret"
    backup._run_client(["pg_dump", f"--dbname={address}"], environment)
    assert all("s3cret" not in argument for argument in calls[0][0])


class _Finished:
    returncode = 0
    stdout = ""
    stderr = ""


def test_backup_files_are_named_by_time_in_a_folder(tmp_path):
    from datetime import UTC, datetime

    from blueprints.operations.backup import POSTGRESQL, SQLITE, backup_path

    moment = datetime(2026, 11, 22, 3, 15, tzinfo=UTC)
    assert backup_path(tmp_path, SQLITE, moment) == tmp_path / "famnen-20261122T031500Z.sqlite3"
    assert backup_path(tmp_path, POSTGRESQL, moment) == tmp_path / "famnen-20261122T031500Z.pgdump"
    assert backup_path(tmp_path / "x.db", SQLITE, moment) == tmp_path / "x.db"
