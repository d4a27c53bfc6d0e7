"""Phone numbers as families type them: checked in forms, tidied for storing."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]{5,25}$")


def normalise_phone(value: str) -> str:
    """Tidy a phone number for storing: single spaces, no other changes."""
    return " ".join(value.split())


def phone_number(form, field) -> None:
    """A phone number with 7 to 15 digits, written the usual ways (+358 40 123 4567, 040-1234567)."""
    if not field.data:
        return
    digits = re.sub(r"\D", "", field.data)
    if not PHONE_CHARACTERS.match(field.data.strip()) or not 7 <= len(digits) <= 15:
        raise ValidationError(_l("Enter a phone number like 040 123 4567 or +358 40 123 4567."))
