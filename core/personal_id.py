"""The Finnish personal identity code (henkilötunnus): checking, reading the birth date, masking.

A code is DDMMYY, a century sign, a three-digit individual number and a control character, for
example 131052-308T. Since 2023 the 1900s may also be signed Y, X, W, V or U and the 2000s B, C, D,
E or F besides '-' and 'A' (a change made by the Digital and Population Data Services Agency,
in force from the start of 2023). The control character is the nine digits read as one number, modulo 31, looked up in
``CONTROL_CHARACTERS``.

The code is client data of the most identifying kind: callers show it only through ``masked`` and
never put it in a URL, a log line, an audit entry or a file name.
"""

from dataclasses import dataclass
from datetime import date

CENTURIES = {
    "+": 1800,
    "-": 1900,
    "Y": 1900,
    "X": 1900,
    "W": 1900,
    "V": 1900,
    "U": 1900,
    "A": 2000,
    "B": 2000,
    "C": 2000,
    "D": 2000,
    "E": 2000,
    "F": 2000,
}
CONTROL_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


class InvalidPersonalId(ValueError):
    """The text is not a valid personal identity code; ``reason`` says which part is wrong."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PersonalId:
    """A checked personal identity code, in its canonical form (upper case, no spaces)."""

    code: str
    birth_date: date

    @property
    def temporary(self) -> bool:
        """Individual numbers 900–999 are temporary codes given by health care, not by the population register."""
        return int(self.code[7:10]) >= 900

    @property
    def masked(self) -> str:
        """The code as shown on pages and in PDFs: the birth date part, the rest hidden (131052-****)."""
        return self.code[:6] + "-****"

    def __repr__(self) -> str:
        # Never print the whole code in a traceback or a debugging log.
        return f"PersonalId({self.masked})"

    __str__ = __repr__


def parse_personal_id(text: str) -> PersonalId:
    """Check a personal identity code as typed (spaces and case forgiven) and return it.

    Raises ``InvalidPersonalId`` with reason "format", "date", "individual number" or "control
    character", so a form can say what is wrong without echoing the code.
    """
    code = "".join(text.split()).upper()
    if len(code) != 11 or not code[:6].isascii() or not code[:6].isdigit() or code[6] not in CENTURIES:
        raise InvalidPersonalId("format")
    individual = code[7:10]
    if not individual.isascii() or not individual.isdigit():
        raise InvalidPersonalId("format")
    try:
        birth_date = date(CENTURIES[code[6]] + int(code[4:6]), int(code[2:4]), int(code[0:2]))
    except ValueError:
        raise InvalidPersonalId("date") from None
    if int(individual) < 2:
        raise InvalidPersonalId("individual number")
    if code[10] != CONTROL_CHARACTERS[int(code[:6] + individual) % 31]:
        raise InvalidPersonalId("control character")
    return PersonalId(code=code, birth_date=birth_date)
