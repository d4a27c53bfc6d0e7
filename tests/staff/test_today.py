"""Today's domain rules without HTTP: which urgent flags show to whom, acknowledging, the count, the day's lists."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import event

from blueprints.activities.models import ActivityDate
from blueprints.audit.models import AuditEntry
from blueprints.auth.models import User
from blueprints.organisation.models import Centre
from blueprints.questionnaires import invitations
from blueprints.questionnaires.models import Child
from blueprints.staff import today
from blueprints.staff.today import QuestionnaireState
from core.timeutil import local_to_utc
from extensions import db as _db
from tests.support.activities_factories import make_activity, make_registration
from tests.support.factories import make_centre
from tests.support.helpers import make_staff
from tests.support.today import DAY, make_appointment, send_phq9


def user(login) -> User:
    return _db.session.get(User, login.id)


def test_a_flagged_response_shows_only_to_the_childs_case_until_shared(db, family_centre, morning):
    nurse, coach = user(family_centre["nurse"]), user(family_centre["coach"])
    flagged = send_phq9(family_centre["child_id"], nurse.id, morning - timedelta(hours=2))
    send_phq9(family_centre["child_id"], nurse.id, morning - timedelta(hours=1), item9="not_at_all")

    [flag] = today.urgent_flags(nurse)
    assert flag.response.id == flagged.id and flag.child.first_name == "Elsa"
    assert [raised.id for raised in flag.flags] == ["self_harm_thoughts"] and flag.arrived_at == morning - timedelta(
        hours=2
    )
    assert flag.basis == "professional who opened the case"
    assert today.urgent_flag_count(nurse) == 1
    assert today.urgent_flags(coach) == [] and today.urgent_flag_count(coach) == 0

    invitations.share_case(db.session.get(Child, family_centre["child_id"]), coach, nurse)
    db.session.commit()
    assert [f.response.id for f in today.urgent_flags(coach)] == [flagged.id] and today.urgent_flag_count(coach) == 1


def test_reception_and_administrators_never_see_flags(db, family_centre, morning):
    send_phq9(family_centre["child_id"], family_centre["nurse"].id, morning)
    for roles in ({"reception"}, {"admin"}):
        other = user(make_staff(roles, email=f"{'-'.join(roles)}@famnen.example"))
        assert today.urgent_flags(other) == [] and today.urgent_flag_count(other) == 0
        assert today.new_answers(other, morning) == []


def test_acknowledging_removes_the_flag_for_everyone_and_keeps_who_and_when(db, family_centre, morning):
    nurse, coach = user(family_centre["nurse"]), user(family_centre["coach"])
    response = send_phq9(family_centre["child_id"], nurse.id, morning - timedelta(hours=1))
    invitations.share_case(db.session.get(Child, family_centre["child_id"]), coach, nurse)
    db.session.commit()

    acknowledgement, new = today.acknowledge(response, coach, morning, "  Ringde familjen, tid i eftermiddag.  ")
    db.session.commit()
    assert (
        new
        and acknowledgement.acknowledged_by_id == coach.id
        and acknowledgement.acknowledged_by_name == "Katja Lehtonen"
    )
    assert acknowledgement.acknowledged_at == morning and acknowledgement.note == "Ringde familjen, tid i eftermiddag."
    assert today.urgent_flags(nurse) == [] and today.urgent_flags(coach) == []
    assert today.urgent_flag_count(nurse) == 0 and today.urgent_flag_count(coach) == 0

    again, new = today.acknowledge(response, nurse, morning + timedelta(minutes=5))
    assert not new and again.acknowledged_by_id == coach.id and again.acknowledged_at == morning


def test_only_a_sent_flagged_answer_can_be_acknowledged(db, family_centre, morning):
    calm = send_phq9(family_centre["child_id"], family_centre["nurse"].id, morning, item9="not_at_all")
    with pytest.raises(today.NotFlagged):
        today.flagged_response(calm.id)
    with pytest.raises(today.NotFlagged):
        today.flagged_response(999_999)


def test_the_count_is_one_query(db, family_centre, morning):
    nurse = user(family_centre["nurse"])
    for hours in (1, 2, 3):
        send_phq9(family_centre["child_id"], nurse.id, morning - timedelta(hours=hours))
    assert nurse.has_role("professional")  # the signed-in user's roles are loaded with the user on every page
    statements = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert today.urgent_flag_count(nurse) == 3
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    selects = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "count(" in selects[0].lower()


def test_new_answers_are_those_the_professional_has_not_opened(db, family_centre, morning):
    nurse = user(family_centre["nurse"])
    opened = send_phq9(family_centre["child_id"], nurse.id, morning - timedelta(hours=3), item9="not_at_all")
    unread = send_phq9(family_centre["child_id"], nurse.id, morning - timedelta(hours=2))
    send_phq9(
        family_centre["child_id"], nurse.id, morning - timedelta(days=today.NEW_ANSWERS_DAYS + 1), item9="not_at_all"
    )
    db.session.add(
        AuditEntry(
            at=morning,
            actor_id=nurse.id,
            actor_name=nurse.name,
            child_id=family_centre["child_id"],
            subject=f"response:{opened.id}",
            action="view",
            page="GET /staff/questionnaires/responses/<int:response_id>",
            basis="professional who opened the case",
        )
    )
    db.session.commit()
    found = today.new_answers(nurse, morning)
    assert [(answer.response.id, answer.flagged) for answer in found] == [(unread.id, True)]
    assert today.read_by(nurse, [opened.id, unread.id]) == {opened.id}


def test_the_days_appointments_carry_the_linked_childs_questionnaire_states(db, family_centre, morning):
    nurse = user(family_centre["nurse"])
    world, child_id = family_centre["world"], family_centre["child_id"]
    flagged = send_phq9(child_id, nurse.id, morning - timedelta(hours=2))
    linked = make_appointment(world, local_to_utc(DAY, time(13)), child_id=child_id)
    unlinked = make_appointment(world, local_to_utc(DAY, time(10)), guardian_name="Jonas Berg")
    make_appointment(world, local_to_utc(DAY + timedelta(days=1), time(10)), child_id=child_id)  # tomorrow

    rows = today.own_appointments(nurse, DAY, morning)
    assert [row.appointment.id for row in rows] == [unlinked.id, linked.id]
    assert rows[0].child is None and rows[0].questionnaires == []
    assert rows[1].child.id == child_id
    assert [(q.response.id, q.state) for q in rows[1].questionnaires] == [(flagged.id, QuestionnaireState.URGENT)]

    today.acknowledge(flagged, nurse, morning)
    db.session.commit()
    assert today.own_appointments(nurse, DAY, morning)[1].questionnaires[0].state == QuestionnaireState.ANSWERED

    # A newer invitation, not answered: that is the one the appointment waits for.
    child = db.session.get(Child, child_id)
    invitations.invite(child, nurse, ["gad7"], "sv", morning - timedelta(minutes=30), 30)
    db.session.commit()
    assert [q.state for q in today.own_appointments(nurse, DAY, morning)[1].questionnaires] == [
        QuestionnaireState.INVITED
    ]
    later = morning + timedelta(days=31)
    assert [q.state for q in today.own_appointments(nurse, DAY, later)[1].questionnaires] == [
        QuestionnaireState.OVERDUE
    ]


def test_a_linked_child_whose_case_the_professional_is_not_in_shows_no_questionnaires(db, family_centre, morning):
    coach = user(family_centre["coach"])
    send_phq9(family_centre["child_id"], family_centre["nurse"].id, morning - timedelta(hours=2))
    make_appointment(
        family_centre["world"],
        local_to_utc(DAY, time(11)),
        child_id=family_centre["child_id"],
        professional_id=coach.id,
    )
    [row] = today.own_appointments(coach, DAY, morning)
    assert row.child is None and row.questionnaires == []


def test_reception_sees_its_centres_day_and_administrators_every_centre(db, family_centre, morning):
    world = family_centre["world"]
    here = make_appointment(world, local_to_utc(DAY, time(10)))
    elsewhere_centre = make_centre(slug="annan", name_sv="Annat center", name_fi="Muu keskus")
    elsewhere = make_appointment(
        world, local_to_utc(DAY, time(11)), centre_id=elsewhere_centre.id, professional_id=family_centre["coach"].id
    )
    reception = user(make_staff({"reception"}, email="pia@famnen.example", name="Pia Holmström"))
    reception.centres = [db.session.get(Centre, world.centre_id)]
    db.session.commit()
    admin = user(make_staff({"admin"}, email="admin@famnen.example", name="Ada Admin"))

    assert [a.id for a in today.centre_appointments(reception, DAY)] == [here.id]
    assert [a.id for a in today.centre_appointments(admin, DAY)] == [here.id, elsewhere.id]
    assert today.own_appointments(reception, DAY, morning) == []
    day = today.today_for(reception, DAY, morning)
    assert day.flags == [] and day.new_answers == [] and [a.id for a in day.centre_appointments] == [here.id]


def test_group_activities_today_with_places_and_the_waiting_list(db, family_centre, morning):
    nurse = user(family_centre["nurse"])
    activity = make_activity(family_centre["world"].centre_id, capacity=2)
    activity.leaders = [nurse]
    db.session.commit()
    todays = ActivityDate(
        activity_id=activity.id, starts_at=local_to_utc(DAY, time(14)), ends_at=local_to_utc(DAY, time(15, 30))
    )
    tomorrows = ActivityDate(
        activity_id=activity.id,
        starts_at=local_to_utc(DAY + timedelta(days=1), time(14)),
        ends_at=local_to_utc(DAY + timedelta(days=1), time(15)),
    )
    db.session.add_all([todays, tomorrows])
    db.session.commit()
    make_registration(todays, adults=2, name="Anna Lindholm", now=morning)
    make_registration(todays, adults=1, name="Jonas Berg", now=morning)

    [row] = today.activity_dates(nurse, DAY, morning)
    assert row.date.id == todays.id and row.leads
    assert row.availability.state == "waiting_list" and row.availability.free == 0 and row.availability.waiting == 1
    assert today.activity_dates(user(family_centre["coach"]), DAY, morning) == []  # leads nothing
