"""Small factories for booking tests: a centre, a service and a professional who works there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from blueprints.booking.models import ProfessionalProfile, WorkingHours
from blueprints.organisation.models import Centre, Service
from extensions import db
from tests.support.helpers import StaffLogin, make_staff


@dataclass
class BookingWorld:
    """What a booking test needs, by id (objects expire between requests)."""

    centre_id: int
    service_id: int
    professional: StaffLogin
    service_slug: str


def make_centre(
    slug: str = "konstfabriken", name_sv: str = "Familjecentret Konstfabriken", name_fi: str = "Perhekeskus Taidetehdas"
) -> Centre:
    """A family centre with an address."""
    centre = Centre(
        slug=slug,
        name_sv=name_sv,
        name_fi=name_fi,
        name_en=name_sv,
        street_address="Konstfabriksgatan 1",
        postal_code="06100",
        city_sv="Borgå",
        city_fi="Porvoo",
        city_en="Porvoo",
    )
    db.session.add(centre)
    db.session.commit()
    return centre


def make_service(professionals, slug: str = "radgivning", **rules) -> Service:
    """A bookable service given by ``professionals``; ``rules`` override the booking rules."""
    values = dict(
        slug=slug,
        name_sv="Barnrådgivning",
        name_fi="Lastenneuvola",
        name_en="Child health clinic",
        duration_minutes=45,
        buffer_after_minutes=15,
        slot_interval_minutes=15,
        min_notice_hours=0,
        max_days_ahead=60,
        cancellation_deadline_hours=24,
        in_person=True,
        by_phone=True,
        by_video=False,
    )
    values.update(rules)
    service = Service(**values)
    service.professionals = list(professionals)
    db.session.add(service)
    db.session.commit()
    return service


def make_professional(
    centre: Centre,
    email: str = "sara@famnen.example",
    name: str = "Sara Nyström",
    languages: str = "sv fi",
    weekdays=(0, 1, 2, 3, 4),
    start: time = time(8),
    end: time = time(16),
) -> StaffLogin:
    """A professional with a profile and weekly working hours at ``centre``."""
    login = make_staff({"professional"}, email=email, name=name)
    db.session.add(
        ProfessionalProfile(user_id=login.id, title_sv="Hälsovårdare", title_fi="Terveydenhoitaja", languages=languages)
    )
    for weekday in weekdays:
        db.session.add(
            WorkingHours(user_id=login.id, centre_id=centre.id, weekday=weekday, start_time=start, end_time=end)
        )
    db.session.commit()
    return login


def booking_world(**rules) -> BookingWorld:
    """A centre, a professional working there Monday to Friday 8-16, and a service they give."""
    centre = make_centre()
    professional = make_professional(centre)
    from blueprints.auth.models import User

    service = make_service([db.session.get(User, professional.id)], **rules)
    return BookingWorld(centre.id, service.id, professional, service.slug)
