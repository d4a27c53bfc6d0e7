"""Chat tests run on a fixed Wednesday morning, when the channel is open."""

from __future__ import annotations

import pytest

from core import timeutil
from tests.support.chat import OPEN_MOMENT, make_channel


@pytest.fixture
def open_clock(monkeypatch):
    """The clock stands at ``OPEN_MOMENT``; tests move it with ``open_clock.at(moment)``."""

    class Clock:
        moment = OPEN_MOMENT

        def at(self, moment):
            self.moment = moment

    clock = Clock()
    monkeypatch.setattr(timeutil, "clock", lambda: clock.moment)
    return clock


@pytest.fixture
def channel(db, world, open_clock):
    """The child health clinic's chat, answered by the booking world's professional."""
    return make_channel([world.professional.id])
