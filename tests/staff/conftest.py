"""Fixtures of the staff start page tests: the clock stands still on one working morning."""

import pytest

from core import timeutil
from tests.support.today import MORNING


@pytest.fixture(autouse=True)
def morning(monkeypatch):
    """The clock stands at 9.00 on DAY in Helsinki, from before anyone signs in."""
    monkeypatch.setattr(timeutil, "clock", lambda: MORNING)
    return MORNING
