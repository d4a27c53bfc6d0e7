"""Settings for Famnen, read from defaults, ``instance/config.py`` and the environment.

Order of precedence (later wins): the defaults below, ``instance/config.py``
and environment variables. Tests pass a ``test_config`` mapping to
``create_app`` instead, which is applied over the defaults alone.
Every setting can be given in the environment as ``FAMNEN_<NAME>``; values are
parsed as JSON when they look like JSON (``true``, ``30``, ``{"sv": "..."}``).
``DATABASE_URL`` and ``SECRET_KEY`` are also read without the prefix, as most
hosting guides name them that way.

Nothing here is read at import time: ``load_config`` runs inside ``create_app``.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Config, Flask

LANGUAGES = ("sv", "fi", "en")
ENVIRONMENTS = ("production", "development", "testing")
MAIL_BACKENDS = ("smtp", "outbox")
SMS_BACKENDS = ("outbox", "http", "disabled")
SMS_HTTP_METHODS = ("POST", "GET")
SMS_HTTP_BODIES = ("form", "json")
SMS_HTTP_AUTHS = ("none", "basic", "bearer")
LOG_FORMATS = ("json", "text")


class ConfigurationError(RuntimeError):
    """Raised when the configuration is unsafe or incomplete; the message says how to fix it."""


def default_settings(instance_path: str) -> dict[str, Any]:
    """Return the built-in defaults, which suit a local demo installation."""
    return {
        # "production" (the safe default), "development" (make run) or "testing".
        "ENV_NAME": "production",
        "SECRET_KEY": None,
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "famnen.db"),
        "SQLITE_BUSY_TIMEOUT_MS": 10_000,
        "DEFAULT_LANGUAGE": "sv",
        # Names and logo of the municipality or wellbeing services county.
        "MUNICIPALITY_NAME": {
            "sv": "Demokommunen",
            "fi": "Demokunta",
            "en": "Demo Municipality",
        },
        # Path to an SVG or PNG logo, relative to the instance folder; empty for none.
        "MUNICIPALITY_LOGO": "",
        "SUPPORT_EMAIL": "familjecenter@example.fi",
        "SUPPORT_PHONE": "+358 19 000 0000",
        # The crisis line shown on the chat pages next to 112, per language (MIELI's crisis helpline).
        "CRISIS_PHONE": {"sv": "09 2525 0112", "fi": "09 2525 0111", "en": "09 2525 0116"},
        # How many chats one network address may start in an hour (a school or library shares one).
        "CHAT_STARTS_PER_ADDRESS_HOUR": 10,
        # Messages a family writes about an appointment are answered within this many working days.
        "MESSAGE_ANSWER_DAYS": 3,
        # The coached programme a family starts when it books the first coach call of a screening's offer
        # (the Kraftfamiljer flow); a municipality with its own licensed programme names it here. "" for none.
        "OFFER_PROGRAMME": "everyday_routines",
        # A family in a programme that has done nothing for this many days comes first on the coach's caseload.
        "PROGRAMME_QUIET_DAYS": 7,
        # Outgoing email. With MAIL_BACKEND "outbox" messages are written to
        # MAIL_OUTBOX_DIR instead of being sent; that is the default outside
        # production, so a demo never mails real addresses by accident.
        "MAIL_BACKEND": None,
        "MAIL_OUTBOX_DIR": os.path.join(instance_path, "outbox"),
        "SMTP_HOST": "localhost",
        "SMTP_PORT": 25,
        "SMTP_USERNAME": "",
        "SMTP_PASSWORD": "",
        "SMTP_STARTTLS": False,
        "SMTP_SSL": False,
        "SMTP_TIMEOUT": 20,
        "MAIL_FROM": "Famnen <no-reply@example.fi>",
        # Text messages (core/sms.py, docs/sms.md). SMS_BACKEND "outbox" writes them as files
        # to SMS_OUTBOX_DIR, the default outside production; production defaults to "disabled"
        # until the operator's HTTP gateway is set up ("http" and the SMS_HTTP_* settings).
        "SMS_BACKEND": None,
        "SMS_OUTBOX_DIR": os.path.join(instance_path, "sms-outbox"),
        # The sender shown on the phone: a name of at most 11 letters and digits, or a number.
        "SMS_SENDER": "Famnen",
        # A longer text is refused: 4 segments are 612 characters in the GSM alphabet, 268 otherwise.
        "SMS_MAX_SEGMENTS": 4,
        "SMS_HTTP_URL": "",
        "SMS_HTTP_METHOD": "POST",
        # "form" (application/x-www-form-urlencoded) or "json"; GET puts the fields in the query string.
        "SMS_HTTP_BODY": "form",
        # The fields (form) or the JSON body, with {recipient}, {recipient_digits}, {sender}, {text}.
        "SMS_HTTP_FIELDS": {"to": "{recipient}", "from": "{sender}", "text": "{text}"},
        "SMS_HTTP_AUTH": "none",
        "SMS_HTTP_USERNAME": "",
        "SMS_HTTP_PASSWORD": "",
        "SMS_HTTP_TOKEN": "",
        # Extra request headers, e.g. {"X-API-Key": "..."}.
        "SMS_HTTP_HEADERS": {},
        # Seconds to wait for the gateway, attempts in all, and the first pause between them (doubling).
        "SMS_HTTP_TIMEOUT": 5,
        "SMS_HTTP_ATTEMPTS": 3,
        "SMS_HTTP_BACKOFF_SECONDS": 0.5,
        # Where the gateway's JSON answer holds the message id, as a dotted path ("messages.0.id"); empty for none.
        "SMS_HTTP_ID_FIELD": "",
        # Text the gateway's answer must contain to count as accepted (e.g. "OK"); empty: any 2xx answer.
        "SMS_HTTP_SUCCESS_TEXT": "",
        # Families get a reminder email this many hours before their appointment.
        "REMINDER_HOURS_BEFORE": 24,
        # An urgent flag nobody has acknowledged after this many minutes is emailed to the team
        # addresses again (once), by the scheduled jobs.
        "URGENT_REMINDER_MINUTES": 60,
        # An earlier time freed up is held this many hours for the family first in line for it.
        "EARLIER_TIME_HOLD_HOURS": 12,
        # Links to questionnaires stay open this many days unless the professional chooses otherwise.
        "QUESTIONNAIRE_LINK_DAYS": 30,
        # A child's case may hold the Finnish personal identity code (henkilötunnus), checked and
        # always shown masked. On by default, as a neuvola identifies children by it; an
        # installation that must not hold it sets FAMNEN_PERSONAL_ID=off and the field disappears.
        "PERSONAL_ID": True,
        # Retention: how long each kind of personal data is kept before `flask purge` deletes it.
        # Questionnaire answers: months after they were sent (families are told this).
        "QUESTIONNAIRE_RETENTION_MONTHS": 24,
        # Appointments: months after the appointment.
        "RETENTION_APPOINTMENT_MONTHS": 24,
        # Group activity registrations: months after the date, then names and contact details go.
        "RETENTION_REGISTRATION_MONTHS": 12,
        # Anonymous self-service answers: days after they were started.
        "RETENTION_SELF_SERVICE_DAYS": 30,
        # A family with no booking who waited for a time: their details go this many days after the last day
        # they waited for (a booked time keeps its appointment's retention).
        "RETENTION_WAITING_DAYS": 30,
        # Chat conversations (with their messages): days after they ended.
        "RETENTION_CHAT_DAYS": 90,
        # Message threads (with their messages): days after their last message.
        "RETENTION_MESSAGE_DAYS": 365,
        # Programme enrolments (answers, the coach's notes, calls): months after the programme ended.
        "RETENTION_PROGRAMME_MONTHS": 24,
        # The audit log of views of client data: the Client Data Act (703/2023) asks for years.
        "RETENTION_AUDIT_MONTHS": 144,
        # Sign-in attempts and old staff sessions: days.
        "RETENTION_SIGN_IN_DAYS": 90,
        # Copies of emails and text messages in the development outboxes: days.
        "RETENTION_OUTBOX_DAYS": 30,
        # Records of text messages sent (number, purpose, outcome; never the text): days.
        "RETENTION_SMS_DAYS": 90,
        # Public address of the installation, used in emails and feeds.
        "BASE_URL": "http://127.0.0.1:5000",
        # Staff sessions end after this much inactivity (WCAG 2.2.1: warned before).
        "STAFF_IDLE_MINUTES": 30,
        "STAFF_IDLE_WARNING_SECONDS": 120,
        # Sign-in throttling: this many failures in the window make an account or address wait.
        "LOGIN_MAX_FAILURES": 10,
        "LOGIN_FAILURE_WINDOW_MINUTES": 15,
        # argon2id cost for staff passwords (OWASP's recommended minimum is 19 MiB, t=2).
        "ARGON2_TIME_COST": 3,
        "ARGON2_MEMORY_KIB": 65536,
        "ARGON2_PARALLELISM": 4,
        # Requests larger than this are refused with 413.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Number of reverse proxies (nginx) in front of the app whose X-Forwarded-* headers to trust.
        "PROXY_COUNT": 0,
        # One line per request on the famnen.requests logger: "json" (the default in
        # production, for journald and log collectors) or "text" (easier to read by eye).
        "LOG_FORMAT": None,
    }


def _parse_env_value(raw: str) -> Any:
    """Read JSON-looking values as JSON so booleans, numbers and mappings can be set."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def settings_from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Collect ``FAMNEN_*`` variables plus the unprefixed ``DATABASE_URL`` and ``SECRET_KEY``."""
    found: dict[str, Any] = {}
    for name in ("DATABASE_URL", "SECRET_KEY"):
        if environ.get(name):
            found[name] = environ[name]
    for key, raw in environ.items():
        if key.startswith("FAMNEN_") and raw != "":
            found[key.removeprefix("FAMNEN_")] = _parse_env_value(raw)
    # MUNICIPALITY_NAME_SV / _FI / _EN are easier to write in a unit file than JSON.
    for lang in LANGUAGES:
        value = environ.get(f"FAMNEN_MUNICIPALITY_NAME_{lang.upper()}")
        if value:
            names = dict(found.get("MUNICIPALITY_NAME") or {})
            names[lang] = value
            found["MUNICIPALITY_NAME"] = names
        found.pop(f"MUNICIPALITY_NAME_{lang.upper()}", None)
    return found


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual ways (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _instance_secret_key(instance_path: str) -> str:
    """Read the generated secret key from the instance folder, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    # Created with owner-only permissions: the key signs every session cookie.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def production_problems(config: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Return (problems, warnings) about settings for production, each saying what to change.

    Problems make Famnen refuse to start; warnings are logged at start-up.
    """
    problems: list[str] = []
    warnings: list[str] = []
    if not config.get("SECRET_KEY") or len(str(config["SECRET_KEY"])) < 32:
        problems.append(
            "SECRET_KEY is unset or shorter than 32 characters: set FAMNEN_SECRET_KEY "
            "(for example `python3 -c 'import secrets; print(secrets.token_hex(32))'`)."
        )
    if config.get("DEBUG"):
        problems.append("DEBUG is on: never run the debugger in production.")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off: production must be served over HTTPS with secure cookies.")
    if config.get("MAIL_BACKEND") == "outbox":
        problems.append(
            'MAIL_BACKEND is "outbox": families would get no email and their messages would pile up '
            "as files on this server. Set FAMNEN_MAIL_BACKEND=smtp and the SMTP_* settings."
        )
    if config.get("SMS_BACKEND") == "outbox":
        problems.append(
            'SMS_BACKEND is "outbox": families would get no text messages. Set FAMNEN_SMS_BACKEND=http '
            "and the SMS_HTTP_* settings, or FAMNEN_SMS_BACKEND=disabled."
        )
    if not str(config.get("BASE_URL", "")).startswith("https://"):
        problems.append(
            f"BASE_URL is {config.get('BASE_URL')!r}: links in emails must use the public https:// "
            "address, e.g. FAMNEN_BASE_URL=https://famnen.example.fi."
        )
    if not config.get("PROXY_COUNT"):
        warnings.append(
            "PROXY_COUNT is 0: behind nginx set FAMNEN_PROXY_COUNT=1, or Famnen cannot tell that "
            "requests came over HTTPS and sends no HSTS header."
        )
    unencrypted = not (config.get("SMTP_STARTTLS") or config.get("SMTP_SSL"))
    if config.get("SMTP_USERNAME") and unencrypted and config.get("SMTP_HOST") not in ("localhost", "127.0.0.1", "::1"):
        warnings.append(
            "SMTP_USERNAME is set but neither SMTP_STARTTLS nor SMTP_SSL is on: the mail password "
            "would cross the network unencrypted."
        )
    sms_url = str(config.get("SMS_HTTP_URL", ""))
    if config.get("SMS_BACKEND") == "http" and not sms_url.startswith("https://") and not _is_loopback(sms_url):
        warnings.append(
            f"SMS_HTTP_URL is {sms_url!r}: the gateway's credentials and the families' numbers would cross "
            "the network unencrypted; use the gateway's https:// address."
        )
    return problems, warnings


def _is_loopback(url: str) -> bool:
    """Whether ``url`` points at this machine (a gateway relay on localhost needs no TLS)."""
    return urlsplit(url).hostname in ("localhost", "127.0.0.1", "::1")


def check_production_safety(app: Flask) -> None:
    """Refuse settings that would be unsafe in production, saying what to change; log the warnings."""
    problems, warnings = production_problems(app.config)
    if problems:
        raise ConfigurationError("Famnen refuses to start in production:\n- " + "\n- ".join(problems))
    for warning in warnings:
        app.logger.warning("Configuration: %s", warning)


def _require_choice(settings: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> None:
    """Refuse a setting whose value is not one of ``allowed``."""
    if settings[name] not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}, not {settings[name]!r}.")


def check_sms_settings(settings: Mapping[str, Any]) -> None:
    """Refuse SMS settings that could not send a message, saying which one to change."""
    _require_choice(settings, "SMS_BACKEND", SMS_BACKENDS)
    _require_choice(settings, "SMS_HTTP_METHOD", SMS_HTTP_METHODS)
    _require_choice(settings, "SMS_HTTP_BODY", SMS_HTTP_BODIES)
    _require_choice(settings, "SMS_HTTP_AUTH", SMS_HTTP_AUTHS)
    if not isinstance(settings["SMS_MAX_SEGMENTS"], int) or settings["SMS_MAX_SEGMENTS"] < 1:
        raise ConfigurationError(
            f"SMS_MAX_SEGMENTS must be a whole number of at least 1, not {settings['SMS_MAX_SEGMENTS']!r}."
        )
    if not isinstance(settings["SMS_HTTP_HEADERS"], dict):
        raise ConfigurationError('SMS_HTTP_HEADERS must be a mapping such as {"X-API-Key": "..."}.')
    if settings["SMS_BACKEND"] != "http":
        return
    if not str(settings["SMS_HTTP_URL"]).startswith(("https://", "http://")):
        raise ConfigurationError('SMS_BACKEND is "http": set SMS_HTTP_URL to the gateway\'s address (https://...).')
    fields = settings["SMS_HTTP_FIELDS"]
    flat = isinstance(fields, dict) and all(isinstance(value, (str, int, float)) for value in fields.values())
    if (settings["SMS_HTTP_BODY"] == "form" or settings["SMS_HTTP_METHOD"] == "GET") and not flat:
        raise ConfigurationError(
            "SMS_HTTP_FIELDS must map field names to values, such as "
            '{"to": "{recipient}", "from": "{sender}", "text": "{text}"}, when the fields go as a form or in the URL.'
        )
    if settings["SMS_HTTP_METHOD"] == "GET" and settings["SMS_HTTP_BODY"] == "json":
        raise ConfigurationError('SMS_HTTP_BODY "json" needs SMS_HTTP_METHOD "POST": a GET request has no body.')
    if "{text}" not in json.dumps(fields):
        raise ConfigurationError("SMS_HTTP_FIELDS must contain {text} somewhere, or no message would be sent.")
    if "{recipient" not in json.dumps(fields):
        raise ConfigurationError("SMS_HTTP_FIELDS must contain {recipient} or {recipient_digits} somewhere.")
    credentials = {"basic": ("SMS_HTTP_USERNAME", "SMS_HTTP_PASSWORD"), "bearer": ("SMS_HTTP_TOKEN",)}
    for name in credentials.get(settings["SMS_HTTP_AUTH"], ()):
        if not settings[name]:
            raise ConfigurationError(f"SMS_HTTP_AUTH is {settings['SMS_HTTP_AUTH']!r}: set {name} too.")


def _switch(settings: Mapping[str, Any], name: str) -> bool:
    """Read an on/off setting given as a boolean or as on/off, true/false, yes/no, 1/0."""
    value = settings[name]
    if isinstance(value, bool):
        return value
    words = {"on": True, "true": True, "yes": True, "1": True, "off": False, "false": False, "no": False, "0": False}
    if str(value).strip().lower() not in words:
        raise ConfigurationError(f"{name} must be on or off, not {value!r}.")
    return words[str(value).strip().lower()]


def load_config(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` from defaults, the instance file, the environment and ``test_config``."""
    settings = default_settings(app.instance_path)
    if test_config is None:
        instance_file = Path(app.instance_path) / "config.py"
        if instance_file.exists():
            file_settings = Config(app.root_path)
            file_settings.from_pyfile(str(instance_file))
            settings.update(file_settings)
        settings.update(settings_from_environment(os.environ))
    else:
        # Tests describe their whole configuration, as in Flask's tutorial, so a
        # developer's instance/config.py or shell variables cannot change results.
        settings.update(test_config)

    env_name = settings["ENV_NAME"]
    _require_choice(settings, "ENV_NAME", ENVIRONMENTS)
    _require_choice(settings, "DEFAULT_LANGUAGE", LANGUAGES)

    is_production = env_name == "production"
    settings.setdefault("SESSION_COOKIE_SECURE", is_production)
    if not settings["MAIL_BACKEND"]:
        settings["MAIL_BACKEND"] = "smtp" if is_production else "outbox"
    _require_choice(settings, "MAIL_BACKEND", MAIL_BACKENDS)
    if not settings["SMS_BACKEND"]:
        settings["SMS_BACKEND"] = "disabled" if is_production else "outbox"
    settings["SMS_HTTP_METHOD"] = str(settings["SMS_HTTP_METHOD"]).upper()
    check_sms_settings(settings)
    if not settings["LOG_FORMAT"]:
        settings["LOG_FORMAT"] = "json" if is_production else "text"
    _require_choice(settings, "LOG_FORMAT", LOG_FORMATS)
    if not settings.get("SECRET_KEY") and not is_production:
        settings["SECRET_KEY"] = _instance_secret_key(app.instance_path)

    settings["PERSONAL_ID"] = _switch(settings, "PERSONAL_ID")
    settings["DATABASE_URL"] = normalise_database_url(settings["DATABASE_URL"])
    settings.update(
        SQLALCHEMY_DATABASE_URI=settings["DATABASE_URL"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="famnen_session",
        TESTING=env_name == "testing",
        # The CSRF token lives as long as the browser session, so a parent who takes
        # an hour over a form does not lose it to an expired token.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        BABEL_DEFAULT_LOCALE=settings["DEFAULT_LANGUAGE"],
        BABEL_DEFAULT_TIMEZONE="Europe/Helsinki",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(app.root_path) / "translations"),
    )
    app.config.update(settings)
    if is_production:
        check_production_safety(app)
