"""No double bookings: twenty families press "book" for the same time at once, through gunicorn."""

import re
import threading

import pytest
from sqlalchemy import select

from blueprints.booking.models import Appointment
from tests.support.booking import FAMILY, SLOT
from tests.support.helpers import next_week
from tests.support.live import Browser, GunicornServer

PARENTS = 20


@pytest.fixture
def booking_server(database_url, tmp_path, world):  # the world exists before the workers start
    running = GunicornServer(database_url, tmp_path / "outbox", workers=4)
    yield running
    running.stop()


def press_book_at_once(booking_server, world, slots: list[str]) -> list[tuple[int, str, str]]:
    """Each parent opens the form for their slot, then all press "book" at the same moment."""
    details = f"/book/{world.service_slug}/details"
    parents = [Browser(booking_server.url) for _ in slots]
    tokens = [parent.token(f"{details}?slot={slot}") for parent, slot in zip(parents, slots, strict=True)]
    start = threading.Barrier(len(slots))
    results: list[tuple[int, str, str]] = []

    def press_book(index: int) -> None:
        name = f"Parent number {index}"
        start.wait()
        status, body = parents[index].post(
            details, {**FAMILY, "guardian_name": name, "slot": slots[index], "csrf_token": tokens[index]}
        )
        results.append((status, body, name))

    threads = [threading.Thread(target=press_book, args=(index,)) for index in range(len(slots))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_simultaneous_bookings_of_one_time_give_exactly_one_appointment(booking_server, db, world):
    slot = SLOT.findall(Browser(booking_server.url).get(next_week(f"/book/{world.service_slug}"))[1])[0]
    results = press_book_at_once(booking_server, world, [slot] * PARENTS)

    statuses = sorted(status for status, _, _ in results)
    assert statuses == [302] + [409] * (PARENTS - 1)
    for status, body, name in results:
        if status == 409:
            assert "Den tiden blev just bokad" in body
            assert f'value="{name}"' in body  # nothing the parent typed is lost
            assert re.search(r'type="radio" name="slot"', body)  # nearest free times offered
    db.session.rollback()  # see what the server's workers committed
    booked = db.session.scalars(select(Appointment)).all()
    assert len(booked) == 1
    winner = next(name for status, _, name in results if status == 302)
    assert booked[0].guardian_name == winner


def test_overlapping_times_booked_at_once_give_one_appointment(booking_server, db, world):
    """Different start times that overlap (9.00 and 9.15 for 45 minutes): the lock, not only the unique index."""
    first, second = SLOT.findall(Browser(booking_server.url).get(next_week(f"/book/{world.service_slug}"))[1])[:2]
    results = press_book_at_once(booking_server, world, [first, second] * 5)
    assert sorted(status for status, _, _ in results) == [302] + [409] * 9
    db.session.rollback()
    assert len(db.session.scalars(select(Appointment)).all()) == 1
