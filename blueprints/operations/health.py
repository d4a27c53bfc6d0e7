"""The health check behind ``GET /healthz``: the database answers and its schema is current.

"Current" means the database's Alembic revision is the newest one this code
ships (``flask db upgrade`` has run). The result names no revision, table or
person: the details go to the log, where municipal IT can read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from extensions import db

ALEMBIC_TABLE = "alembic_version"
DATABASE_OK, DATABASE_UNREACHABLE = "ok", "unreachable"
# The database is at the newest revision / older (run `flask db upgrade`) / at one this code
# does not know (the code is older than the database) / not checked because it did not answer.
MIGRATIONS_CURRENT, MIGRATIONS_PENDING, MIGRATIONS_UNKNOWN, NOT_CHECKED = "current", "pending", "unknown", "not checked"


@dataclass(frozen=True)
class Health:
    """What the health check found."""

    database: str
    migrations: str

    @property
    def healthy(self) -> bool:
        """Whether the installation can serve requests."""
        return self.database == DATABASE_OK and self.migrations == MIGRATIONS_CURRENT

    def as_json(self) -> dict:
        """The small JSON body of ``/healthz``."""
        return {
            "status": "ok" if self.healthy else "unavailable",
            "database": self.database,
            "migrations": self.migrations,
        }


@cache
def _scripts(directory: str) -> ScriptDirectory:
    """The migration scripts that ship with this code; they do not change while it runs."""
    return ScriptDirectory(directory)


def migration_scripts() -> ScriptDirectory:
    """The Alembic scripts of the running app."""
    return _scripts(str(current_app.extensions["migrate"].directory))


def database_revisions(connection: Connection) -> set[str]:
    """The Alembic revisions the database is at (empty before the first ``flask db upgrade``).

    Read straight from Alembic's table: cheap, and without Alembic's log lines on every check.
    """
    if not inspect(connection).has_table(ALEMBIC_TABLE):
        return set()
    return set(connection.scalars(text(f"SELECT version_num FROM {ALEMBIC_TABLE}")))


def migration_state(revisions: set[str]) -> str:
    """Compare the database's revisions with this code's newest ones."""
    scripts = migration_scripts()
    if revisions == set(scripts.get_heads()):
        return MIGRATIONS_CURRENT
    try:
        for revision in revisions:
            if scripts.get_revision(revision) is None:
                return MIGRATIONS_UNKNOWN
    except CommandError:
        return MIGRATIONS_UNKNOWN
    return MIGRATIONS_PENDING


def check_health() -> Health:
    """Ask the database for its revision on a connection of its own, and compare."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revisions = database_revisions(connection)
    except SQLAlchemyError as error:
        current_app.logger.warning("Health check: the database did not answer: %s", error.__class__.__name__)
        return Health(DATABASE_UNREACHABLE, NOT_CHECKED)
    state = migration_state(revisions)
    if state != MIGRATIONS_CURRENT:
        current_app.logger.warning(
            "Health check: database at revision %s, this code expects %s (%s)",
            ", ".join(sorted(revisions)) or "none",
            ", ".join(sorted(migration_scripts().get_heads())),
            state,
        )
    return Health(DATABASE_OK, state)
