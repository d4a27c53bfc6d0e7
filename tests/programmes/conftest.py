"""Fixtures of the programme tests: a fixed clock, the shipped programmes imported, a family enrolled."""

from datetime import UTC, datetime, timedelta

import pytest

from blueprints.auth.models import User
from blueprints.programmes import enrolments
from blueprints.programmes.demo import import_shipped_programmes
from blueprints.programmes.store import load_latest
from blueprints.questionnaires.models import Child
from core import timeutil

# A Wednesday morning in winter; weeks later cross no daylight saving change that matters (times are UTC).
START = datetime(2026, 1, 14, 8, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.moment = START

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """The app's clock stands at START until the test moves it."""
    fixed = Clock()
    monkeypatch.setattr(timeutil, "clock", lambda: fixed.moment)
    return fixed


@pytest.fixture
def programmes(db, family_centre):
    """The shipped programmes imported."""
    import_shipped_programmes()
    return load_latest("everyday_routines")


@pytest.fixture
def enrolment(db, family_centre, programmes, clock):
    """Elsa's family enrolled in everyday_routines with the coach, in Finnish, now."""
    child = db.session.get(Child, family_centre["child_id"])
    coach = db.session.get(User, family_centre["coach"].id)
    nurse = db.session.get(User, family_centre["nurse"].id)
    found = enrolments.enrol(
        child,
        coach,
        programmes,
        language="fi",
        email="perhe@example.com",
        phone="",
        enrolled_by=nurse,
        now=clock.moment,
    )
    db.session.commit()
    return found
