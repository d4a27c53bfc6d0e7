"""A family's way through a programme by its secret link, and the coach's pages: what each of them sees."""

import re
from datetime import timedelta

from sqlalchemy import select

from blueprints.audit.models import AuditEntry
from blueprints.auth.models import User
from blueprints.programmes import enrolments
from blueprints.programmes.figures import figures as programme_figures
from blueprints.programmes.models import Enrolment, ExerciseAnswer
from core.i18n import long_date
from core.timeutil import to_local
from tests.support.factories import make_professional
from tests.support.helpers import sign_in
from tests.support.questionnaires import family


def _link(app, enrolment) -> str:
    with app.test_request_context():
        return enrolments.link_token(enrolment)


def _first_exercise(programme, week=1):
    block = next(block for block in programme.weeks[week - 1].answerable_blocks if block.kind == "exercise")
    return block, block.prompts[0]


def test_one_week_opens_at_a_time_and_a_locked_week_says_when_it_opens(app, client, enrolment, programmes, clock):
    phone = family(app, client, "fi")
    token = _link(app, enrolment)
    overview = phone.get(f"/p/{token}").get_data(as_text=True)
    assert "Viikko 1" in overview and "Ei vielä auki" in overview
    locked = phone.get(f"/p/{token}/week/2")
    with app.test_request_context("/?lang=fi"):
        opens = long_date(to_local(clock.moment + timedelta(days=7)))
    assert locked.status_code == 403 and f"avautuu {opens}." in locked.get_data(as_text=True)
    clock.advance(days=7)
    assert phone.get(f"/p/{token}/week/2").status_code == 200
    assert phone.get(f"/p/{token}/week/3").status_code == 403
    assert phone.get(f"/p/{token}/week/9").status_code == 404


def test_answers_save_as_typed_and_bad_saves_change_nothing(app, client, db, enrolment, programmes, clock):
    phone = family(app, client, "sv")
    token = _link(app, enrolment)
    block, prompt = _first_exercise(programmes)
    field = f"{block.id}--{prompt.id}"
    page = f"/p/{token}/week/1"
    saved = phone.submit(
        f"/p/{token}/save",
        {"item": field, f"answer-{field}": "Morgnarna går lugnare."},
        token_from=page,
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "Sparat" in saved.get_data(as_text=True)
    too_long = phone.submit(f"/p/{token}/save", {"item": field, f"answer-{field}": "x" * 5000}, token_from=page)
    assert too_long.status_code == 422 and "4000" in too_long.get_data(as_text=True)
    later_block, later_prompt = _first_exercise(programmes, week=3)
    later = f"{later_block.id}--{later_prompt.id}"
    locked = phone.submit(f"/p/{token}/save", {"item": later, f"answer-{later}": "tidigt"}, token_from=page)
    assert locked.status_code == 409
    assert phone.submit(f"/p/{token}/save", {"item": "nothing--here"}, token_from=page).status_code == 400
    assert phone.submit(f"/p/{token}x/save", {"item": field}, token_from=page).status_code == 409
    answers = db.session.scalars(select(ExerciseAnswer)).all()
    assert [(a.block_id, a.value) for a in answers] == [(block.id, "Morgnarna går lugnare.")]
    assert phone.get(f"/p/{token}/week/1").get_data(as_text=True).count("Morgnarna går lugnare.") == 1


def test_without_javascript_the_week_form_saves_everything_and_marks_the_week_done(
    app, client, db, enrolment, programmes
):
    phone = family(app, client, "fi")
    token = _link(app, enrolment)
    week = programmes.weeks[0]
    data = {"go": "done"}
    for block in week.answerable_blocks:
        for prompt in block.prompts:
            data[f"answer-{block.id}--{prompt.id}"] = "Aamut sujuvat." if block.kind == "exercise" else "done"
    done = phone.submit(f"/p/{token}/week/1", data, token_from=f"/p/{token}/week/1", follow_redirects=True)
    assert done.status_code == 200 and "1/4 viikko tehty" in done.get_data(as_text=True)
    db.session.expire_all()
    found = db.session.get(Enrolment, enrolment.id)
    progress = enrolments.progress(found, programmes, found.enrolled_at)
    assert progress.weeks_done == (1,) and progress.exercises_done == 2


def test_a_tampered_link_finds_nothing(app, client, enrolment):
    phone = family(app, client, "sv")
    token = _link(app, enrolment)
    assert phone.get(f"/p/{token[:-2]}xx").status_code == 404
    assert phone.get("/p/nonsense").status_code == 404


def test_pausing_stops_the_schedule_and_resuming_moves_it_on(db, enrolment, programmes, clock):
    enrolments.pause(enrolment, clock.moment + timedelta(days=3))
    assert enrolments.open_weeks(enrolment, programmes, clock.moment + timedelta(days=30)) == 1
    enrolments.resume(enrolment, programmes, clock.moment + timedelta(days=10))
    # Ten days in, with a seven-day pause: three days of the schedule have passed.
    assert enrolments.open_weeks(enrolment, programmes, clock.moment + timedelta(days=13)) == 1
    assert enrolments.open_weeks(enrolment, programmes, clock.moment + timedelta(days=14)) == 2
    assert enrolments.open_next_week(enrolment, programmes, clock.moment + timedelta(days=14)) == 3
    enrolments.end(enrolment, programmes, completed=True, now=clock.moment + timedelta(days=15))
    assert not enrolments.accepts_answers(enrolment)


def test_the_caseload_puts_quiet_families_first_and_reading_answers_is_logged(
    app, client, db, enrolment, programmes, clock, family_centre
):
    coach = db.session.get(User, family_centre["coach"].id)
    other_child = enrolments.invitations.open_case("Onni", enrolment.child.date_of_birth, coach)
    busy = enrolments.enrol(
        other_child, coach, programmes, language="sv", email="", phone="", enrolled_by=coach, now=clock.moment
    )
    db.session.commit()
    clock.advance(days=8)
    block, prompt = _first_exercise(programmes)
    enrolments.save_answer(busy, programmes, block.id, prompt.id, "Vi läser varje kväll.", clock.moment)
    db.session.commit()
    sign_in(client, app, family_centre["coach"])
    page = client.get("/staff/programmes/").get_data(as_text=True)
    assert page.index("Elsa") < page.index("Onni")
    assert "Tyst i 8 dagar" in page or "Quiet for 8 days" in page or "Hiljaa 8 päivää" in page
    detail = client.get(f"/staff/programmes/{busy.id}")
    assert detail.status_code == 200 and "Vi läser varje kväll." in detail.get_data(as_text=True)
    logged = db.session.scalars(select(AuditEntry).where(AuditEntry.subject == f"enrolment:{busy.id}")).all()
    assert {entry.action for entry in logged} >= {"view"}


def test_someone_outside_the_case_is_refused_and_the_refusal_logged(app, client, db, enrolment, family_centre):
    from blueprints.organisation.models import Centre

    centre = db.session.get(Centre, family_centre["world"].centre_id)
    stranger = make_professional(centre, email="stranger@famnen.example", name="Stina Stranger")
    sign_in(client, app, stranger)
    assert client.get(f"/staff/programmes/{enrolment.id}").status_code == 403
    assert client.submit(f"/staff/programmes/{enrolment.id}/open-week", token_from="/staff/").status_code == 403
    denied = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")).all()
    assert [entry.subject for entry in denied] == [f"enrolment:{enrolment.id}"] * 2


def test_the_coach_opens_a_week_writes_a_note_and_ends_the_programme(
    app, client, db, enrolment, programmes, family_centre
):
    sign_in(client, app, family_centre["coach"])
    page = f"/staff/programmes/{enrolment.id}"
    client.submit(f"{page}/open-week", token_from=page)
    client.submit(f"{page}/note", {"week": "1", "text": "Samtal 1: morgnarna."}, token_from=page)
    refused = client.submit(f"{page}/note", {"week": "1", "text": "   "}, token_from=page)
    assert refused.status_code == 422
    client.submit(f"{page}/end", {"outcome": "completed"}, token_from=page)
    db.session.expire_all()
    found = db.session.get(Enrolment, enrolment.id)
    assert found.opened_through == 2 and found.state == "completed"
    assert [note.text for note in found.notes] == ["Samtal 1: morgnarna."]


def test_a_professional_enrols_a_family_from_the_child_page_and_the_email_carries_only_the_link(
    app, client, db, programmes, family_centre, mailbox
):
    sign_in(client, app, family_centre["nurse"])
    child_page = f"/staff/questionnaires/children/{family_centre['child_id']}"
    enrol = f"/staff/programmes/enrol/{family_centre['child_id']}"
    assert f'href="{enrol}"' in client.get(child_page).get_data(as_text=True)
    answer = client.submit(
        enrol,
        {
            "programme": "everyday_routines",
            "coach": str(family_centre["coach"].id),
            "language": "fi",
            "email": "perhe@example.com",
            "phone": "",
        },
        token_from=enrol,
    )
    assert answer.status_code == 302
    [message] = mailbox.to("perhe@example.com")
    body = message.get_body(("plain",)).get_content()
    assert "/p/" in body and "lang=fi" in body and "Elsa" not in body
    found = db.session.scalar(select(Enrolment))
    assert found.coach_id == family_centre["coach"].id
    assert enrolments.invitations.membership(db.session.get(User, family_centre["coach"].id), found.child)


def test_open_courses_are_public_and_coached_programmes_are_not(client, programmes):
    listing = client.get("/courses/").get_data(as_text=True)
    assert "/courses/calm_evenings/" in listing and "everyday_routines" not in listing
    assert client.get("/courses/calm_evenings/week/2").status_code == 200
    assert client.get("/courses/everyday_routines/").status_code == 404
    image = client.get("/courses/calm_evenings/image/images/evening_routine.png")
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/png"
    assert client.get("/courses/calm_evenings/image/../programme.yaml").status_code == 404


def test_figures_count_without_naming_anyone(app, client, db, enrolment, programmes, clock, family_centre):
    enrolments.end(enrolment, programmes, completed=False, now=clock.moment + timedelta(days=2))
    db.session.commit()
    sign_in(client, app, family_centre["nurse"])
    page = client.get("/staff/programmes/figures?year=2026").get_data(as_text=True)
    assert "Elsa" not in page
    figures = programme_figures("everyday_routines", clock.moment - timedelta(days=1), clock.moment + timedelta(1))
    assert (figures.enrolled, figures.stopped, figures.drop_out_weeks) == (1, 1, {1: 1})


def test_purge_keeps_a_programme_in_use_and_deletes_one_ended_or_left_after_retention(
    app, db, enrolment, programmes, clock
):
    runner = app.test_cli_runner()
    block = programmes.weeks[0].answerable_blocks[0]
    clock.advance(days=700)
    enrolments.save_answer(enrolment, programmes, block.id, block.prompts[0].id, "Yhä mukana.", clock.moment)
    db.session.commit()
    clock.advance(days=400)  # three years after enrolling, but the family wrote a year ago
    runner.invoke(args=["purge"])
    db.session.expire_all()
    assert db.session.get(Enrolment, enrolment.id) is not None, "a programme in use is not purged"
    enrolments.end(db.session.get(Enrolment, enrolment.id), programmes, completed=True, now=clock.moment)
    db.session.commit()
    clock.advance(days=2 * 365 + 1)
    result = runner.invoke(args=["purge"])
    assert "programme enrolments" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(Enrolment)) is None and db.session.scalar(select(ExerciseAnswer)) is None


def test_ending_a_paused_programme_opens_no_week_the_family_did_not_have(db, enrolment, programmes, clock):
    enrolments.pause(enrolment, clock.moment + timedelta(days=2))
    enrolments.end(enrolment, programmes, completed=False, now=clock.moment + timedelta(days=30))
    assert enrolments.open_weeks(enrolment, programmes, clock.moment + timedelta(days=60)) == 1


def test_a_second_end_changes_nothing_and_sends_no_follow_up(app, client, db, enrolment, family_centre, mailbox):
    sign_in(client, app, family_centre["coach"])
    page = f"/staff/programmes/{enrolment.id}"
    client.submit(f"{page}/end", {"outcome": "stopped"}, token_from=page)
    # A second tab still shows the form: ending again as completed must not send the final questionnaire.
    again = client.submit(f"{page}/end", {"outcome": "completed"}, token_from=page, follow_redirects=True)
    assert "Programmet hade redan avslutats" in again.get_data(as_text=True)
    db.session.expire_all()
    found = db.session.get(Enrolment, enrolment.id)
    assert found.state == "stopped" and found.final_visit_id is None and not mailbox.messages


def test_the_family_books_at_most_two_calls_ahead(app, client, db, enrolment, family_centre):
    from tests.support.helpers import next_week

    phone = family(app, client, "sv")
    token = _link(app, enrolment)
    coach = family_centre["coach"].id
    for _ in range(enrolments.MAX_UPCOMING_CALLS):
        times = phone.get(next_week(f"/p/{token}/call?professional={coach}")).get_data(as_text=True)
        slot = re.findall(r'name="slot" value="([^"]+)"', times)[0]
        details = f"/p/{token}/call/details"
        phone.submit(
            details,
            {"slot": slot, "guardian_name": "Anna", "guardian_phone": "040 123 4567", "language": "sv"},
            token_from=f"{details}?slot={slot}",
        )
    refused = phone.get(f"/p/{token}/call?professional={coach}", follow_redirects=True).get_data(as_text=True)
    assert "Du har redan 2 samtal bokade." in refused
    assert f'href="/p/{token}/call"' not in refused
    assert len(enrolment.calls) == 2


def test_the_same_family_is_not_enrolled_twice_in_one_programme(app, client, db, enrolment, family_centre):
    sign_in(client, app, family_centre["nurse"])
    enrol = f"/staff/programmes/enrol/{family_centre['child_id']}"
    answer = client.submit(
        enrol,
        {"programme": "everyday_routines", "coach": str(family_centre["coach"].id), "language": "sv"},
        token_from=enrol,
    )
    assert answer.status_code == 422 and "Familjen deltar redan i det här programmet." in answer.get_data(as_text=True)
    assert db.session.query(Enrolment).count() == 1


def test_an_administrator_takes_a_course_out_of_use_and_families_no_longer_find_it(app, client, db, programmes):
    from tests.support.helpers import make_staff

    sign_in(client, app, make_staff({"admin"}, email="admin@famnen.example", name="Ada Admin"))
    page = client.get("/admin/programmes/").get_data(as_text=True)
    assert "calm_evenings" in page and "everyday_routines" in page
    client.submit("/admin/programmes/calm_evenings/use", token_from="/admin/programmes/")
    assert client.get("/courses/calm_evenings/").status_code == 404
    assert "/courses/calm_evenings/" not in client.get("/courses/").get_data(as_text=True)
    client.submit("/admin/programmes/calm_evenings/use", token_from="/admin/programmes/")
    assert client.get("/courses/calm_evenings/").status_code == 200


def test_a_professional_cannot_administer_programmes(app, client, family_centre, programmes):
    sign_in(client, app, family_centre["nurse"])
    assert client.get("/admin/programmes/").status_code == 403


def test_the_family_gets_another_coach_who_joins_the_case(app, client, db, enrolment, family_centre):
    from blueprints.organisation.models import Centre

    centre = db.session.get(Centre, family_centre["world"].centre_id)
    other = make_professional(centre, email="olli@famnen.example", name="Olli Valmentaja")
    sign_in(client, app, family_centre["coach"])
    page = f"/staff/programmes/{enrolment.id}"
    answer = client.submit(f"{page}/coach", {"coach": str(other.id)}, token_from=page, follow_redirects=True)
    assert "Olli Valmentaja" in answer.get_data(as_text=True)
    db.session.expire_all()
    found = db.session.get(Enrolment, enrolment.id)
    assert found.coach_id == other.id
    assert enrolments.invitations.membership(db.session.get(User, other.id), found.child) is not None
