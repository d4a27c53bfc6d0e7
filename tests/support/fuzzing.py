"""A seeded request fuzzer: every route of the URL map, as every role, with malformed input.

``requests(app, seed, extra)`` first sends each rule once per role and method
with malformed path values, then ``extra`` more requests drawn at random. Each
request mixes malformed ids (0, negative, 2^31, 2^63, overlong), dates (years 1
and 9999, nonsense), redirect targets with control characters, %-encoded junk,
invalid UTF-8 in query strings and bodies, odd Content-Types and headers such
as HX-Request. ``run`` sends them through the test client and returns every
answer of 500 or more, with the exception behind it.

Used by tests/platform/test_fuzz.py (a bounded run in the normal suite) and by
bench/fuzz.py (``make fuzz``, a longer run).
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import select

ROLES = ("anonymous", "professional", "reception", "admin")

HUGE_IDS = ["2147483648", "9223372036854775808", "99999999999999999999999999", "9" * 5000]
IDS = ["1", "2", "3", "0", "-1", "00001", "1.5", "1e3", "0x10", "٣", "2147483647", *HUGE_IDS]
DAYS = [
    "0001-01-01",
    "9999-12-31",
    "9999-12-27",
    "0001-01-03",
    "2026-02-30",
    "2026-13-01",
    "20261201",
    "2026-W53-7",
    "-2026-01-01",
    "99999-01-01",
    "2026-06-15",
    "today",
    "",
    "1899-12-31",
    "2101-01-01",
]
NEXT_TARGETS = [
    "/staff/\n",
    "/staff/\r\nSet-Cookie: x=1",
    "/\t/evil.example",
    "/\x00",
    "/\x7f",
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "/staff/agenda?day=9999-12-31",
    "%0d%0a",
    "/" + "a" * 3000,
]
TEXTS = [
    "",
    " ",
    "x",
    "åäö",
    "\x00",
    "\ud800",
    "%ff%fe",
    "a" * 5000,
    "<script>",
    "NaN",
    "1e309",
    "Infinity",
    "-inf",
    "1e999999999",
    "1,5",
    "-0",
    "25:61",
    "on",
    "true",
    "null",
    "{}",
    "[]",
    "../../etc/passwd",
    "\u202e",
    "\r\n",
]
PATH_TEXTS = [
    "x",
    "%00",
    "%ff%fe",
    "..",
    "a" * 300,
    "%0d%0a",
    "%C3%A5%C3%A4",
    "%E2%80%AE",
    "sv",
    "fi",
    "en",
    "index.html",
]
QUERY_KEYS = [
    "week",
    "day",
    "from",
    "until",
    "next",
    "professional",
    "child",
    "actor",
    "page",
    "view",
    "date_of_birth",
    "language",
    "lang",
    "centre",
    "mode",
    "slot",
    "term",
    "status",
    "instrument",
    "item",
    "age",
    "kind",
    "public",
    "show_names",
    "email",
    "phone",
    "first_name",
    "confirm",
    "go",
    "action",
]
CONTENT_TYPES = [
    None,
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "application/json",
    "text/plain",
    "x/y; ;;=",
]
ODD_HEADERS = [
    {},
    {"HX-Request": "true"},
    {"HX-Request": "true", "HX-Target": "main"},
    {"Accept": "application/json"},
    {"Accept-Language": "xx-YY;q=9, ;q=abc"},
    {"X-Forwarded-For": "not-an-address"},
    {"If-Modified-Since": "yesterday"},
    {"Range": "bytes=9-1"},
    {"Cookie": "language=xx; session=%ff"},
]
PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@dataclass
class Failure:
    """A request answered with a 5xx, and what went wrong behind it."""

    role: str
    method: str
    url: str
    status: int
    error: str

    def __str__(self) -> str:
        return f"{self.status} {self.role} {self.method} {self.url[:200]!r}: {self.error}"


@dataclass
class Setup:
    """A demo installation to fuzz: a signed-in client and its CSRF token per role, and real values to mix in."""

    clients: dict
    tokens: dict
    words: list[str]
    fields: list[str]


@dataclass
class Request:
    """One request to send: who sends it, and how."""

    role: str
    method: str
    url: str
    options: dict = field(default_factory=dict)


def form_field_names() -> list[str]:
    """The names of every field of every form in the app and of every stored questionnaire's items, so junk reaches
    real fields.
    """
    from blueprints.questionnaires.models import InstrumentVersion
    from blueprints.questionnaires.store import load_version
    from extensions import db

    names: set[str] = set()
    for stored in db.session.scalars(select(InstrumentVersion)):
        names.update(load_version(stored.instrument_id, stored.version).items)
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(
            name for name in vars(form) if not name.startswith("_") and hasattr(vars(form)[name], "field_class")
        )
    return sorted(names)


def known_words() -> list[str]:
    """Slugs, instrument ids and signed links of the demo data, so requests also reach pages behind them."""
    from blueprints.activities.models import Registration
    from blueprints.activities.registration import manage_token as registration_token
    from blueprints.booking.appointments import manage_token as appointment_token
    from blueprints.booking.models import Appointment
    from blueprints.organisation.models import Centre, Service
    from blueprints.questionnaires.invitations import response_token, visit_token
    from blueprints.questionnaires.models import InstrumentVersion, Response, Visit
    from extensions import db

    def every(model):
        return db.session.scalars(select(model)).all()

    return sorted(
        {
            "privacy",
            "accessibility",
            "sv",
            "fi",
            "en",
            *(item.slug for item in every(Service) + every(Centre)),
            *(item.instrument_id for item in every(InstrumentVersion)),
            *map(appointment_token, every(Appointment)),
            *map(registration_token, every(Registration)),
            *map(visit_token, every(Visit)),
            *map(response_token, every(Response)),
        }
    )


def _path_value(rng: random.Random, converter: str | None, words: list[str]) -> str:
    # Half of the values are real, so the malformed rest of the request reaches the page behind them.
    if converter == "int":
        return str(rng.randint(1, 40)) if rng.random() < 0.5 else rng.choice(IDS)
    if converter == "path":
        return rng.choice(["../../app.py", "css/%2e%2e/x", "%00", "a" * 300])
    return quote(rng.choice(words)) if words and rng.random() < 0.5 else rng.choice(PATH_TEXTS)


def _url(rng: random.Random, rule: str, query: bool, words: list[str]) -> str:
    path = PLACEHOLDER.sub(lambda match: _path_value(rng, match.group(1), words), rule)
    if not query:
        return path
    pairs = []
    for key in rng.sample(QUERY_KEYS, rng.randint(1, 5)):
        value = rng.choice(
            DAYS
            if key in {"week", "day", "from", "until", "date_of_birth"}
            else NEXT_TARGETS
            if key == "next"
            else IDS
            if key in {"professional", "child", "actor", "page", "centre", "slot", "item"}
            else TEXTS
        )
        pairs.append(f"{quote(key)}={quote(value, safe='', errors='surrogatepass')}")
    if rng.random() < 0.2:
        pairs.append("week=%ff%fe&day=%C0%AF&next=%0a")
    return path + "?" + "&".join(pairs)


def _body(rng: random.Random, fields: list[str], token: str | None) -> dict:
    """Form values that are junk, sometimes as raw bytes with invalid UTF-8 or an odd Content-Type."""
    values = {name: rng.choice(TEXTS + DAYS + IDS) for name in rng.sample(fields, rng.randint(0, min(12, len(fields))))}
    values = {name: value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") for name, value in values.items()}
    if token and rng.random() < 0.9:
        values["csrf_token"] = token
    content_type = rng.choice(CONTENT_TYPES) if rng.random() < 0.4 else None
    if rng.random() < 0.25 or content_type not in (None, "multipart/form-data"):
        raw = "&".join(f"{quote(k)}={quote(v)}" for k, v in values.items()).encode() + rng.choice(
            [b"", b"&x=%ff%fe\xff\xfe", b"\x00\x80", b"&=&&=="]
        )
        return {"data": raw, "content_type": content_type or "application/x-www-form-urlencoded"}
    return {"data": values, "content_type": content_type}


def requests(app: Flask, seed: int, extra: int, words: list[str]) -> list[Request]:
    """Every rule once per role and method, then ``extra`` random requests; the same list for the same seed."""
    rng = random.Random(seed)
    rules = [rule for rule in app.url_map.iter_rules()]
    plan = [
        (role, method, rule.rule)
        for rule in sorted(rules, key=lambda rule: rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
        for role in ROLES
    ]
    # Signing out would leave the rest of a role's requests anonymous.
    plan = [(role, method, rule) for role, method, rule in plan if rule != "/staff/sign-out" or role == "anonymous"]
    rules = [rule for rule in rules if rule.rule != "/staff/sign-out"]
    for _ in range(extra):
        rule = rng.choice(rules)
        plan.append((rng.choice(ROLES), rng.choice(sorted(rule.methods - {"OPTIONS"})), rule.rule))
    return [
        Request(role, method, _url(rng, rule, rng.random() < 0.7, words), {"headers": rng.choice(ODD_HEADERS)})
        for role, method, rule in plan
    ]


def prepare(app: Flask, client_class) -> Setup:
    """Load the demo municipality and sign a client in for each role.

    The clients check no markup: the fuzz requests mostly get error pages and
    form pages with errors, whose markup the ordinary tests check, and the
    Nu Html Checker would take most of the time budget.
    """
    from blueprints.auth.demo import DEMO_PASSWORD
    from blueprints.auth.models import User
    from extensions import db
    from tests.support.helpers import StaffLogin, sign_in

    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    accounts = {
        "professional": "sara.nystrom@famnen.example",
        "reception": "pia.holmstrom@famnen.example",
        "admin": "helena.lindqvist@famnen.example",
    }
    clients, tokens = {}, {}
    for role in ROLES:
        client = client_class(app, app.response_class, use_cookies=True)
        if role in accounts:
            with app.app_context():
                user = User.by_email(accounts[role])
                login = StaffLogin(user.id, user.email, DEMO_PASSWORD, None)
                db.session.remove()
            assert sign_in(client, app, login).status_code == 200
        clients[role] = client
        tokens[role] = client.csrf_token("/staff/" if role in accounts else "/")
    with app.app_context():
        setup = Setup(clients, tokens, known_words(), form_field_names())
        db.session.remove()
    return setup


def run(app: Flask, setup: Setup, plan: list[Request], seed: int) -> list[Failure]:
    """Send ``plan`` through the setup's clients and return every 5xx answer."""
    rng = random.Random(seed)
    errors: list[str] = []

    class Remember(logging.Handler):
        """Keeps the exception behind a 500 that the app's error handler logged."""

        def emit(self, record: logging.LogRecord) -> None:
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                errors.append(f"{type(error).__name__}: {error}"[:300])

    failures = []
    handler = Remember(logging.ERROR)
    app.logger.addHandler(handler)
    try:
        for request in plan:
            options = dict(request.options)
            if request.method == "POST":
                options.update(_body(rng, setup.fields, setup.tokens.get(request.role)))
            del errors[:]
            try:
                response = setup.clients[request.role].open(request.url, method=request.method, **options)
                status = response.status_code
            except Exception as error:  # noqa: BLE001 - a request that escapes the app is a failure too
                status, errors[:] = 500, [f"{type(error).__name__}: {error}"[:300]]
            if status >= 500:
                failures.append(
                    Failure(request.role, request.method, request.url, status, "; ".join(errors) or "(no exception)")
                )
    finally:
        app.logger.removeHandler(handler)
    return failures
