"""Benchmark: free-time computation and the free-times page under a realistic load.

Seeds 30 professionals at 2 centres over 90 days with about half of their
times booked, then measures (median of repeated runs, after warm-up):

- the free-time computation for one service over two weeks (database loads included);
- the rendered free-times page through Flask's test client;
- how the computation's cost grows with the share of times booked.

Run: ``.venv/bin/python bench/booking.py`` (about a minute). Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import delete, insert  # noqa: E402

from app import create_app  # noqa: E402
from blueprints.auth.models import StaffRole, User  # noqa: E402
from blueprints.booking.models import Appointment, ProfessionalProfile, WorkingHours  # noqa: E402
from blueprints.booking.time_search import SlotQuery, find_slots  # noqa: E402
from blueprints.organisation.models import Centre, Service, service_professional  # noqa: E402
from core.timeutil import local_to_utc, monday_of, to_local, utcnow  # noqa: E402
from core.tokens import new_reference  # noqa: E402
from extensions import db  # noqa: E402

PROFESSIONALS = 30
DAYS = 90
RUNS = 40


def median_ms(action, runs: int = RUNS) -> tuple[float, float]:
    """Median and 95th percentile of ``action``'s wall time in milliseconds, after two warm-up runs."""
    for _ in range(2):
        action()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def seed(booked_share: float) -> tuple[Service, int]:
    """Centres, professionals, a service and appointments on every ``1/booked_share``-th hour."""
    centres = [Centre(slug=f"c{i}", name_sv=f"Centre {i}", name_fi=f"Keskus {i}") for i in range(2)]
    db.session.add_all(centres)
    users = [
        User(email=f"p{i}@bench.example", name=f"Professional {i:02d}", password_hash="x") for i in range(PROFESSIONALS)
    ]
    db.session.add_all(users)
    db.session.flush()
    for index, user in enumerate(users):
        db.session.add(StaffRole(user_id=user.id, role="professional"))
        db.session.add(ProfessionalProfile(user_id=user.id, languages="sv fi"))
        for weekday in range(5):
            # Each professional works at both centres, on alternating days.
            centre = centres[(weekday + index) % 2]
            db.session.add(
                WorkingHours(
                    user_id=user.id, centre_id=centre.id, weekday=weekday, start_time=clock(8), end_time=clock(16)
                )
            )
    service = Service(
        slug="bench",
        name_sv="Bench",
        name_fi="Bench",
        duration_minutes=45,
        buffer_after_minutes=15,
        slot_interval_minutes=15,
        min_notice_hours=0,
        max_days_ahead=DAYS,
    )
    db.session.add(service)
    db.session.flush()
    db.session.execute(insert(service_professional), [{"service_id": service.id, "user_id": u.id} for u in users])
    count = _book(service, users, centres, booked_share)
    db.session.commit()
    return service, count


def _book(service: Service, users: list[User], centres: list[Centre], booked_share: float) -> int:
    today = to_local(utcnow()).date()
    rows = []
    hours_per_day = 8
    for index, user in enumerate(users):
        for offset in range(DAYS):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for hour in range(hours_per_day):
                if (hour + offset + index) % hours_per_day >= round(hours_per_day * booked_share):
                    continue
                start = local_to_utc(day, clock(8 + hour))
                rows.append(
                    dict(
                        service_id=service.id,
                        professional_id=user.id,
                        centre_id=centres[(day.weekday() + index) % 2].id,
                        mode="in_person",
                        starts_at=start,
                        ends_at=start + timedelta(minutes=45),
                        buffer_after_minutes=15,
                        guardian_name="Bench",
                        language="sv",
                        reference=new_reference(),
                        status="booked",
                    )
                )
    if rows:
        db.session.execute(insert(Appointment), rows)
    return len(rows)


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="famnen-bench-"))
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "bench-" + "x" * 40,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "MAIL_BACKEND": "outbox",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        }
    )
    with app.app_context():
        upgrade()
        service, count = seed(0.5)
        week = monday_of(to_local(utcnow()).date()) + timedelta(days=7)
        query = SlotQuery(service, "in_person")

        def compute():
            db.session.expire_all()
            return find_slots(query, week, week + timedelta(days=13), utcnow())

        slots = len(compute())
        compute_median, compute_p95 = median_ms(compute)
        client = app.test_client()
        page_url = f"/book/{service.slug}?week={week.isoformat()}"
        assert client.get(page_url).status_code == 200
        page_median, page_p95 = median_ms(lambda: client.get(page_url))

        print(
            f"seeded {PROFESSIONALS} professionals x 2 centres x {DAYS} days, {count} appointments (half the hours "
            f"booked)"
        )
        print(
            f"free-time computation, one service, two weeks: median {compute_median:.1f} ms, p95 {compute_p95:.1f} ms "
            f"({slots} free times)"
        )
        print(f"free-times page (one week) through the test client: median {page_median:.1f} ms, p95 {page_p95:.1f} ms")

        print("growth with bookings (computation, two weeks):")
        for share in (0.0, 0.25, 0.5, 0.75):
            db.session.execute(delete(Appointment))
            db.session.commit()
            users = list(db.session.scalars(db.select(User)))
            centres = list(db.session.scalars(db.select(Centre).order_by(Centre.id)))
            booked = _book(service, users, centres, share)
            db.session.commit()
            median, _ = median_ms(compute, runs=20)
            print(f"  {share:>4.0%} booked ({booked:>5} appointments in 90 days): median {median:.1f} ms")


if __name__ == "__main__":
    main()
