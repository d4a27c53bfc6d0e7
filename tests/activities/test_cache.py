"""The cached activities calendar and activity pages: changes show at once, and the clock closes registration on time.

Both pages are cached per process under the activities generation
(core.generations); changes here are made through a second app, as another
worker process or app server would make them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from blueprints.activities.calendar import ACTIVITIES
from blueprints.activities.models import ActivityDate
from blueprints.activities.registration import Guardian, Party, register
from core import generations, timeutil
from extensions import db as _db
from tests.support.activities_factories import make_activity, make_date
from tests.support.factories import make_centre
from tests.support.helpers import tables_read_by

PAGES = ("/activities/", "/activities/{activity}")


def page(client, path: str, group) -> str:
    return client.get(path.format(activity=group.activity_id)).get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_a_registration_made_by_another_server_shows_in_the_places_left(client, group, other_app, path):
    assert "5 platser kvar" in page(client, path, group)
    assert "5 platser kvar" in page(client, path, group)  # served from the cache
    with other_app.app_context():
        register(group.id, Party(2, 1), Guardian("Anna", "anna@example.com", "040 123", "sv"), timeutil.utcnow())
        _db.session.commit()  # as the registration view does
    assert "2 platser kvar" in page(client, path, group)


@pytest.mark.parametrize("path", PAGES)
def test_a_date_cancelled_by_another_server_shows_as_cancelled(client, group, other_app, path):
    assert "Inställt" not in page(client, path, group)
    with other_app.app_context():
        _db.session.get(ActivityDate, group.id).cancelled = True
        _db.session.commit()
    assert "Inställt" in page(client, path, group)


@pytest.mark.parametrize("path", PAGES)
def test_registration_closes_on_the_page_at_its_deadline(client, db, monkeypatch, path):
    activity = make_activity(make_centre().id, capacity=5, registration_closes_hours=24)
    group = make_date(activity, starts_in=timedelta(days=3))
    closes = group.starts_at - timedelta(hours=24)
    moment = {"now": closes - timedelta(minutes=1)}
    monkeypatch.setattr(timeutil, "clock", lambda: moment["now"])
    assert "5 platser kvar" in page(client, path, group)
    moment["now"] = closes
    shown = page(client, path, group)
    assert "Anmälan har stängt" in shown and "5 platser kvar" not in shown


@pytest.mark.parametrize("path", PAGES)
def test_every_table_the_activity_pages_read_raises_the_generation(app, client, group, path):
    read = tables_read_by(app, client, path.format(activity=group.activity_id))
    read.discard(generations.CacheGeneration.__tablename__)
    assert "activity_date" in read
    assert read <= generations.watched_tables(ACTIVITIES), read - generations.watched_tables(ACTIVITIES)


def test_a_registration_raises_the_activities_generation_and_not_the_availability_one(db, group):
    before = (generations.current(ACTIVITIES), generations.current("availability"))
    register(group.id, Party(1, 0), Guardian("Anna", "anna@example.com", "040 123", "sv"), timeutil.utcnow())
    db.session.commit()
    assert (generations.current(ACTIVITIES), generations.current("availability")) == (before[0] + 1, before[1])
