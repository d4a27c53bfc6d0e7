"""Production settings that refuse to start or warn, and the one-line-per-request log."""

import json
import logging

import pytest

import config
from app import create_app
from tests.support.booking import book
from tests.support.config import PRODUCTION_CONFIG

# --- Production refuses unsafe settings ------------------------------------------------


@pytest.fixture
def production(tmp_path) -> dict:
    """A complete, safe production configuration on a throw-away database."""
    return {**PRODUCTION_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}


def test_a_safe_production_configuration_starts(production):
    app = create_app(production)
    assert app.config["MAIL_BACKEND"] == "smtp" and app.config["LOG_FORMAT"] == "json"


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is unset"),
        ({"SECRET_KEY": "short"}, "shorter than 32 characters"),
        ({"DEBUG": True}, "DEBUG is on"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
        ({"MAIL_BACKEND": "outbox"}, 'MAIL_BACKEND is "outbox"'),
        ({"BASE_URL": "http://famnen.example.fi"}, "BASE_URL is 'http://famnen.example.fi'"),
        ({"BASE_URL": "http://127.0.0.1:5000"}, "must use the public https:// address"),
    ],
)
def test_production_refuses_each_unsafe_setting_and_says_why(production, change, named):
    with pytest.raises(config.ConfigurationError) as refused:
        create_app({**production, **change})
    message = str(refused.value)
    assert message.startswith("Famnen refuses to start in production:")
    assert named in message


def test_production_lists_every_problem_at_once(production):
    with pytest.raises(config.ConfigurationError) as refused:
        create_app({**production, "SECRET_KEY": None, "DEBUG": True, "MAIL_BACKEND": "outbox"})
    assert str(refused.value).count("\n- ") == 3


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"PROXY_COUNT": 0}, "PROXY_COUNT is 0"),
        ({"SMTP_HOST": "smtp.example.fi", "SMTP_USERNAME": "famnen"}, "unencrypted"),
    ],
)
def test_production_warns_about_doubtful_settings(production, caplog, change, named):
    with caplog.at_level(logging.WARNING):
        create_app({**production, **change})
    assert any(named in record.getMessage() for record in caplog.records)


def test_production_warns_about_nothing_when_all_is_well(production, caplog):
    with caplog.at_level(logging.WARNING):
        create_app({**production, "SMTP_HOST": "smtp.example.fi", "SMTP_USERNAME": "famnen", "SMTP_STARTTLS": True})
    assert not [record for record in caplog.records if "Configuration" in record.getMessage()]


@pytest.mark.parametrize("name", ["MAIL_BACKEND", "LOG_FORMAT"])
def test_unknown_choices_are_refused_everywhere(app_config, name):
    with pytest.raises(config.ConfigurationError, match=f"{name} must be one of"):
        create_app({**app_config, name: "carrier-pigeon"})


def test_the_environment_can_set_the_log_format():
    assert config.settings_from_environment({"FAMNEN_LOG_FORMAT": "json"}) == {"LOG_FORMAT": "json"}


# --- One JSON line per request -----------------------------------------------------------


def request_lines(capsys) -> list[dict]:
    """The JSON request lines written to standard error so far."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]


@pytest.fixture
def json_logs(app_config):
    """Log in JSON, as production does."""
    app_config["LOG_FORMAT"] = "json"


def test_each_request_is_one_json_line_with_the_path_template(json_logs, client, capsys):
    capsys.readouterr()
    client.get("/book/no-such-service?week=2026-W48")
    [line] = request_lines(capsys)
    assert set(line) == {"time", "method", "path", "endpoint", "status", "duration_ms"}
    assert line["method"] == "GET" and line["status"] == 404
    assert line["path"] == "/book/<slug>" and line["endpoint"] == "booking.times"
    assert line["time"].endswith("Z") and line["time"][10] == "T"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


def test_a_manage_link_token_never_reaches_the_log(json_logs, client, db, world, capsys):
    capsys.readouterr()
    booked = book(client, world, guardian_email="anna@example.com", guardian_name="Anna Lindholm")
    token = booked.headers["Location"].rsplit("/", 1)[1]
    client.get(f"/book/manage/{token}")
    client.get(f"/book/manage/{token}/appointment.ics")
    client.get(f"/book/manage/{token}x/no-such-page")
    log = capsys.readouterr().err
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert {"path": "/book/manage/<token>", "status": 200} in [
        {"path": entry["path"], "status": entry["status"]} for entry in lines
    ]
    assert {"path": None, "status": 404} in [{"path": entry["path"], "status": entry["status"]} for entry in lines]
    for secret in (token, token.split(".")[0], "anna@example.com", "Anna Lindholm", "127.0.0.1", "?slot="):
        assert secret not in log


def test_the_request_log_holds_no_staff_name_or_address(json_logs, app, client, db, capsys):
    from tests.support.helpers import make_staff, sign_in

    login = make_staff(email="nora@famnen.example", name="Nora Nurse")
    capsys.readouterr()
    sign_in(client, app, login)
    client.get("/staff/", environ_base={"REMOTE_ADDR": "192.0.2.44"})
    log = capsys.readouterr().err
    assert '"path": "/staff/"' in log
    for personal in ("nora@famnen.example", "Nora Nurse", "192.0.2.44"):
        assert personal not in log


def test_text_format_is_a_short_readable_line(client, capsys):
    capsys.readouterr()
    client.get("/privacy")
    [line] = [line for line in capsys.readouterr().err.splitlines() if "/privacy" in line]
    assert line.endswith(" ms") and " GET /privacy 200 " in line


def test_redirects_from_the_access_guard_are_logged_too(json_logs, client, capsys):
    capsys.readouterr()
    client.get("/admin/")
    [line] = request_lines(capsys)
    assert line["path"] == "/admin/" and line["status"] == 302
