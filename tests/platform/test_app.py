"""The application factory, configuration and database settings."""

import ast
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

import config
from app import create_app
from tests.support.config import BASE_CONFIG, POSTGRES_URL, PRODUCTION_CONFIG


def test_test_config_is_used(app):
    assert app.config["TESTING"] is True
    assert app.config["ENV_NAME"] == "testing"


def test_database_connections_are_configured(db):
    connection = db.session.connection()
    if POSTGRES_URL:
        assert connection.dialect.driver == "psycopg"  # psycopg 3
        return
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced(db):
    with pytest.raises(Exception) as raised:
        db.session.execute(text("INSERT INTO staff_role (user_id, role) VALUES (999, 'admin')"))
        db.session.commit()
    assert isinstance(raised.value.orig, sqlite3.IntegrityError) or "foreign key" in str(raised.value).lower()
    db.session.rollback()


def test_migrations_match_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.database import include_in_migrations
    from extensions import db

    with app.app_context():
        with db.engine.connect() as connection:
            # The search index of migration 0023 (FTS5 on SQLite, a GIN expression index on PostgreSQL) is no model's.
            opts = {"compare_type": True, "include_object": include_in_migrations}
            context = MigrationContext.configure(connection, opts=opts)
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_postgres_urls_use_psycopg3():
    assert config.normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert config.normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert config.normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_environment_settings_are_parsed():
    found = config.settings_from_environment(
        {
            "DATABASE_URL": "postgresql://db/famnen",
            "FAMNEN_STAFF_IDLE_MINUTES": "20",
            "FAMNEN_SMTP_STARTTLS": "true",
            "FAMNEN_MUNICIPALITY_NAME_FI": "Porvoo",
            "FAMNEN_MUNICIPALITY_NAME_SV": "Borgå",
            "UNRELATED": "x",
        }
    )
    assert found == {
        "DATABASE_URL": "postgresql://db/famnen",
        "STAFF_IDLE_MINUTES": 20,
        "SMTP_STARTTLS": True,
        "MUNICIPALITY_NAME": {"fi": "Porvoo", "sv": "Borgå"},
    }


def test_production_refuses_a_missing_secret_key(tmp_path):
    with pytest.raises(config.ConfigurationError, match="SECRET_KEY"):
        create_app({**PRODUCTION_CONFIG, "SECRET_KEY": None, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_production_refuses_insecure_cookies(tmp_path):
    with pytest.raises(config.ConfigurationError, match="SESSION_COOKIE_SECURE"):
        create_app({**PRODUCTION_CONFIG, "SESSION_COOKIE_SECURE": False, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def test_production_uses_secure_cookies(tmp_path):
    app = create_app({**PRODUCTION_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path))
    settings = {"ENV_NAME": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    first = create_app(settings).config["SECRET_KEY"]
    second = create_app(settings).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_unknown_language_setting_is_refused(tmp_path):
    with pytest.raises(config.ConfigurationError, match="DEFAULT_LANGUAGE"):
        create_app({**BASE_CONFIG, "DEFAULT_LANGUAGE": "de", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


def _imported_modules(path: Path) -> set[str]:
    """Every module a Python file imports, wherever in the file (also inside functions and TYPE_CHECKING)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_blueprint():
    """core/ is the ground floor: the features stand on it, never the other way round."""
    core = Path(__file__).resolve().parents[2] / "core"
    files = sorted(core.glob("**/*.py"))
    assert files
    offenders = {
        str(path.relative_to(core.parent)): sorted(
            name for name in _imported_modules(path) if name.split(".")[0] == "blueprints"
        )
        for path in files
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_every_documented_command_stays_at_the_top_level():
    app = create_app({**BASE_CONFIG, "DATABASE_URL": "sqlite://"})
    commands = set(app.cli.commands)
    assert {
        "create-admin",
        "seed-demo",
        "demo-code",
        "send-reminders",
        "run-jobs",
        "purge",
        "backup",
        "restore",
        "questionnaires",
    } <= commands
