"""Fixtures of the activity tests: a family centre, and a coming date of a parent group held there."""

import pytest

from tests.support.activities_factories import make_activity, make_date
from tests.support.factories import make_centre


@pytest.fixture
def centre(db):
    """The family centre Konstfabriken."""
    return make_centre()


@pytest.fixture
def group(centre):
    """A coming date of a parent group at the centre, with 5 places and a waiting list."""
    return make_date(make_activity(centre.id, capacity=5))
