"""Data requests cover programmes: found by the child or the family's contact details, exported with every answer
and note, erased on request; views of the programme are listed."""

import json

from sqlalchemy import func, select

from blueprints.auth.models import User
from blueprints.programmes import enrolments
from blueprints.programmes.models import Enrolment, ExerciseAnswer
from blueprints.questionnaires.models import Child
from tests.support.helpers import make_staff, sign_in


def test_a_programme_is_found_exported_and_erased_with_its_answers_and_notes(
    app, client, db, enrolment, programmes, family_centre, clock
):
    block = programmes.weeks[0].answerable_blocks[0]
    enrolments.save_answer(
        enrolment, programmes, block.id, block.prompts[0].id, "Aamut ovat rauhallisempia.", clock.moment
    )
    coach = db.session.get(User, family_centre["coach"].id)
    enrolments.add_note(enrolment, 1, "Ensimmäinen puhelu sujui hyvin.", coach, clock.moment)
    db.session.commit()
    coach_client = app.test_client()
    coach_client.html_checker = client.html_checker
    sign_in(coach_client, app, family_centre["coach"])
    coach_client.get(f"/staff/programmes/{enrolment.id}")

    sign_in(client, app, make_staff({"admin"}, email="dpo@famnen.example", name="Dora DPO"))
    query = {"email": "perhe@example.com"}
    page = client.get("/admin/data-requests", query_string=query).get_data(as_text=True)
    assert "1 program med svaren och coachens anteckningar" in page
    exported = json.loads(client.get("/admin/data-requests/export.json", query_string=query).data)
    [programme] = exported["programmes"]
    assert programme["answers"][0]["answer"] == "Aamut ovat rauhallisempia."
    assert programme["coach_notes"][0]["text"] == "Ensimmäinen puhelu sujui hyvin."
    assert any(entry["who"] == "Katja Lehtonen" for entry in exported["who_has_looked_at_the_data"])

    child = db.session.get(Child, family_centre["child_id"])
    by_child = {"first_name": "Elsa", "date_of_birth": child.date_of_birth.isoformat()}
    done = client.submit(
        "/admin/data-requests/erase",
        {**by_child, "confirm": "radera"},
        token_from="/admin/data-requests",
        follow_redirects=True,
    )
    assert "Dessutom raderat: 1 program med svar och anteckningar." in done.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 0
    assert db.session.scalar(select(func.count()).select_from(ExerciseAnswer)) == 0
