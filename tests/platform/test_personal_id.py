"""The Finnish personal identity code: valid codes of every century sign, each kind of mistake, masking."""

from datetime import date

import pytest

from core.personal_id import CENTURIES, CONTROL_CHARACTERS, InvalidPersonalId, parse_personal_id


@pytest.mark.parametrize(
    ("typed", "born"),
    [
        ("131052-308T", date(1952, 10, 13)),
        ("010594Y9032", date(1994, 5, 1)),  # 2023 century sign for the 1900s
        ("010594Y9021", date(1994, 5, 1)),
        ("020502E902X", date(2002, 5, 2)),  # 2023 century sign for the 2000s
        ("020502A902X", date(2002, 5, 2)),
        ("010100+101P", date(1800, 1, 1)),
        (" 131052-308t ", date(1952, 10, 13)),  # spaces and a lower-case letter as typed
    ],
)
def test_valid_codes_give_the_birth_date(typed, born):
    assert parse_personal_id(typed).birth_date == born


def test_every_century_sign_of_a_century_gives_the_same_person():
    # 131052-308T written with each 1900s sign is the same date and checks the same way.
    for sign, century in CENTURIES.items():
        if century == 1900:
            assert parse_personal_id(f"131052{sign}308T").birth_date == date(1952, 10, 13)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("131052-308U", "control character"),
        ("131052-309T", "control character"),
        ("010594Y9031", "control character"),
        ("300252-308T", "date"),  # 30 February
        ("131352-308T", "date"),
        ("131052G308T", "format"),  # not a century sign
        ("131052-30T", "format"),
        ("13105-2308T", "format"),
        ("131052-3O8T", "format"),  # a letter O for a zero
        ("１３１０５２-308T", "format"),  # full-width digits
        ("", "format"),
        ("131052-001T", "individual number"),
    ],
)
def test_invalid_codes_say_which_part_is_wrong(typed, reason):
    with pytest.raises(InvalidPersonalId) as refused:
        parse_personal_id(typed)
    assert refused.value.reason == reason
    # The reason never repeats the code.
    assert typed.strip() not in str(refused.value) or not typed.strip()


def test_the_code_is_masked_wherever_it_is_printed():
    checked = parse_personal_id("131052-308T")
    assert checked.masked == "131052-****"
    assert "308T" not in repr(checked) and "308T" not in str(checked) and "308T" not in f"{checked}"
    assert checked.code == "131052-308T"


def test_temporary_codes_are_recognised():
    # Individual numbers 900-999 are temporary codes; compute a valid one.
    control = CONTROL_CHARACTERS[int("131052" + "901") % 31]
    assert parse_personal_id(f"131052-901{control}").temporary
    assert not parse_personal_id("131052-308T").temporary
