"""The audit log in the reader's words.

Entries are stored with fixed English codes ("view", "appointment:12",
"own appointments"), the same whatever language the staff member used, so the
log can be searched and compared over the years. These functions say them in
the language of the page, the export or the PDF being made.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.i18n import short_date

from .models import AuditEntry

ACTIONS = {
    "view": _l("Viewed"),
    "create": _l("Created"),
    "list": _l("Viewed in a list"),
    "update": _l("Changed"),
    "download": _l("Downloaded"),
    "denied": _l("Was refused access to"),
    "share": _l("Shared with a colleague"),
    "search": _l("Searched for"),
    "export": _l("Exported"),
    "erase": _l("Erased"),
    "acknowledge": _l("Acknowledged an urgent flag"),
    "review": _l("Marked as reviewed"),
    "enrol": _l("Enrolled in a programme"),
    "note": _l("Wrote a note"),
    "open week": _l("Opened the next week"),
    "pause": _l("Paused"),
    "resume": _l("Continued"),
    "extend": _l("Extended"),
    "end": _l("Ended"),
    "send link": _l("Sent the link again"),
    "book call": _l("Booked a call"),
    "change coach": _l("Changed the coach"),
    "send midway follow-up": _l("Sent the half-way follow-up"),
    "send final follow-up": _l("Sent the final follow-up"),
}
SUBJECTS = {
    "response": _l("questionnaire answers"),
    "child": _l("the child's case"),
    "visit": _l("questionnaire invitation"),
    "appointment": _l("appointment"),
    "agenda": _l("a professional's agenda"),
    "participants": _l("participant list of a group activity date"),
    "registration": _l("group activity registration"),
    "audit-log": _l("the audit log"),
    "data-request": _l("data request"),
    "chat": _l("chat conversation"),
    "chat-queue": _l("a chat channel's queue"),
    "thread": _l("message thread"),
    "enrolment": _l("programme and its answers"),
}
BASES = {
    "own appointments": _l("their own appointments"),
    "own invitations": _l("their own invitations"),
    "leads the activity": _l("leads the group activity"),
    "administrator": _l("administrator"),
    "reception at the family centre": _l("reception at the family centre"),
    "professional who opened the case": _l("professional who opened the case"),
    "no part in the child's case": _l("no part in the child's case"),
    "not their agenda or family centre": _l("neither their own agenda nor their family centre's"),
    "does not manage the activity": _l("does not manage the group activity"),
    "administration of the audit log": _l("administration of the audit log"),
    "data request": _l("answering a data request"),
    "answers the chat channel": _l("answers the chat channel"),
    "does not answer the chat channel": _l("does not answer the chat channel"),
    "written to them or their chat channel": _l("written to them or their chat channel"),
    "not written to them or their chat channel": _l("not written to them or their chat channel"),
    "the family's coach": _l("the family's coach"),
    "not the coach nor in the child's case": _l("neither the family's coach nor in the child's case"),
}
SHARED_CASE = re.compile(r"case shared by (?P<name>.+) on (?P<day>\d{4}-\d{2}-\d{2})")


def what_was_done(entry: AuditEntry) -> str:
    """E.g. "Viewed: appointment"; an unknown code is shown as it was stored."""
    kind = entry.subject.split(":", 1)[0]
    return f"{ACTIONS.get(entry.action, entry.action)}: {SUBJECTS.get(kind, entry.subject)}"


def on_what_basis(basis: str) -> str:
    """The stored basis of an entry in words; an unknown one is shown as it was stored."""
    if basis in BASES:
        return str(BASES[basis])
    shared = SHARED_CASE.fullmatch(basis)
    if shared:
        return _(
            "case shared by %(name)s on %(date)s",
            name=shared["name"],
            date=short_date(date.fromisoformat(shared["day"])),
        )
    return basis
