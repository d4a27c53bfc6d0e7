"""Places are never given twice: families register and cancel at the same moment, through gunicorn's workers."""

import re

import pytest
from sqlalchemy import select

from blueprints.activities.models import Registration, RegistrationStatus
from blueprints.activities.registration import manage_token
from tests.support.activities_factories import FAMILY_FORM, make_activity, make_date, make_registration
from tests.support.live import Browser, GunicornServer, at_once

PARENTS = 30
POSITION = re.compile(r"Du är nummer (\d+) på reservlistan\.")


@pytest.fixture
def last_five_places(db):
    """A date with 12 places of which 7 are taken: five are left."""
    activity_date = make_date(make_activity(capacity=12))
    for number, (adults, children) in enumerate([(2, 1), (2, 2)]):
        make_registration(activity_date, adults, children, f"Early {number}")
    return activity_date


@pytest.fixture
def full_with_queue(db):
    """A full date (5 single parents) with five more waiting."""
    activity_date = make_date(make_activity(capacity=5))
    for number in range(10):
        make_registration(activity_date, 1, 0, f"Parent {number}")
    return activity_date


def serve(database_url, tmp_path):
    return GunicornServer(database_url, tmp_path / "outbox", workers=4)


def rows(db, activity_date) -> list[Registration]:
    db.session.rollback()  # see what the server's workers committed
    return list(
        db.session.scalars(
            select(Registration).where(Registration.date_id == activity_date.id).order_by(Registration.arrival)
        )
    )


def test_thirty_families_registering_for_the_last_five_places_at_once(last_five_places, database_url, tmp_path, db):
    server = serve(database_url, tmp_path)
    try:
        page = f"/activities/dates/{last_five_places.id}"
        parents = [Browser(server.url) for _ in range(PARENTS)]
        tokens = [parent.token(page) for parent in parents]

        def press_register(index: int) -> tuple[int, str]:
            form = {
                **FAMILY_FORM,
                "guardian_name": f"Parent {index}",
                "guardian_email": f"parent{index}@example.com",
                "adults": "1",
                "children": "0",
            }
            return parents[index].post(page, {**form, "csrf_token": tokens[index]})

        results = at_once(PARENTS, press_register)
        assert [status for status, _ in results] == [302] * PARENTS
        registrations = rows(db, last_five_places)
        # Each family opens its own page: those in the queue see their position.
        shown = {}
        for index, parent in enumerate(parents):
            row = next(row for row in registrations if row.guardian_name == f"Parent {index}")
            status, body = parent.get(f"/activities/registration/{manage_token(row)}")
            assert status == 200
            position = POSITION.search(body)
            shown[row.arrival] = int(position.group(1)) if position else None
    finally:
        server.stop()
    new = [row for row in registrations if row.guardian_name.startswith("Parent ")]
    assert len(new) == PARENTS
    assert [row.arrival for row in registrations] == list(range(1, PARENTS + 3))  # no arrival lost or repeated
    confirmed = [row for row in new if row.status == RegistrationStatus.CONFIRMED]
    waiting = [row for row in new if row.status == RegistrationStatus.WAITING]
    assert len(confirmed) == 5 and len(waiting) == PARENTS - 5
    # The first five to get the lock have the places; the rest queue in the order they got it.
    assert [row.arrival for row in confirmed] == [3, 4, 5, 6, 7]
    assert [shown[row.arrival] for row in confirmed] == [None] * 5
    assert [shown[row.arrival] for row in waiting] == list(range(1, PARENTS - 4))
    assert sorted(new, key=lambda row: row.created_at) == new  # commit order is arrival order
    assert sum(row.people for row in registrations if row.status == RegistrationStatus.CONFIRMED) == 12


@pytest.mark.parametrize("leaving_count", [2, 5])
def test_simultaneous_cancellations_promote_exactly_one_family_per_freed_place(
    full_with_queue, database_url, tmp_path, db, leaving_count
):
    before = rows(db, full_with_queue)
    leaving = [manage_token(row) for row in before[:leaving_count]]
    server = serve(database_url, tmp_path)
    try:
        # The families cancel at the same moment, and each presses the button twice.
        browsers = [Browser(server.url) for _ in range(2 * leaving_count)]
        paths = [f"/activities/registration/{leaving[index % leaving_count]}" for index in range(len(browsers))]
        tokens = [browser.token(path) for browser, path in zip(browsers, paths, strict=True)]

        def press_cancel(index: int) -> tuple[int, str]:
            return browsers[index].post(paths[index] + "/cancel", {"csrf_token": tokens[index]})

        results = at_once(len(browsers), press_cancel)
        assert [status for status, _ in results] == [302] * len(browsers)
        after = rows(db, full_with_queue)
    finally:
        server.stop()
    expected = ["cancelled"] * leaving_count + ["confirmed"] * 5 + ["waiting"] * (5 - leaving_count)
    assert [row.status.value for row in after] == expected
    assert [row.guardian_name for row in after] == [f"Parent {n}" for n in range(10)]
    assert sum(1 for row in after if row.promoted_at is not None) == leaving_count
