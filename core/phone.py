"""Phone numbers as families type them: checked in forms, stored in E.164, shown the way people write them.

Numbers are read with the ``phonenumbers`` library: a number without a country
code is Finnish (``040 123 4567``, ``040-1234567``, ``09 310 1691``), any other
country's number is written with ``+`` (``+46 70 123 45 67``). Stored numbers are
E.164 (``+358401234567``), which the text-message gateway and ``tel:`` links take
as they are; pages show them in the national form for Finnish numbers.
"""

from __future__ import annotations

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

HOME_REGION = "FI"
# Numbers that can receive text messages; phonenumbers cannot tell some countries' mobiles from landlines.
MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})
MAX_TYPED = 40


def parse_phone(value: str | None) -> phonenumbers.PhoneNumber | None:
    """The valid phone number ``value`` stands for, or None (also for an empty value)."""
    text = (value or "").strip()
    if not text or len(text) > MAX_TYPED:
        return None
    try:
        number = phonenumbers.parse(text, HOME_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def is_mobile(value: str | None) -> bool:
    """Whether ``value`` is a valid number that can receive text messages."""
    number = parse_phone(value)
    return number is not None and phonenumbers.number_type(number) in MOBILE_TYPES


def normalise_phone(value: str | None) -> str:
    """A phone number for storing: E.164 when it is a valid number, else tidied text (empty stays empty)."""
    number = parse_phone(value)
    if number is None:
        return " ".join((value or "").split())
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str | None) -> str:
    """A stored number as people write it: ``040 1234567`` for Finnish numbers, ``+46 70 123 45 67`` for others.

    Older rows stored as typed are shown as they are.
    """
    number = parse_phone(value)
    if number is None:
        return value or ""
    if phonenumbers.region_code_for_number(number) == HOME_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_number(form, field) -> None:
    """A form validator: a real phone number, Finnish as usually written or foreign with its country code."""
    if not (field.data or "").strip():
        return
    if parse_phone(field.data) is None:
        raise ValidationError(
            _l("Enter a phone number like 040 123 4567, or a foreign number with its country code: +46 70 123 4567.")
        )
