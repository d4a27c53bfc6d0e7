"""Booking rules without HTTP: book, move, cancel, attendance, blocked time, the database guard."""

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from blueprints.auth.models import User
from blueprints.booking import appointments
from blueprints.booking.appointments import ChangeNotAllowed, FamilyDetails, SlotUnavailable, TimeNotFree
from blueprints.booking.free_times import Slot
from blueprints.booking.models import Appointment, AppointmentStatus
from blueprints.booking.time_search import SlotChoice, SlotQuery, decode_slot, encode_slot, find_slots
from blueprints.organisation.models import Service
from core.timeutil import local_to_utc
from core.tokens import new_reference
from tests.support.booking import MONDAY
from tests.support.factories import booking_world, make_professional

NOW = local_to_utc(MONDAY - timedelta(days=3), time(12))  # the Friday before
FAMILY = FamilyDetails("Anna Lindholm", "anna@example.com", "040 123 4567", "Elsa", 4, "sv", "")


@pytest.fixture
def weekday_world(db):
    """Working hours Monday to Friday 8-16, not round the clock like ``world``: these tests book at set hours."""
    return booking_world()


def choice_at(weekday_world, hour, minute=0, day=MONDAY, mode="in_person"):
    return SlotChoice(
        mode, weekday_world.professional.id, weekday_world.centre_id, local_to_utc(day, time(hour, minute))
    )


def service(db, weekday_world) -> Service:
    return db.session.get(Service, weekday_world.service_id)


def test_booking_a_free_slot(db, weekday_world):
    appointment = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=45)
    assert appointment.buffer_after_minutes == 15
    assert appointments.appointment_for_token(appointments.manage_token(appointment)).id == appointment.id


def test_the_same_slot_cannot_be_booked_twice(db, weekday_world):
    appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    with pytest.raises(SlotUnavailable):
        appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    # An overlapping start (9.30 meets 9.00-9.45 plus its buffer) is refused too.
    with pytest.raises(SlotUnavailable):
        appointments.book(service(db, weekday_world), choice_at(weekday_world, 9, 30), FAMILY, NOW)
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1


@pytest.mark.parametrize(
    "make_choice",
    [
        lambda w: choice_at(w, 7),  # before working hours
        lambda w: choice_at(w, 15, 30),  # would end after 16.00
        lambda w: choice_at(w, 9, 7),  # not on the 15-minute grid
        lambda w: choice_at(w, 9, day=MONDAY + timedelta(days=5)),  # Saturday
        lambda w: choice_at(w, 9, day=MONDAY + timedelta(days=6)),  # Independence Day 6.12
        lambda w: choice_at(w, 9, mode="video"),  # the service is not given by video
        lambda w: SlotChoice(
            "in_person", w.professional.id, w.centre_id + 99, local_to_utc(MONDAY, time(9))
        ),  # wrong centre
    ],
)
def test_tampered_or_impossible_slots_are_refused(db, weekday_world, make_choice):
    with pytest.raises(SlotUnavailable):
        appointments.book(service(db, weekday_world), make_choice(weekday_world), FAMILY, NOW)


def test_a_time_in_the_past_or_too_soon_is_refused(db, weekday_world):
    svc = service(db, weekday_world)
    svc.min_notice_hours = 12
    db.session.commit()
    late_friday = local_to_utc(MONDAY, time(8))
    with pytest.raises(SlotUnavailable):
        appointments.book(svc, choice_at(weekday_world, 9), FAMILY, late_friday)  # the slot is in an hour
    with pytest.raises(SlotUnavailable):
        appointments.book(svc, choice_at(weekday_world, 9), FAMILY, local_to_utc(MONDAY, time(10)))  # already past
    # Staff booking for a family on the phone are not held to the notice.
    staff = db.session.get(User, weekday_world.professional.id)
    assert (
        appointments.book(svc, choice_at(weekday_world, 9), FAMILY, late_friday, booked_by=staff).booked_by_id
        == staff.id
    )


def test_the_database_refuses_a_second_active_appointment_at_the_same_start(db, weekday_world):
    first = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    db.session.add(
        Appointment(
            service_id=first.service_id,
            professional_id=first.professional_id,
            centre_id=first.centre_id,
            mode="in_person",
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            guardian_name="X",
            language="sv",
            reference=new_reference(),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_double_booking_the_recheck_misses_is_refused_by_the_index_and_the_transaction_goes_on(
    db, weekday_world, monkeypatch
):
    svc = service(db, weekday_world)
    first = appointments.book(svc, choice_at(weekday_world, 9), FAMILY, NOW)
    taken = Slot(first.starts_at, first.professional_id, first.centre_id, first.ends_at)
    # As if a second request had checked before the first one's booking: the slot still looks free.
    monkeypatch.setattr(appointments, "_verified_slot", lambda *args, **kwargs: taken)
    with pytest.raises(SlotUnavailable):
        appointments.book(svc, choice_at(weekday_world, 9), FAMILY, NOW)
    db.session.commit()  # only the double booking was undone
    assert db.session.scalars(select(Appointment.id)).all() == [first.id]


def test_cancelled_appointments_free_their_time(db, weekday_world):
    appointment = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    appointments.cancel(appointment, NOW)
    assert appointment.status == AppointmentStatus.CANCELLED_BY_FAMILY and appointment.sequence == 1
    assert (
        appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW).status
        == AppointmentStatus.BOOKED
    )


def test_families_cannot_change_after_the_deadline_but_staff_can(db, weekday_world):
    appointment = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    just_too_late = appointment.starts_at - timedelta(hours=24) + timedelta(seconds=1)
    assert appointments.family_can_change(appointment, just_too_late - timedelta(seconds=2))
    assert not appointments.family_can_change(appointment, just_too_late)
    with pytest.raises(ChangeNotAllowed):
        appointments.cancel(appointment, just_too_late)
    with pytest.raises(ChangeNotAllowed):
        appointments.move(appointment, choice_at(weekday_world, 11), just_too_late)
    staff = db.session.get(User, weekday_world.professional.id)
    appointments.cancel(appointment, just_too_late, by_staff=staff, reason="Sjuk / Sairas")
    assert appointment.status == AppointmentStatus.CANCELLED_BY_STAFF and appointment.cancel_reason == "Sjuk / Sairas"
    with pytest.raises(ChangeNotAllowed):
        appointments.cancel(appointment, just_too_late, by_staff=staff)


def test_moving_to_a_free_time_and_next_to_itself(db, weekday_world):
    appointment = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    appointment.reminder_sent_at = NOW
    db.session.commit()
    # 9.15 overlaps the appointment's current time: allowed, since it is the one moving.
    appointments.move(appointment, choice_at(weekday_world, 9, 15), NOW)
    assert appointment.starts_at == local_to_utc(MONDAY, time(9, 15))
    assert appointment.sequence == 1 and appointment.reminder_sent_at is None
    other = appointments.book(service(db, weekday_world), choice_at(weekday_world, 11), FAMILY, NOW)
    with pytest.raises(SlotUnavailable):
        appointments.move(appointment, choice_at(weekday_world, 11), NOW)
    assert other.status == AppointmentStatus.BOOKED and appointment.starts_at == local_to_utc(MONDAY, time(9, 15))


def test_attendance_can_be_recorded_once_begun(db, weekday_world):
    appointment = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    with pytest.raises(ChangeNotAllowed):
        appointments.record_outcome(appointment, AppointmentStatus.ATTENDED, NOW)
    during = appointment.starts_at + timedelta(minutes=5)
    appointments.record_outcome(appointment, AppointmentStatus.NO_SHOW, during)
    appointments.record_outcome(appointment, AppointmentStatus.ATTENDED, during)
    assert appointment.status == AppointmentStatus.ATTENDED
    # A no-show still holds its time: the slot stays taken.
    with pytest.raises(SlotUnavailable):
        appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)


def test_blocking_time_refuses_booked_appointments_and_hides_slots(db, weekday_world):
    staff = db.session.get(User, weekday_world.professional.id)
    appointment = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    with pytest.raises(TimeNotFree) as refused:
        appointments.block_time(staff.id, local_to_utc(MONDAY, time(8)), local_to_utc(MONDAY, time(12)), "Möte", staff)
    assert refused.value.appointments == [appointment]
    appointments.block_time(staff.id, local_to_utc(MONDAY, time(12)), local_to_utc(MONDAY, time(16)), "Möte", staff)
    query = SlotQuery(service(db, weekday_world), "in_person")
    afternoon = [s for s in find_slots(query, MONDAY, MONDAY, NOW) if s.starts_at >= local_to_utc(MONDAY, time(11, 15))]
    assert afternoon == []


def test_any_professional_spreads_work_and_language_filters(db, weekday_world):
    from blueprints.organisation.models import Centre

    centre = db.session.get(Centre, weekday_world.centre_id)
    other = make_professional(centre, email="mikko@famnen.example", name="Mikko Virtanen", languages="fi en")
    svc = service(db, weekday_world)
    svc.professionals = svc.professionals + [db.session.get(User, other.id)]
    db.session.commit()
    appointments.book(svc, choice_at(weekday_world, 8), FAMILY, NOW)
    slots = find_slots(SlotQuery(svc, "in_person"), MONDAY, MONDAY, NOW)
    at_nine = [s for s in slots if s.starts_at == local_to_utc(MONDAY, time(10))]
    assert [s.professional_id for s in at_nine] == [other.id]  # the one with fewer bookings
    swedish = find_slots(SlotQuery(svc, "in_person", language="sv"), MONDAY, MONDAY, NOW)
    assert {s.professional_id for s in swedish} == {weekday_world.professional.id}
    english = find_slots(SlotQuery(svc, "in_person", language="en"), MONDAY, MONDAY, NOW)
    assert {s.professional_id for s in english} == {other.id}


def test_slot_values_survive_a_form_round_trip_and_reject_garbage(db, weekday_world):
    slot = find_slots(SlotQuery(service(db, weekday_world), "in_person"), MONDAY, MONDAY, NOW)[0]
    choice = decode_slot(encode_slot(slot, "phone"))
    assert (choice.mode, choice.professional_id, choice.centre_id, choice.starts_at) == (
        "phone",
        slot.professional_id,
        slot.centre_id,
        slot.starts_at,
    )
    for garbage in (
        None,
        "",
        "x",
        "in_person.1.1",
        "teleport.1.1.1795417200",
        "in_person.a.1.1",
        "in_person.1.1.99999999999999999999",
    ):
        assert decode_slot(garbage) is None


def test_forged_manage_tokens_find_nothing(db, weekday_world):
    appointment = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    token = appointments.manage_token(appointment)
    reference, _, signature = token.partition(".")
    assert appointments.appointment_for_token(reference) is None
    assert appointments.appointment_for_token(reference + "." + signature[:-2] + "AA") is None
    assert appointments.appointment_for_token("") is None


def test_moving_between_in_person_and_video_gives_and_takes_the_meeting_link(db, weekday_world):
    from blueprints.booking.models import ProfessionalProfile

    db.session.get(Service, weekday_world.service_id).by_video = True
    db.session.merge(
        ProfessionalProfile(user_id=weekday_world.professional.id, video_url="https://meet.example.fi/sara")
    )
    db.session.commit()
    appointment = appointments.book(service(db, weekday_world), choice_at(weekday_world, 9), FAMILY, NOW)
    assert appointment.video_url == ""
    # The same professional, now by video: the family needs the link to join.
    appointments.move(appointment, choice_at(weekday_world, 11, mode="video"), NOW)
    assert (appointment.mode, appointment.video_url) == ("video", "https://meet.example.fi/sara")
    appointments.move(appointment, choice_at(weekday_world, 13), NOW)
    assert (appointment.mode, appointment.video_url) == ("in_person", "")
