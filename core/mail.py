"""Outgoing email: SMTP in production, or files in ``instance/outbox`` for demos and development.

Messages are built here (plain text with an HTML alternative and attachments)
and sent after the database transaction that caused them has committed, so a
failing mail server never undoes a booking; failures are logged and reported
to the caller.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, has_request_context, url_for


class _MailPolicy(EmailPolicy):
    """``email.policy.default``, except that the subject is folded by ``email.header``.

    Python 3.11's folder sometimes writes the space before an encoded word twice
    (a Finnish subject in June read "1.  kesäkuuta" in mail clients) and sometimes
    moves the whole subject to a continuation line, which Python's own parser reads
    back with a leading space (CPython gh-124452). ``Header`` folds a subject that is
    not ASCII into encoded words only, whose folding white space decoders drop, and
    an ASCII one at its spaces; ``refold_source="none"`` writes that folding as it is.
    """

    def header_store_parse(self, name, value):
        """Fold a subject here, once; every other header as ``policy.default`` does."""
        if name.lower() == "subject" and isinstance(value, str):
            charset = "us-ascii" if value.isascii() else "utf-8"
            return name, Header(value, charset, header_name=name).encode()
        return super().header_store_parse(name, value)


MAIL_POLICY = _MailPolicy(refold_source="none")


@dataclass
class Attachment:
    """A file attached to an email."""

    filename: str
    content: bytes
    mimetype: str  # e.g. "text/calendar; method=REQUEST"


@dataclass(frozen=True)
class Notified:
    """How a notice reached a family: by email, by text message, both or neither."""

    emailed: bool
    texted: bool

    @property
    def reached(self) -> bool:
        """Whether the family got the notice some way."""
        return self.emailed or self.texted


@dataclass
class Email:
    """An email ready to send."""

    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)


def build_message(email: Email) -> EmailMessage:
    """Turn an ``Email`` into a MIME message with the configured sender."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="famnen")
    message.set_content(email.text)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    for attachment in email.attachments:
        maintype, _, rest = attachment.mimetype.partition("/")
        subtype, _, params = rest.partition(";")
        part_params = dict(p.strip().split("=", 1) for p in params.split(";") if "=" in p)
        if maintype == "text":
            # Text goes as UTF-8 with its charset named, so calendars show å, ä and ö.
            message.add_attachment(
                attachment.content.decode("utf-8"),
                subtype=subtype.strip(),
                charset="utf-8",
                filename=attachment.filename,
                params=part_params,
            )
        else:
            message.add_attachment(
                attachment.content,
                maintype=maintype,
                subtype=subtype.strip(),
                filename=attachment.filename,
                params=part_params,
            )
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    timeout = config["SMTP_TIMEOUT"]
    if config["SMTP_SSL"]:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=timeout)
    with connection:
        if config["SMTP_STARTTLS"]:
            connection.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            connection.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        connection.send_message(message)


def _write_outbox(message: EmailMessage) -> None:
    folder = Path(current_app.config["MAIL_OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    # Sortable names: the newest message is the last one listed.
    path = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(bytes(message))


def send(email: Email) -> bool:
    """Send one email; return False (and log why) when it could not be sent."""
    if not email.to:
        return False
    message = build_message(email)
    try:
        if current_app.config["MAIL_BACKEND"] == "outbox":
            _write_outbox(message)
        else:
            _send_smtp(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not send email %r", email.subject)
        return False
    return True


def external_url(endpoint: str, **values) -> str:
    """An absolute address for links in emails and feeds, based on ``BASE_URL``.

    Works in commands too (reminders), where there is no request to take the host from.
    """
    base = current_app.config["BASE_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context(base_url=base):
        return base + url_for(endpoint, **values)
