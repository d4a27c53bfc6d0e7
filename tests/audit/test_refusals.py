"""Refused attempts to see families' appointments, agendas and participant lists are audit-logged, like
refused cases.
"""

import pytest
from sqlalchemy import select

from blueprints.audit.models import AuditEntry
from blueprints.booking.models import Appointment
from tests.support.activities_factories import make_activity, make_date, make_registration
from tests.support.booking import book
from tests.support.factories import make_centre, make_professional
from tests.support.helpers import make_staff, sign_in

NOT_THEIR_AGENDA = "not their agenda or family centre"
NOT_THEIR_ACTIVITY = "does not manage the activity"


@pytest.fixture
def stranger(app, client, db, world):
    """A professional at another family centre, signed in on ``client``."""
    elsewhere = make_centre(slug="gammelbacka", name_sv="Gammelbacka familjecenter", name_fi="Gammelbackan perhekeskus")
    login = make_professional(elsewhere, email="johanna@famnen.example", name="Johanna Korhonen")
    sign_in(client, app, login)
    return login


@pytest.fixture
def appointment(app, client, db, world):
    family = app.test_client()
    family.html_checker = client.html_checker
    assert book(family, world).status_code == 302
    return db.session.scalar(select(Appointment))


def refusals(db, actor_id: int) -> list[tuple]:
    db.session.rollback()  # see what the requests committed
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == actor_id).order_by(AuditEntry.id))
    return [(entry.action, entry.subject, entry.child_id, entry.basis, entry.page) for entry in entries]


def test_refused_views_and_changes_of_an_appointment_are_logged(client, db, stranger, appointment):
    assert client.get(f"/staff/appointments/{appointment.id}/cancel").status_code == 403
    assert client.get(f"/staff/appointments/{appointment.id}/move").status_code == 403
    # A refused change is logged too, although the request fails and rolls back.
    changed = client.submit(
        f"/staff/appointments/{appointment.id}/outcome", {"status": "attended"}, token_from="/staff/agenda"
    )
    assert changed.status_code == 403
    subject = f"appointment:{appointment.id}"
    assert refusals(db, stranger.id) == [
        ("denied", subject, None, NOT_THEIR_AGENDA, "GET /staff/appointments/<int:appointment_id>/cancel"),
        ("denied", subject, None, NOT_THEIR_AGENDA, "GET /staff/appointments/<int:appointment_id>/move"),
        ("denied", subject, None, NOT_THEIR_AGENDA, "POST /staff/appointments/<int:appointment_id>/outcome"),
    ]
    assert db.session.get(Appointment, appointment.id).status.value == "booked"


def test_a_refused_agenda_of_another_professional_is_logged(client, db, world, stranger, appointment):
    assert client.get(f"/staff/agenda?professional={world.professional.id}").status_code == 403
    assert refusals(db, stranger.id) == [
        ("denied", f"agenda:{world.professional.id}", None, NOT_THEIR_AGENDA, "GET /staff/agenda")
    ]
    # Their own agenda is a view as before, not a refusal.
    assert client.get("/staff/agenda").status_code == 200
    assert [action for action, *_ in refusals(db, stranger.id)] == ["denied"]


def test_refused_participant_lists_and_registrations_are_logged(client, db, world, stranger):
    activity_date = make_date(make_activity(world.centre_id))
    registration = make_registration(activity_date, name="Anna")
    assert client.get(f"/staff/activities/dates/{activity_date.id}").status_code == 403
    assert client.get(f"/staff/activities/dates/{activity_date.id}/participants.csv").status_code == 403
    marked = client.submit(
        f"/staff/activities/registrations/{registration.id}/attendance",
        {"attendance": "attended"},
        token_from="/staff/activities/",
    )
    assert marked.status_code == 403
    participants = f"participants:{activity_date.id}"
    assert refusals(db, stranger.id) == [
        ("denied", participants, None, NOT_THEIR_ACTIVITY, "GET /staff/activities/dates/<int:date_id>"),
        (
            "denied",
            participants,
            None,
            NOT_THEIR_ACTIVITY,
            "GET /staff/activities/dates/<int:date_id>/participants.csv",
        ),
        (
            "denied",
            f"registration:{registration.id}",
            None,
            NOT_THEIR_ACTIVITY,
            "POST /staff/activities/registrations/<int:registration_id>/attendance",
        ),
    ]


def test_the_audit_log_viewer_says_the_refusals_in_words(app, client, db, world, stranger, appointment):
    activity_date = make_date(make_activity(world.centre_id))
    client.get(f"/staff/agenda?professional={world.professional.id}")
    client.get(f"/staff/activities/dates/{activity_date.id}")
    admin = app.test_client()
    admin.html_checker = client.html_checker
    sign_in(admin, app, make_staff({"admin"}, email="dpo@famnen.example", name="Dora DPO"))
    page = admin.get(f"/admin/audit?actor={stranger.id}").get_data(as_text=True)
    assert "Nekades åtkomst till: en yrkespersons agenda" in page
    assert "varken egen agenda eller det egna familjecentrets" in page
    assert "Nekades åtkomst till: deltagarlista för ett tillfälle i gruppverksamhet" in page
    assert "sköter inte gruppverksamheten" in page
