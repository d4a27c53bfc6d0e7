"""What the family's and the professional's thread pages share: refusals and promises in words."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

REFUSALS = {
    "too_many": _l("You have sent many messages in a short time. Please wait for our answer, or call us."),
    "too_many_threads": _l("Many messages have been started from this network lately. Please try again in an hour."),
}


def answer_promise(days: int) -> str:
    """The answer time a family is promised, in words (weekends and public holidays do not count)."""
    return ngettext("We answer within %(num)d working day.", "We answer within %(num)d working days.", days)
