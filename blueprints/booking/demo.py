"""Demo professionals, working hours, absences and appointments for ``flask seed-demo``.

Appointments are placed relative to today, so the demo agenda always has
something to show and families can book right away.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from core.timeutil import local_to_utc, to_local, utcnow
from core.tokens import new_reference
from extensions import db

from ..auth.models import User
from ..organisation.models import Centre, Service
from .appointments import FamilyDetails, book
from .free_times import Slot
from .models import Absence, Appointment, AppointmentStatus, ProfessionalProfile, WorkingHours
from .time_search import SlotChoice, SlotQuery, find_slots

# email: (titles sv/fi/en, languages, video link)
PROFILES = {
    "sara.nystrom@famnen.example": (("Hälsovårdare", "Terveydenhoitaja", "Public health nurse"), "sv fi", ""),
    "mikko.virtanen@famnen.example": (
        ("Talterapeut", "Puheterapeutti", "Speech therapist"),
        "fi sv en",
        "https://video.famnen.example/mikko",
    ),
    "johanna.korhonen@famnen.example": (
        ("Psykolog", "Psykologi", "Psychologist"),
        "fi en",
        "https://video.famnen.example/johanna",
    ),
    "emil.sjoberg@famnen.example": (
        ("Familjerådgivare", "Perheneuvoja", "Family counsellor"),
        "sv fi",
        "https://video.famnen.example/emil",
    ),
    "liisa.makinen@famnen.example": (("Socialarbetare", "Sosiaalityöntekijä", "Social worker"), "fi sv", ""),
    "katja.lehtonen@famnen.example": (
        ("Coach, Kraftfamiljer", "Valmentaja, Voimaperheet", "Coach, Strongest Families"),
        "fi sv",
        "",
    ),
}

# service slug: (duration, buffer after, modes, professionals)
SERVICE_SETUP = {
    "radgivning": (45, 15, ("in_person", "phone"), ["sara.nystrom@famnen.example"]),
    "talterapi": (60, 15, ("in_person", "video"), ["mikko.virtanen@famnen.example"]),
    "familjeradgivning": (60, 15, ("in_person", "phone", "video"), ["emil.sjoberg@famnen.example"]),
    "psykolog": (60, 15, ("in_person", "video"), ["johanna.korhonen@famnen.example"]),
    "socialarbete": (60, 0, ("in_person", "phone"), ["liisa.makinen@famnen.example"]),
    "coachsamtal": (30, 0, ("phone",), ["katja.lehtonen@famnen.example"]),
}

# email: [(centre slug, weekdays, start, end)]
HOURS = {
    "sara.nystrom@famnen.example": [
        ("konstfabriken", (0, 1, 3, 4), time(8), time(15, 30)),
        ("gammelbacka", (2,), time(8), time(15, 30)),
    ],
    "mikko.virtanen@famnen.example": [
        ("konstfabriken", (0, 1, 3), time(8, 30), time(15)),
        ("gammelbacka", (2,), time(9), time(14)),
    ],
    "johanna.korhonen@famnen.example": [("gammelbacka", (1, 2, 3), time(9), time(16))],
    "emil.sjoberg@famnen.example": [("konstfabriken", (0, 1, 2), time(12), time(18))],
    "liisa.makinen@famnen.example": [("gammelbacka", (0, 1, 2, 3, 4), time(9), time(15))],
    "katja.lehtonen@famnen.example": [("konstfabriken", (0, 1, 2, 3), time(9), time(16))],
}

FAMILIES = [
    ("Anna Lindholm", "anna.lindholm@example.com", "Elsa", 4, "sv"),
    ("Juha Heikkinen", "juha.heikkinen@example.com", "Onni", 2, "fi"),
    ("Maria Sundström", "maria.sundstrom@example.com", "Alva", 5, "sv"),
    ("Tiina Koskinen", "", "Aino", 1, "fi"),
    ("Ahmed Ali", "ahmed.ali@example.com", "Yusuf", 3, "en"),
    ("Sanna Laine", "sanna.laine@example.com", "Eetu", 4, "fi"),
]


def _users() -> dict[str, User]:
    return {user.email: user for user in db.session.scalars(select(User))}


def _setup_professionals(users: dict[str, User]) -> int:
    created = 0
    for email, (titles, languages, video) in PROFILES.items():
        user = users.get(email)
        if user is None or db.session.get(ProfessionalProfile, user.id):
            continue
        db.session.add(
            ProfessionalProfile(
                user_id=user.id,
                title_sv=titles[0],
                title_fi=titles[1],
                title_en=titles[2],
                languages=languages,
                video_url=video,
            )
        )
        created += 1
    return created


def _setup_services(users: dict[str, User]) -> None:
    for slug, (duration, buffer_after, modes, emails) in SERVICE_SETUP.items():
        service = db.session.scalar(select(Service).where(Service.slug == slug))
        if service is None or service.professionals:
            continue
        service.duration_minutes = duration
        service.buffer_after_minutes = buffer_after
        service.in_person, service.by_phone, service.by_video = (
            ("in_person" in modes),
            ("phone" in modes),
            ("video" in modes),
        )
        service.professionals = [users[email] for email in emails if email in users]


def _setup_hours(users: dict[str, User]) -> int:
    centres = {centre.slug: centre for centre in db.session.scalars(select(Centre))}
    created = 0
    for email, blocks in HOURS.items():
        user = users.get(email)
        if user is None or db.session.scalar(select(func.count()).where(WorkingHours.user_id == user.id)):
            continue
        for centre_slug, weekdays, start, end in blocks:
            for weekday in weekdays:
                db.session.add(
                    WorkingHours(
                        user_id=user.id,
                        centre_id=centres[centre_slug].id,
                        weekday=weekday,
                        start_time=start,
                        end_time=end,
                    )
                )
                created += 1
    return created


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7 or 7)


def _setup_appointments(users: dict[str, User]) -> int:
    """Book some upcoming appointments through the real booking rules, plus a few past ones."""
    if db.session.scalar(select(func.count()).select_from(Appointment)):
        return 0
    now = utcnow()
    today = to_local(now).date()
    sara = users["sara.nystrom@famnen.example"]
    db.session.add(
        Absence(
            user_id=sara.id,
            starts_at=local_to_utc(_next_weekday(today, 4), time(8)),
            ends_at=local_to_utc(_next_weekday(today, 4), time(16)),
            note="Utbildning / Koulutus",
        )
    )
    db.session.commit()
    created = 0
    for index, (slug, (_duration, _buffer, modes, _emails)) in enumerate(SERVICE_SETUP.items()):
        if "in_person" not in modes:
            continue
        service = db.session.scalar(select(Service).where(Service.slug == slug))
        slots = find_slots(SlotQuery(service, "in_person", family=False), today, today + timedelta(days=14), now)
        for number, slot in enumerate(slots[:: max(1, len(slots) // 4)][:3]):
            name, email, child, age, language = FAMILIES[(index + number) % len(FAMILIES)]
            details = FamilyDetails(name, email, f"040 123 45{index * 10 + number:02d}", child, age, language, "")
            book(
                service,
                SlotChoice("in_person", slot.professional_id, slot.centre_id, slot.starts_at),
                details,
                now,
                booked_by=sara,
            )
            created += 1
    created += _past_appointments(users, now)
    return created


def _past_appointments(users: dict[str, User], now) -> int:
    """A few appointments last week, attended or not, so the agenda's history is not empty."""
    service = db.session.scalar(select(Service).where(Service.slug == "radgivning"))
    sara = users["sara.nystrom@famnen.example"]
    centre = db.session.scalar(select(Centre).where(Centre.slug == "konstfabriken"))
    last_monday = to_local(now).date() - timedelta(days=to_local(now).weekday() + 7)
    for offset, (status, family) in enumerate(
        [
            (AppointmentStatus.ATTENDED, FAMILIES[0]),
            (AppointmentStatus.NO_SHOW, FAMILIES[1]),
            (AppointmentStatus.ATTENDED, FAMILIES[2]),
        ]
    ):
        starts = local_to_utc(last_monday, time(9 + offset * 2))
        slot = Slot(starts, sara.id, centre.id, starts + timedelta(minutes=service.duration_minutes))
        name, email, child, age, language = family
        db.session.add(
            Appointment(
                service_id=service.id,
                professional_id=sara.id,
                centre_id=centre.id,
                mode="in_person",
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                status=status,
                guardian_name=name,
                guardian_email=email,
                child_first_name=child,
                child_age_years=age,
                language=language,
                reference=new_reference(),
                created_at=starts - timedelta(days=7),
            )
        )
    db.session.commit()
    return 3


def seed_booking() -> int:
    """Create the demo professionals' profiles, services, hours and appointments that are missing."""
    users = _users()
    created = _setup_professionals(users)
    _setup_services(users)
    created += _setup_hours(users)
    reception = users.get("pia.holmstrom@famnen.example")
    konstfabriken = db.session.scalar(select(Centre).where(Centre.slug == "konstfabriken"))
    if reception is not None and konstfabriken is not None and not reception.centres:
        reception.centres = [konstfabriken]
    db.session.commit()
    return created + _setup_appointments(users)
