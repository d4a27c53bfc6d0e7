"""Fixtures shared by the questionnaire tests."""

import pytest

from blueprints.auth.models import User


@pytest.fixture
def nurse(db, family_centre):
    """The ``family_centre`` nurse as a user of this test's session."""
    return db.session.get(User, family_centre["nurse"].id)
