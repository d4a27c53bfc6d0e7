"""Questionnaires in use, without HTTP: invitations and their states, saving answers, sending, results."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from blueprints.auth.models import User
from blueprints.questionnaires import answering, invitations, results
from blueprints.questionnaires.answering import AnswerRejected, NotComplete
from blueprints.questionnaires.invitations import InvitationError, Status
from blueprints.questionnaires.models import Child, Response
from core.timeutil import utcnow
from tests.support.helpers import make_staff
from tests.support.questionnaires import OFFER_ANSWERS


@pytest.fixture
def child(db, family_centre):
    return db.session.get(Child, family_centre["child_id"])


def invite(child, nurse, instruments=("fyraarsgranskningen",), days=30, now=None):
    return invitations.invite(child, nurse, list(instruments), "fi", now or utcnow(), days)


def test_an_invitation_pins_the_latest_version_and_moves_through_its_states(db, child, nurse):
    now = utcnow()
    visit = invite(child, nurse, ("fyraarsgranskningen", "phq9"), now=now)
    first, second = visit.responses
    assert (first.instrument_id, first.instrument_version, first.position) == ("fyraarsgranskningen", 3, 1)
    assert invitations.status(first, now) == Status.SENT
    invitations.mark_opened(visit, now)
    assert invitations.status(first, now) == Status.OPENED
    definition = answering.definition_of(first)
    answering.save_answers(first, definition, {"psc1": "often"}, now)
    assert invitations.status(first, now) == Status.STARTED
    assert invitations.status(first, now + timedelta(days=31)) == Status.EXPIRED
    invitations.withdraw(visit, now)
    assert invitations.status(second, now) == Status.WITHDRAWN
    assert not invitations.accepts_answers(first, now)


def test_a_sent_questionnaire_stays_sent_after_its_link_expires(db, child, nurse):
    visit = invite(child, nurse)
    response = visit.responses[0]
    answering.save_answers(response, answering.definition_of(response), OFFER_ANSWERS, utcnow())
    answering.submit(response, utcnow())
    assert invitations.status(response, utcnow() + timedelta(days=90)) == Status.SUBMITTED


def test_instruments_that_were_not_imported_cannot_be_sent(db, child, nurse):
    with pytest.raises(InvitationError):
        invite(child, nurse, ("sdq",))
    with pytest.raises(InvitationError):
        invite(child, nurse, ())


def test_links_are_signed_and_each_kind_opens_only_its_own_thing(db, child, nurse):
    visit = invite(child, nurse)
    assert invitations.visit_for_token(invitations.visit_token(visit)).id == visit.id
    response = visit.responses[0]
    assert invitations.response_for_token(invitations.response_token(response)).id == response.id
    assert invitations.response_for_token(invitations.visit_token(visit)) is None  # another purpose
    assert invitations.visit_for_token(visit.reference + ".forged") is None


def test_answers_outside_the_options_and_unknown_items_are_rejected(db, child, nurse):
    response = invite(child, nurse).responses[0]
    definition = answering.definition_of(response)
    with pytest.raises(AnswerRejected) as rejected:
        answering.save_answers(response, definition, {"psc1": "always"}, utcnow())
    assert rejected.value.reason == "out_of_range"
    with pytest.raises(AnswerRejected) as rejected:
        answering.save_answers(response, definition, {"psc99": "often"}, utcnow())
    assert rejected.value.reason == "unknown_item"
    assert response.answer_values == {}


def test_two_tabs_saving_different_answers_lose_nothing(db, child, nurse):
    response = invite(child, nurse).responses[0]
    definition = answering.definition_of(response)
    first_tab = db.session.get(Response, response.id)
    answering.save_answers(first_tab, definition, {"psc1": "often"}, utcnow())
    db.session.expire_all()
    second_tab = db.session.get(Response, response.id)
    answering.save_answers(second_tab, definition, {"psc2": "never"}, utcnow())
    answering.save_answers(second_tab, definition, {"psc1": "sometimes"}, utcnow())  # a later change wins
    assert db.session.get(Response, response.id).answer_values == {"psc1": "sometimes", "psc2": "never"}
    answering.save_answers(second_tab, definition, {"psc2": None}, utcnow())  # clearing an answer
    assert db.session.get(Response, response.id).answer_values == {"psc1": "sometimes"}


def test_pages_follow_the_conditions(db, child, nurse):
    response = invite(child, nurse).responses[0]
    definition = answering.definition_of(response)
    pages = answering.pages(definition, {}, 50)
    assert [page.section.id for page in pages] == ["psc17_behaviour", "parent_view", "family_resources"]
    parent_view = pages[1]
    assert [item.id for item in parent_view.items] == ["burden"]
    with_burden = answering.pages(definition, {"burden": "yes"}, 50)[1]
    assert [item.id for item in with_burden.items] == ["burden", "burden_duration"]


def test_parse_form_values():
    from tests.support.questionnaires import shipped

    definition = shipped("fyraarsgranskningen")
    assert answering.parse_form_value(definition.items["psc1"], ["often"]) == "often"
    assert answering.parse_form_value(definition.items["psc1"], ["", " "]) is None
    assert answering.parse_form_value(definition.items["anything_else"], ["  hej  "]) == "hej"


def test_sending_needs_the_required_answers_and_is_idempotent(db, child, nurse):
    response = invite(child, nurse).responses[0]
    definition = answering.definition_of(response)
    answering.save_answers(response, definition, {"psc1": "often"}, utcnow())
    with pytest.raises(NotComplete) as incomplete:
        answering.submit(response, utcnow())
    assert [item.id for _, item in incomplete.value.missing] == ["burden"]
    assert response.submitted_at is None
    answering.save_answers(response, definition, OFFER_ANSWERS, utcnow())
    result = answering.submit(response, utcnow())
    first_sent = response.submitted_at
    again = answering.submit(response, utcnow() + timedelta(minutes=5))
    assert response.submitted_at == first_sent and again.summary() == result.summary()
    assert [outcome.id for outcome in result.outcomes] == ["parent_training_offer"]
    assert response.result_summary["scales"]["externalizing"]["score"] == 14


def test_the_age_at_sending_is_kept_for_age_specific_rules(db, child, nurse):
    response = invite(child, nurse).responses[0]
    answering.save_answers(response, answering.definition_of(response), OFFER_ANSWERS, utcnow())
    answering.submit(response, utcnow())
    today = utcnow().date()
    assert response.age_months == invitations.age_in_months(date(2022, 9, 15), today)
    assert invitations.age_in_months(date(2022, 3, 15), date(2022, 4, 14)) == 0
    assert invitations.age_in_months(date(2022, 3, 15), date(2022, 4, 15)) == 1


def test_the_result_view_and_history_in_the_readers_language(app, db, child, nurse):
    earlier = invite(child, nurse, ("psc17",)).responses[0]
    answering.save_answers(
        earlier, answering.definition_of(earlier), {f"psc{n}": "often" for n in range(1, 18)}, utcnow()
    )
    answering.submit(earlier, utcnow() - timedelta(days=100))
    later = invite(child, nurse, ("psc17",)).responses[0]
    answering.save_answers(later, answering.definition_of(later), {f"psc{n}": "never" for n in range(1, 18)}, utcnow())
    answering.submit(later, utcnow())
    with app.test_request_context():
        view = results.result_view(later, "sv")
        rows = {row.id: row for row in view.scales}
        assert rows["total"].score == 0 and rows["total"].level == "normal"
        assert view.pages[0].rows[0].answer == "Aldrig"
        [group] = results.history(child, "fi")
    assert [column.result.scales["total"].score for column in group.columns] == [34, 0]


def test_sharing_a_case_gives_a_colleague_a_basis(db, child, nurse):
    colleague_login = make_staff({"professional"}, email="johanna@famnen.example", name="Johanna Korhonen")
    colleague = db.session.get(User, colleague_login.id)
    assert invitations.membership(colleague, child) is None
    assert invitations.share_case(child, colleague, nurse)
    assert not invitations.share_case(child, colleague, nurse)
    member = invitations.membership(colleague, child)
    assert member.added_by.id == nurse.id
    assert [c.id for c in invitations.children_of(colleague)] == [child.id]


def test_the_database_refuses_to_change_the_audit_log(db, nurse):
    from blueprints.audit.models import AuditEntry

    db.session.add(
        AuditEntry(
            actor_id=nurse.id,
            actor_name=nurse.name,
            child_id=1,
            subject="child:1",
            action="view",
            page="GET /x",
            basis="test",
        )
    )
    db.session.commit()
    with pytest.raises(Exception, match="audit log entries cannot be changed"):
        db.session.execute(text("UPDATE audit_entry SET basis = 'changed'"))
        db.session.commit()
    db.session.rollback()
