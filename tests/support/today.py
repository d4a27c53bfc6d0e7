"""Helpers for the Today tests: a fixed morning, PHQ-9 answers sent with or without the urgent flag, appointments."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from blueprints.auth.models import User
from blueprints.booking.models import Appointment
from blueprints.questionnaires import answering, invitations
from blueprints.questionnaires.models import Child, Response
from core.timeutil import local_to_utc
from core.tokens import new_reference
from extensions import db

# A Thursday without holidays, 9.00 in Helsinki: the morning the tests look at.
DAY = date(2031, 3, 13)
MORNING = local_to_utc(DAY, time(9))


def phq9_answers(item9: str) -> dict[str, str]:
    """PHQ-9 with "several days" everywhere and ``item9`` for the question about self-harm."""
    return {f"phq{n}": "several_days" for n in range(1, 9)} | {"phq9": item9, "phq_difficulty": "somewhat_difficult"}


def send_phq9(
    child_id: int, professional_id: int, sent_at: datetime, item9: str = "several_days", language: str = "sv"
) -> Response:
    """Invite the family to PHQ-9 an hour before ``sent_at`` and send their answers then; committed, as the views do."""
    child = db.session.get(Child, child_id)
    visit = invitations.invite(
        child, db.session.get(User, professional_id), ["phq9"], language, sent_at - timedelta(hours=1), 30
    )
    response = visit.responses[0]
    definition = answering.definition_of(response)
    answering.save_answers(response, definition, phq9_answers(item9), sent_at)
    answering.submit(response, sent_at)
    db.session.commit()
    return response


def make_appointment(
    world, at: datetime, child_id: int | None = None, professional_id: int | None = None, **fields
) -> Appointment:
    """A booked appointment of the world's service (45 minutes), committed."""
    values = dict(
        service_id=world.service_id,
        professional_id=professional_id or world.professional.id,
        centre_id=world.centre_id,
        mode="in_person",
        starts_at=at,
        ends_at=at + timedelta(minutes=45),
        guardian_name="Maria Sundström",
        language="sv",
        reference=new_reference(),
        child_id=child_id,
    )
    appointment = Appointment(**(values | fields))
    db.session.add(appointment)
    db.session.commit()
    return appointment
