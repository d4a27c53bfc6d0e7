"""Finnish public holidays, including the moving ones."""

from datetime import date

import pytest

from core.holidays import easter_sunday, finnish_holidays, is_holiday


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter(year, easter):
    assert easter_sunday(year) == easter


def test_the_moving_holidays_of_2026():
    holidays = finnish_holidays(2026)
    assert holidays[date(2026, 4, 3)] == "Good Friday"
    assert holidays[date(2026, 4, 6)] == "Easter Monday"
    assert holidays[date(2026, 5, 14)] == "Ascension Day"
    assert holidays[date(2026, 6, 19)] == "Midsummer Eve"
    assert holidays[date(2026, 6, 20)] == "Midsummer Day"
    assert holidays[date(2026, 10, 31)] == "All Saints' Day"
    assert len(holidays) == 15


def test_midsummer_and_all_saints_move_with_the_weekday():
    assert is_holiday(date(2027, 6, 25)) and is_holiday(date(2027, 6, 26))  # Friday and Saturday
    assert is_holiday(date(2027, 11, 6))  # the Saturday between 31.10 and 6.11
    assert not is_holiday(date(2027, 10, 31))


def test_fixed_holidays_and_ordinary_days():
    for day in (
        date(2026, 12, 6),
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2027, 1, 1),
        date(2027, 1, 6),
        date(2027, 5, 1),
    ):
        assert is_holiday(day)
    assert not is_holiday(date(2026, 12, 3))
