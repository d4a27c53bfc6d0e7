"""Outgoing text messages (SMS): an HTTP gateway in production, or files in ``instance/sms-outbox``.

``send_sms(recipient, text, purpose)`` is the one entry point. It refuses a
recipient that is not an E.164 mobile number and a text longer than
``SMS_MAX_SEGMENTS`` segments (``SmsRefused``) before anything is sent, then
hands the message to the backend chosen by ``SMS_BACKEND``:

- ``outbox``: one readable ``.txt`` file per message in ``SMS_OUTBOX_DIR``, for
  demos and development (refused in production, like the mail outbox);
- ``http``: a request to the operator's HTTP gateway, built from the
  ``SMS_HTTP_*`` settings (URL, method, form fields or a JSON template with
  placeholders, no/basic/bearer authentication, extra headers), with a timeout
  and a bounded number of attempts with exponential backoff;
- ``disabled``: nothing is sent and nothing is recorded (``send_sms`` returns None).

Every message sent or attempted leaves an ``SmsMessage`` record: recipient,
purpose, status, attempts, error and the gateway's message id. The record never
holds the text: texts to families are kept free of anything sensitive, and the
record then carries no client content at all. ``send_sms`` flushes the record;
the caller commits. Call it after committing the change that caused the message
(as with email), so a slow gateway never holds the database's write lock and a
failing one never undoes a booking.

Retrying: a failed connection (nothing reached the gateway) and an HTTP 5xx
answer are tried again, after ``SMS_HTTP_BACKOFF_SECONDS``, then twice that, …,
up to ``SMS_HTTP_ATTEMPTS`` attempts in all. A 4xx answer (the gateway refused
the request as it is) is not, nor a 2xx answer without ``SMS_HTTP_SUCCESS_TEXT``
when that is set, and neither is a request sent but not answered in
``SMS_HTTP_TIMEOUT`` seconds: the gateway may have taken that message, and a
family should not get the same text twice.
"""

from __future__ import annotations

import base64
import json
import re
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from http.client import HTTPException
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, quote_plus, urlencode
from urllib.request import Request, urlopen

import phonenumbers
from flask import current_app
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.database import UTCDateTime
from core.phone import MOBILE_TYPES
from core.timeutil import utcnow
from extensions import db

SENT, FAILED = "sent", "failed"
# A purpose is a code word ("confirmation"), never free text that could carry client data.
PURPOSE = re.compile(r"[a-z][a-z0-9_-]{0,39}")
# Placeholders in SMS_HTTP_FIELDS; other braces are left as they are.
PLACEHOLDER = re.compile(r"\{(recipient|recipient_digits|sender|text)\}")
# How much of a gateway's answer is read (for a message id) and kept in an error.
MAX_ANSWER_BYTES = 64 * 1024
ERROR_EXCERPT = 200

# GSM 03.38: the default alphabet (one septet) and its extension table (two septets).
# Finnish and Swedish fit it (å, ä, ö, Å, Ä, Ö are in it); anything else makes the text UCS-2.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("\f^{}\\[~]|€")
# (units in a lone message, units per segment of a longer one): 7-bit septets or UTF-16 code units.
GSM_LIMITS = (160, 153)
UCS2_LIMITS = (70, 67)

# The sleep between attempts; tests replace it to see the backoff without waiting for it.
_sleep = time.sleep


class SmsRefused(ValueError):
    """A message that will not be sent as it is: the text says why and what to change."""


class InvalidRecipient(SmsRefused):
    """The recipient is not a mobile number written in E.164 (``+358401234567``)."""


class TextTooLong(SmsRefused):
    """The text is empty or needs more than ``SMS_MAX_SEGMENTS`` segments."""


class SmsMessage(db.Model):
    """One text message sent or attempted: who to, why and what became of it, never its text."""

    __tablename__ = "sms_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164: a plus and at most 15 digits.
    recipient: Mapped[str] = mapped_column(String(16))
    # A code word such as "confirmation" or "reminder" (see PURPOSE).
    purpose: Mapped[str] = mapped_column(String(40))
    # "outbox" or "http": which backend handled it.
    backend: Mapped[str] = mapped_column(String(10))
    # "sent" (the gateway took it, or the outbox file was written) or "failed".
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer)
    # Why the last attempt failed; the text and the recipient are blanked out of the gateway's answer.
    error: Mapped[str | None] = mapped_column(String(500))
    # The gateway's id for the message, if it answered with one; the file name for the outbox.
    gateway_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@dataclass
class Delivery:
    """What a backend made of one message."""

    sent: bool
    attempts: int
    error: str | None = None
    gateway_id: str | None = None


def sms_enabled() -> bool:
    """Whether text messages go anywhere (``SMS_BACKEND`` is not ``disabled``): forms offer SMS only then."""
    return current_app.config["SMS_BACKEND"] != "disabled"


def check_recipient(recipient: str) -> str:
    """Return ``recipient`` if it is a mobile number in E.164 form; raise ``InvalidRecipient`` otherwise."""
    try:
        number = phonenumbers.parse(recipient, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != recipient:
        raise InvalidRecipient(f"{recipient!r} is not a phone number in E.164 form, such as +358401234567.")
    if not phonenumbers.is_valid_number(number):
        raise InvalidRecipient(f"{recipient} is not a valid phone number.")
    if phonenumbers.number_type(number) not in MOBILE_TYPES:
        raise InvalidRecipient(f"{recipient} is not a mobile number and cannot receive text messages.")
    return recipient


def _is_gsm(text: str) -> bool:
    return all(character in GSM_BASIC or character in GSM_EXTENDED for character in text)


def _units(text: str, gsm: bool) -> list[int]:
    """The size of each character: septets in GSM 7-bit, UTF-16 code units in UCS-2."""
    if gsm:
        return [2 if character in GSM_EXTENDED else 1 for character in text]
    return [2 if ord(character) > 0xFFFF else 1 for character in text]


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes (0 for an empty text).

    A text in the GSM 7-bit alphabet fits 160 septets in one message, 153 per
    segment when it is split; any other character makes it UCS-2, 70 and 67
    code units. A character of two units is never split between segments.
    """
    gsm = _is_gsm(text)
    single, per_segment = GSM_LIMITS if gsm else UCS2_LIMITS
    units = _units(text, gsm)
    if sum(units) <= single:
        return 1 if text else 0
    count, used = 1, 0
    for size in units:
        if used + size > per_segment:
            count, used = count + 1, 0
        used += size
    return count


def check_text(text: str) -> str:
    """Return ``text`` if it fits ``SMS_MAX_SEGMENTS`` segments; raise ``TextTooLong`` otherwise."""
    limit = int(current_app.config["SMS_MAX_SEGMENTS"])
    needed = segments(text)
    if needed == 0:
        raise TextTooLong("The text message is empty.")
    if needed > limit:
        alphabet = "GSM 7-bit" if _is_gsm(text) else "UCS-2, because of a character outside the GSM alphabet"
        raise TextTooLong(
            f"The text message needs {needed} SMS segments ({len(text)} characters, {alphabet}); "
            f"at most {limit} are allowed (SMS_MAX_SEGMENTS)."
        )
    return text


def fill_placeholders(template: Any, values: dict[str, str]) -> Any:
    """Copy ``template`` (a JSON-like value) with ``{recipient}``, ``{sender}``… replaced in every string.

    Keys stay as they are. Replacing inside the parsed structure, not in JSON
    text, keeps any text valid JSON whatever quotes or braces it holds.
    """
    if isinstance(template, str):
        return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)
    if isinstance(template, dict):
        return {key: fill_placeholders(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [fill_placeholders(value, values) for value in template]
    return template


def build_request(recipient: str, text: str) -> Request:
    """The HTTP request the ``SMS_HTTP_*`` settings describe for one message."""
    config = current_app.config
    # str(): an environment value that looks like a number (a sender number, a token) is read as JSON.
    values = {
        "recipient": recipient,
        "recipient_digits": recipient.removeprefix("+"),
        "sender": str(config["SMS_SENDER"]),
        "text": text,
    }
    fields = fill_placeholders(config["SMS_HTTP_FIELDS"], values)
    headers = {"User-Agent": "Famnen", "Accept": "application/json, text/plain;q=0.9, */*;q=0.5"}
    url, data = config["SMS_HTTP_URL"], None
    if config["SMS_HTTP_METHOD"] == "GET":
        url += ("&" if "?" in url else "?") + urlencode(fields)
    elif config["SMS_HTTP_BODY"] == "json":
        data = json.dumps(fields, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    else:
        data = urlencode(fields).encode("ascii")
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if config["SMS_HTTP_AUTH"] == "basic":
        pair = f"{config['SMS_HTTP_USERNAME']}:{config['SMS_HTTP_PASSWORD']}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    elif config["SMS_HTTP_AUTH"] == "bearer":
        headers["Authorization"] = f"Bearer {config['SMS_HTTP_TOKEN']}"
    headers.update({name: str(value) for name, value in config["SMS_HTTP_HEADERS"].items()})
    return Request(url, data=data, headers=headers, method=config["SMS_HTTP_METHOD"])


def _gateway_id(answer: bytes) -> str | None:
    """The message id at ``SMS_HTTP_ID_FIELD`` (a dotted path such as ``messages.0.id``) in a JSON answer."""
    path = current_app.config["SMS_HTTP_ID_FIELD"]
    if not path:
        return None
    try:
        value: Any = json.loads(answer)
    except ValueError:
        return None
    for step in path.split("."):
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return None if value is None or isinstance(value, (dict, list)) else str(value)[:200]


def _as_sent(values: tuple[str, ...]) -> tuple[str, ...]:
    """``values`` as a gateway may echo them: as they are, URL-encoded and JSON-escaped, longest first."""
    forms = set()
    for value in values:
        forms.update(
            {
                value,
                quote_plus(value),
                quote(value),
                json.dumps(value)[1:-1],
                json.dumps(value, ensure_ascii=False)[1:-1],
            }
        )
    # Very short strings would blank out half the answer; a text that short says nothing anyway.
    return tuple(sorted((form for form in forms if len(form) >= 4), key=len, reverse=True))


def _excerpt(answer: bytes, hidden: tuple[str, ...]) -> str:
    """The start of a gateway's answer for the record, with the text and the number blanked out."""
    excerpt = answer.decode("utf-8", errors="replace")
    for secret in hidden:
        excerpt = excerpt.replace(secret, "…")
    return " ".join(excerpt.split())[:ERROR_EXCERPT]


def _attempt(request: Request, timeout: float, hidden: tuple[str, ...]) -> tuple[Delivery, bool]:
    """Send the request once: (what happened, whether trying again could help)."""
    try:
        with urlopen(request, timeout=timeout) as response:
            answer = response.read(MAX_ANSWER_BYTES)
    except HTTPError as error:
        excerpt = _excerpt(error.read(MAX_ANSWER_BYTES), hidden)
        message = f"HTTP {error.code} {error.reason}" + (f": {excerpt}" if excerpt else "")
        return Delivery(False, 1, error=message), error.code >= 500
    except URLError as error:
        # The request did not reach the gateway: safe to try again, except against a bad certificate.
        return Delivery(False, 1, error=f"Could not reach the gateway: {error.reason}"), not isinstance(
            error.reason, ssl.SSLError
        )
    except TimeoutError:
        return Delivery(False, 1, error=f"The gateway did not answer within {timeout:g} s."), False
    except (OSError, HTTPException) as error:
        return Delivery(False, 1, error=f"The connection broke before the gateway answered: {error}"), False
    # Some gateways answer 200 to everything and say in the body whether they took the message.
    expected = current_app.config["SMS_HTTP_SUCCESS_TEXT"]
    if expected and expected not in answer.decode("utf-8", errors="replace"):
        excerpt = _excerpt(answer, hidden)
        return Delivery(False, 1, error=f"The gateway's answer does not contain {expected!r}: {excerpt}"), False
    return Delivery(True, 1, gateway_id=_gateway_id(answer)), False


def _send_http(recipient: str, text: str) -> Delivery:
    config = current_app.config
    request = build_request(recipient, text)
    hidden = _as_sent((text, recipient, recipient.removeprefix("+")))
    attempts = max(1, int(config["SMS_HTTP_ATTEMPTS"]))
    backoff = float(config["SMS_HTTP_BACKOFF_SECONDS"])
    for attempt in range(1, attempts + 1):
        delivery, retry = _attempt(request, float(config["SMS_HTTP_TIMEOUT"]), hidden)
        delivery.attempts = attempt
        if delivery.sent or not retry or attempt == attempts:
            return delivery
        _sleep(backoff * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns


def _write_outbox(recipient: str, text: str, purpose: str, now: datetime) -> Delivery:
    folder = Path(current_app.config["SMS_OUTBOX_DIR"])
    # Sortable names: the newest message is the last one listed.
    name = f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.txt"
    alphabet = "GSM 7-bit" if _is_gsm(text) else "UCS-2"
    head = (
        f"To: {recipient}\nFrom: {current_app.config['SMS_SENDER']}\nPurpose: {purpose}\n"
        f"Date: {now.isoformat()}\nSegments: {segments(text)} ({alphabet})\n\n"
    )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(head + text + "\n", encoding="utf-8")
    except OSError as error:
        return Delivery(False, 1, error=f"Could not write to the outbox {folder}: {error.strerror}")
    return Delivery(True, 1, gateway_id=name)


def send_sms(recipient: str, text: str, purpose: str) -> SmsMessage | None:
    """Send one text message and record what became of it; the caller commits the record.

    ``recipient`` is an E.164 mobile number, ``text`` at most ``SMS_MAX_SEGMENTS``
    segments and free of anything sensitive, ``purpose`` a code word such as
    ``"confirmation"``. Raises ``SmsRefused`` (nothing sent, nothing recorded)
    when the recipient or the text will not do. Returns the ``SmsMessage``
    record (``status`` "sent" or "failed"), or None when ``SMS_BACKEND`` is
    ``disabled``. A failure is logged by record id, without number or text.
    """
    if not PURPOSE.fullmatch(purpose):
        raise ValueError(f"An SMS purpose is a short code word such as 'confirmation', not {purpose!r}.")
    check_recipient(recipient)
    check_text(text)
    backend = current_app.config["SMS_BACKEND"]
    if backend == "disabled":
        return None
    created_at = utcnow()
    # The message goes before the record is written, so no database transaction waits on the gateway.
    if backend == "outbox":
        delivery = _write_outbox(recipient, text, purpose, created_at)
    else:
        delivery = _send_http(recipient, text)
    record = SmsMessage(
        recipient=recipient,
        purpose=purpose,
        backend=backend,
        status=SENT if delivery.sent else FAILED,
        attempts=delivery.attempts,
        error=delivery.error[:500] if delivery.error else None,
        gateway_id=delivery.gateway_id,
        created_at=created_at,
        sent_at=utcnow() if delivery.sent else None,
    )
    db.session.add(record)
    db.session.flush()
    if not delivery.sent:
        current_app.logger.warning(
            "Text message %s (%s) failed after %s attempt(s): %s", record.id, purpose, delivery.attempts, delivery.error
        )
    return record


def send_family_text(recipient: str, text: str, purpose: str) -> bool:
    """Send a family a text message as ``send_sms`` does; True when it went. Call after the commit, then commit
    the record.

    A number that cannot take text messages (an old row typed before numbers were checked) is
    logged and counts as not sent, like a gateway's failure: the family still has the email.
    """
    try:
        record = send_sms(recipient, text, purpose)
    except SmsRefused:
        current_app.logger.warning("A text message (%s) was refused before sending: the number or text", purpose)
        return False
    return record is not None and record.status == SENT
