"""Outgoing email: what a family's mail client shows is exactly what Famnen wrote."""

import email
import re
from email import policy
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from core import mail

SUBJECTS = [
    # Long and not ASCII: folded into encoded words (June once read "1.  kesäkuuta", with two spaces).
    "Ilmoittautuminen vahvistettu: Perhekahvila, maanantai 1. kesäkuuta 2026 9.00",
    "Ilmoittautumisesi on peruttu: Vauvaperheiden kahvila ja leikkipuisto, keskiviikko 1. heinäkuuta 2026 14.30",
    # ASCII, 76 characters: once moved whole to a continuation line and read back with a leading space.
    "Ilmoittautuminen vahvistettu: Perhekahvila, torstai 1. tammikuuta 2026 9.00",
    "Anmälan bekräftad: Familjecafé, lördag 31 oktober 2026 23.45",
    "Kort ämne",
]


def as_a_mail_client_reads_it(raw: bytes) -> str:
    """The subject after RFC 5322 unfolding and RFC 2047 decoding, without Python's email parser."""
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("ascii")
    unfolded = re.sub(r"\n(?=[ \t])", "", head)
    [value] = [line.split(":", 1)[1] for line in unfolded.split("\n") if line.lower().startswith("subject:")]
    return str(make_header(decode_header(value.strip())))


@pytest.mark.parametrize("subject", SUBJECTS)
def test_a_long_subject_reaches_the_family_exactly_as_written(db, mailbox, subject):
    assert mail.send(mail.Email(to="anna@example.com", subject=subject, text="Hei", html="<p>Hei</p>"))
    [message] = mailbox.to("anna@example.com")
    assert message["Subject"] == subject


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_outbox_copy_keeps_the_subject_and_every_line_fits(app, db, subject):
    assert mail.send(mail.Email(to="anna@example.com", subject=subject, text="Hei"))
    [path] = Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")
    raw = path.read_bytes()
    assert email.message_from_bytes(raw, policy=policy.default)["Subject"] == subject
    assert as_a_mail_client_reads_it(raw) == subject
    assert max(len(line) for line in raw.split(b"\n")) <= 78
