"""Text messages: what reaches the operator's gateway, retries, refusals, the outbox and the record."""

from __future__ import annotations

import base64
import os
import re
import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

import config
from app import create_app
from blueprints.operations.retention import purge
from core import sms, timeutil
from tests.support.config import PRODUCTION_CONFIG
from tests.support.servers import free_port

NUMBER = "+358401234567"
TEXT = 'Hei! Muista perhekeskuksen aika ma 7.12. klo 9.00. Tid: "mån" {sender}'
MOMENT = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)


@pytest.fixture
def pauses(monkeypatch):
    """The pauses between attempts, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(sms, "_sleep", slept.append)
    return slept


def records(db) -> list[sms.SmsMessage]:
    """Every text message record, oldest first."""
    return list(db.session.scalars(select(sms.SmsMessage).order_by(sms.SmsMessage.id)))


# --- What reaches the gateway ----------------------------------------------------------


def test_form_fields_arrive_under_the_configured_names_with_basic_authentication(app, db, http, pauses):
    app.config.update(
        SMS_SENDER="Kommunen",
        SMS_HTTP_FIELDS={"dests": "{recipient_digits}", "msg": "{text}", "originator": "{sender}", "account": "famnen"},
        SMS_HTTP_AUTH="basic",
        SMS_HTTP_USERNAME="famnen",
        SMS_HTTP_PASSWORD="hemligt lösen",
        SMS_HTTP_HEADERS={"X-Customer": "demo"},
    )
    record = sms.send_sms(NUMBER, TEXT, "confirmation")
    [request] = http.requests
    assert request.method == "POST" and request.path == "/send"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    # The text arrives exactly as written: no placeholder inside it is filled in.
    assert request.form == {"dests": "358401234567", "msg": TEXT, "originator": "Kommunen", "account": "famnen"}
    assert base64.b64decode(request.headers["Authorization"].removeprefix("Basic ")).decode() == "famnen:hemligt lösen"
    assert request.headers["X-Customer"] == "demo"
    assert (record.status, record.attempts, record.backend, record.error) == ("sent", 1, "http", None)
    assert pauses == []


def test_a_json_template_is_filled_in_and_sent_with_a_bearer_token(app, db, http):
    app.config.update(
        SMS_HTTP_BODY="json",
        SMS_HTTP_AUTH="bearer",
        SMS_HTTP_TOKEN="token-123",
        SMS_HTTP_ID_FIELD="messages.0.id",
        SMS_HTTP_FIELDS={
            "from": "{sender}",
            "to": ["{recipient}"],
            "message": {"body": "{text}", "encoding": "auto"},
            "test": False,
        },
    )
    record = sms.send_sms(NUMBER, TEXT, "reminder")
    [request] = http.requests
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["Authorization"] == "Bearer token-123"
    assert request.json == {
        "from": "Famnen",
        "to": [NUMBER],
        "message": {"body": TEXT, "encoding": "auto"},
        "test": False,
    }
    assert (record.status, record.gateway_id) == ("sent", "gw-1")


def test_settings_from_the_environment_that_look_like_numbers_are_sent_as_written(app_config, gateway):
    environment = {
        "FAMNEN_SMS_BACKEND": "http",
        "FAMNEN_SMS_HTTP_URL": gateway.url,
        "FAMNEN_SMS_SENDER": "358191234567",
        "FAMNEN_SMS_HTTP_AUTH": "bearer",
        "FAMNEN_SMS_HTTP_TOKEN": "20261205",
        "FAMNEN_SMS_HTTP_HEADERS": '{"X-Account": 42}',
    }
    numeric_app = create_app({**app_config, **config.settings_from_environment(environment)})
    with numeric_app.app_context():
        assert sms.send_sms(NUMBER, "Hej", "test").status == "sent"
    [request] = gateway.requests
    assert request.form["from"] == "358191234567"
    assert (request.headers["Authorization"], request.headers["X-Account"]) == ("Bearer 20261205", "42")


def test_get_puts_the_fields_in_the_query_string(app, db, http):
    app.config.update(
        SMS_HTTP_METHOD="GET",
        SMS_HTTP_URL=http.url + "?key=abc",
        SMS_HTTP_FIELDS={"to": "{recipient}", "text": "{text}"},
    )
    assert sms.send_sms(NUMBER, "Hej då", "test").status == "sent"
    [request] = http.requests
    assert request.method == "GET" and request.body == b""
    assert request.query == {"key": ["abc"], "to": [NUMBER], "text": ["Hej då"]}


# --- Retries and failures --------------------------------------------------------------


def test_a_server_error_is_tried_again_with_growing_pauses_until_it_is_sent(db, http, pauses):
    http.answer(500, 503, "ok")
    record = sms.send_sms(NUMBER, TEXT, "confirmation")
    assert len(http.requests) == 3
    assert (record.status, record.attempts, record.error) == ("sent", 3, None)
    assert pauses == [0.5, 1.0]
    assert record.sent_at is not None


def test_the_last_attempt_failing_is_recorded_with_the_gateway_s_answer(db, http, pauses):
    http.answer(500, 500, 500, "ok")
    record = sms.send_sms(NUMBER, TEXT, "confirmation")
    assert len(http.requests) == 3
    assert (record.status, record.attempts, record.sent_at) == ("failed", 3, None)
    assert record.error.startswith("HTTP 500 Internal Server Error: Refused:")
    assert records(db) == [record]


def test_a_refusal_is_not_tried_again_and_the_record_does_not_repeat_the_text_or_number(db, http, pauses):
    http.answer(400)
    record = sms.send_sms(NUMBER, TEXT, "confirmation")
    assert len(http.requests) == 1 and pauses == []
    assert (record.status, record.attempts) == ("failed", 1)
    # The gateway echoed the request; the record keeps why, not what.
    assert record.error.startswith("HTTP 400 Bad Request: Refused:")
    assert "perhekeskuksen" not in record.error and "401234567" not in record.error


def test_a_gateway_that_does_not_answer_is_a_failure_after_the_timeout_and_not_tried_again(app, db, http, pauses):
    app.config.update(SMS_HTTP_TIMEOUT=0.5)
    http.answer("hang", "ok")
    record = sms.send_sms(NUMBER, TEXT, "reminder")
    # It may have taken the message: a second try could send the family the same text twice.
    assert len(http.requests) == 1 and pauses == []
    assert (record.status, record.attempts) == ("failed", 1)
    assert record.error == "The gateway did not answer within 0.5 s."


def test_an_answer_without_the_success_text_is_a_failure_that_is_not_tried_again(app, db, http, pauses):
    app.config.update(SMS_HTTP_SUCCESS_TEXT='"id"')
    assert sms.send_sms(NUMBER, TEXT, "confirmation").status == "sent"
    app.config.update(SMS_HTTP_SUCCESS_TEXT="ACCEPTED")
    record = sms.send_sms(NUMBER, TEXT, "confirmation")
    assert len(http.requests) == 2 and pauses == []
    assert (record.status, record.attempts) == ("failed", 1)
    assert record.error == 'The gateway\'s answer does not contain \'ACCEPTED\': {"messages": [{"id": "gw-2"}]}'


def test_a_gateway_that_cannot_be_reached_is_tried_the_configured_number_of_times(app, db, pauses):
    app.config.update(
        SMS_BACKEND="http",
        SMS_HTTP_URL=f"http://127.0.0.1:{free_port()}/send",
        SMS_HTTP_ATTEMPTS=4,
        SMS_HTTP_BACKOFF_SECONDS=2,
    )
    record = sms.send_sms(NUMBER, TEXT, "confirmation")
    assert (record.status, record.attempts) == ("failed", 4)
    assert record.error.startswith("Could not reach the gateway:")
    assert pauses == [2, 4, 8]


# --- Refused before sending ------------------------------------------------------------


@pytest.mark.parametrize(
    ("recipient", "reason"),
    [
        ("0401234567", "E.164"),
        ("+358 40 1234567", "E.164"),
        ("+358401234567 ", "E.164"),
        ("040-1234567", "E.164"),
        ("", "E.164"),
        ("+3584012", "not a valid phone number"),
        ("+35891234567", "not a mobile number"),  # a Helsinki landline
        ("+358800123456", "not a mobile number"),  # toll-free
    ],
)
def test_a_recipient_that_is_not_an_e164_mobile_number_is_refused(app, db, http, recipient, reason):
    with pytest.raises(sms.InvalidRecipient, match=reason):
        sms.send_sms(recipient, TEXT, "confirmation")
    assert http.requests == [] and records(db) == []


def test_foreign_mobile_numbers_are_accepted(db, http):
    assert sms.send_sms("+46701234567", "Hej", "confirmation").status == "sent"
    assert http.requests[0].form["to"] == "+46701234567"


@pytest.mark.parametrize(
    ("message", "count"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("ä" * 306, 2),  # å, ä and ö are in the GSM alphabet
        ("a" * 612, 4),
        ("a" * 613, 5),
        ("€" * 80, 1),  # two septets each
        ("€" * 81, 2),
        ("a" * 151 + "€" + "a" * 153, 2),
        ("a" * 152 + "€" + "a" * 152, 3),  # the two septets of € are not split between segments
        ("’" * 70, 1),  # a typographic apostrophe makes the whole text UCS-2
        ("’" * 71, 2),
        ("", 0),
    ],
)
def test_segments_are_counted_as_phones_count_them(message, count):
    assert sms.segments(message) == count


def test_a_text_longer_than_the_configured_segments_is_refused_saying_why(app, db, http):
    assert sms.send_sms(NUMBER, "a" * 612, "confirmation").status == "sent"
    with pytest.raises(
        sms.TextTooLong, match=r"needs 5 SMS segments \(613 characters, GSM 7-bit\); at most 4 .*SMS_MAX_SEGMENTS"
    ):
        sms.send_sms(NUMBER, "a" * 613, "confirmation")
    app.config.update(SMS_MAX_SEGMENTS=1)
    with pytest.raises(sms.TextTooLong, match="needs 2 SMS segments .*UCS-2"):
        sms.send_sms(NUMBER, "’" * 71, "confirmation")
    with pytest.raises(sms.TextTooLong, match="empty"):
        sms.send_sms(NUMBER, "", "confirmation")
    assert len(http.requests) == 1 and len(records(db)) == 1


def test_a_purpose_must_be_a_code_word(db, http):
    with pytest.raises(ValueError, match="code word"):
        sms.send_sms(NUMBER, "Hej", "Bekräftelse till Anna Andersson")
    assert http.requests == []


# --- The record ------------------------------------------------------------------------


def test_the_record_keeps_who_why_and_what_happened_but_never_the_text(db, http, monkeypatch):
    monkeypatch.setattr(timeutil, "clock", lambda: MOMENT)
    sms.send_sms(NUMBER, TEXT, "confirmation")
    http.answer(400)
    sms.send_sms("+46701234567", TEXT, "reminder")
    db.session.commit()
    rows = db.session.execute(text("SELECT * FROM sms_message ORDER BY id")).mappings().all()
    assert [(row["recipient"], row["purpose"], row["status"]) for row in rows] == [
        (NUMBER, "confirmation", "sent"),
        ("+46701234567", "reminder", "failed"),
    ]
    stored = " ".join(str(value) for row in rows for value in row.values())
    for word in ("Muista", "perhekeskuksen", "mån", "7.12."):
        assert word not in stored
    [sent, failed] = records(db)
    assert sent.created_at == sent.sent_at == MOMENT and failed.sent_at is None


# --- The other backends ----------------------------------------------------------------


def test_the_outbox_writes_one_readable_file_per_message(app, db, monkeypatch):
    monkeypatch.setattr(timeutil, "clock", lambda: MOMENT)
    assert app.config["SMS_BACKEND"] == "outbox"
    record = sms.send_sms(NUMBER, TEXT, "confirmation")
    monkeypatch.setattr(timeutil, "clock", lambda: MOMENT + timedelta(seconds=1))
    sms.send_sms("+46701234567", "Hej då", "reminder")
    # Sorted by name, the newest comes last.
    first, second = sorted(Path(app.config["SMS_OUTBOX_DIR"]).glob("*.txt"))
    assert record.gateway_id == first.name and record.backend == "outbox" and record.status == "sent"
    assert first.read_text(encoding="utf-8") == (
        f"To: {NUMBER}\nFrom: Famnen\nPurpose: confirmation\nDate: 2026-12-05T14:30:00+00:00\n"
        f"Segments: 1 (GSM 7-bit)\n\n{TEXT}\n"
    )
    assert second.read_text(encoding="utf-8").endswith("\n\nHej då\n")


def test_an_outbox_that_cannot_be_written_is_a_recorded_failure(app, db, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    app.config.update(SMS_OUTBOX_DIR=str(blocked))
    record = sms.send_sms(NUMBER, TEXT, "confirmation")
    assert (record.status, record.backend, record.gateway_id) == ("failed", "outbox", None)
    assert record.error == f"Could not write to the outbox {blocked}: File exists"


def test_disabled_sends_and_records_nothing(app, db, http):
    app.config.update(SMS_BACKEND="disabled")
    assert not sms.sms_enabled()
    assert sms.send_sms(NUMBER, TEXT, "confirmation") is None
    assert http.requests == [] and records(db) == []
    # Refusals still say what is wrong, so a mistake shows up before SMS is switched on.
    with pytest.raises(sms.InvalidRecipient):
        sms.send_sms("0401234567", TEXT, "confirmation")


# --- flask sms-test --------------------------------------------------------------------


def test_sms_test_sends_a_message_and_commits_its_record(app, runner, db, http, other_app):
    app.config.update(SMS_HTTP_ID_FIELD="messages.0.id")
    result = runner.invoke(args=["sms-test", NUMBER])
    assert result.exit_code == 0, result.output
    assert f"Test message to {NUMBER} accepted by the gateway after 1 attempt(s), id gw-1." in result.output
    assert http.requests[0].form["to"] == NUMBER
    # Committed: another process sees it.
    with other_app.app_context():
        from extensions import db as other_db

        [(purpose, status)] = other_db.session.execute(select(sms.SmsMessage.purpose, sms.SmsMessage.status)).all()
    assert (purpose, status) == ("test", "sent")


def test_sms_test_exits_non_zero_with_the_gateway_s_error(runner, db, http, pauses):
    http.answer(401)
    result = runner.invoke(args=["sms-test", NUMBER])
    assert result.exit_code == 1
    assert "failed after 1 attempt(s): HTTP 401 Unauthorized" in result.output


def test_sms_test_refuses_a_number_that_is_not_e164_and_a_disabled_backend(app, runner, db, http):
    result = runner.invoke(args=["sms-test", "040 123 4567"])
    assert result.exit_code != 0 and "E.164" in result.output
    app.config.update(SMS_BACKEND="disabled")
    result = runner.invoke(args=["sms-test", NUMBER])
    assert result.exit_code != 0 and 'SMS_BACKEND is "disabled"' in result.output
    assert http.requests == []


def test_sms_test_writes_to_the_outbox_in_development(app, runner, db):
    result = runner.invoke(args=["sms-test", NUMBER])
    assert result.exit_code == 0 and f"written to {app.config['SMS_OUTBOX_DIR']}" in result.output
    [path] = Path(app.config["SMS_OUTBOX_DIR"]).glob("*.txt")
    assert "Purpose: test" in path.read_text(encoding="utf-8")


# --- Retention -------------------------------------------------------------------------


def test_old_records_and_outbox_files_are_purged(app, db, monkeypatch):
    monkeypatch.setattr(timeutil, "clock", lambda: MOMENT - timedelta(days=91))
    sms.send_sms(NUMBER, "Gammalt", "confirmation")
    [old_file] = Path(app.config["SMS_OUTBOX_DIR"]).glob("*.txt")
    old = (MOMENT - timedelta(days=31)).timestamp()
    os.utime(old_file, (old, old))
    monkeypatch.setattr(timeutil, "clock", lambda: MOMENT)
    kept = sms.send_sms(NUMBER, "Nytt", "confirmation")
    db.session.commit()
    report = purge(MOMENT)
    db.session.commit()
    assert report.counts["text message records"] == 1 and report.counts["outbox text messages"] == 1
    assert records(db) == [kept]
    assert [path.name for path in Path(app.config["SMS_OUTBOX_DIR"]).glob("*.txt")] == [kept.gateway_id]


# --- The documented examples ---------------------------------------------------------


def documented_examples() -> list[dict[str, str]]:
    """The environment-file examples of docs/sms.md for the HTTP gateway, read as the wrapper reads them."""
    guide = (Path(__file__).resolve().parents[2] / "docs" / "sms.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```sh\n(.*?)```", guide, re.DOTALL):
        if "FAMNEN_SMS_BACKEND=http" in block:
            lines = [line.partition("=") for line in block.splitlines() if line.strip()]
            examples.append({name: shlex.split(value)[0] for name, _, value in lines})
    return examples


def strings(value) -> list[str]:
    """Every string in a JSON-like value."""
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [string for item in items for string in strings(item)]


def test_the_documented_examples_start_and_send_the_text_as_described(app_config, gateway):
    examples = documented_examples()
    assert len(examples) == 3
    for example in examples:
        settings = config.settings_from_environment(example)
        # The local gateway stands in at the example's address, which keeps its query string.
        settings["SMS_HTTP_URL"] = gateway.url + "".join(settings["SMS_HTTP_URL"].partition("?")[1:])
        example_app = create_app({**app_config, **settings})
        with example_app.app_context():
            sms.send_sms(NUMBER, TEXT, "test")
        request = gateway.requests[-1]
        if request.method == "GET":
            received = request.query
        else:
            received = request.json if settings.get("SMS_HTTP_BODY") == "json" else request.form
        assert TEXT in strings(received) and any(NUMBER.removeprefix("+") in string for string in strings(received))


# --- Settings --------------------------------------------------------------------------


def test_the_default_backend_is_the_outbox_in_development_and_disabled_in_production(app_config, tmp_path):
    assert create_app(app_config).config["SMS_BACKEND"] == "outbox"
    production = create_app({**PRODUCTION_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert production.config["SMS_BACKEND"] == "disabled"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"SMS_BACKEND": "smtp"}, "SMS_BACKEND must be one of outbox, http, disabled"),
        ({"SMS_BACKEND": "http"}, "set SMS_HTTP_URL"),
        (
            {
                "SMS_BACKEND": "http",
                "SMS_HTTP_URL": "https://sms.example.fi",
                "SMS_HTTP_METHOD": "get",
                "SMS_HTTP_BODY": "json",
            },
            "a GET request has no body",
        ),
        (
            {
                "SMS_BACKEND": "http",
                "SMS_HTTP_URL": "https://sms.example.fi",
                "SMS_HTTP_FIELDS": {"to": ["{recipient}"], "text": "{text}"},
            },
            "must map field names",
        ),
        (
            {"SMS_BACKEND": "http", "SMS_HTTP_URL": "https://sms.example.fi", "SMS_HTTP_FIELDS": {"to": "{recipient}"}},
            "must contain {text}",
        ),
        (
            {"SMS_BACKEND": "http", "SMS_HTTP_URL": "https://sms.example.fi", "SMS_HTTP_AUTH": "bearer"},
            "set SMS_HTTP_TOKEN",
        ),
        ({"SMS_HTTP_AUTH": "digest"}, "SMS_HTTP_AUTH must be one of none, basic, bearer"),
        ({"SMS_MAX_SEGMENTS": 0}, "SMS_MAX_SEGMENTS must be a whole number"),
    ],
)
def test_sms_settings_that_could_not_send_are_refused_at_start(app_config, settings, named):
    with pytest.raises(config.ConfigurationError, match=named.replace("(", r"\(").replace("{", r"\{")):
        create_app({**app_config, **settings})


def test_production_refuses_the_outbox_and_warns_of_an_unencrypted_gateway(tmp_path):
    production = {**PRODUCTION_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    with pytest.raises(config.ConfigurationError, match='SMS_BACKEND is "outbox"'):
        create_app({**production, "SMS_BACKEND": "outbox"})
    app = create_app({**production, "SMS_BACKEND": "http", "SMS_HTTP_URL": "http://sms.example.fi/send"})
    problems, warnings = config.production_problems(app.config)
    assert problems == [] and any("SMS_HTTP_URL is 'http://sms.example.fi/send'" in warning for warning in warnings)
    # A relay on the same machine needs no TLS.
    app.config.update(SMS_HTTP_URL="http://127.0.0.1:8080/send")
    assert not any("SMS_HTTP_URL" in warning for warning in config.production_problems(app.config)[1])
