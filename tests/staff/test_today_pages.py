"""The Today page over HTTP: what each role sees in Swedish and Finnish, acknowledging with and without
htmx, refusals.
"""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from blueprints.audit.models import AuditEntry
from blueprints.auth.models import User
from blueprints.organisation.models import Centre
from blueprints.staff.models import FlagAcknowledgement
from core.timeutil import local_to_utc
from tests.support.factories import make_centre, make_professional
from tests.support.helpers import make_staff, sign_in
from tests.support.today import DAY, make_appointment, send_phq9

TEXTS = {
    "sv": {
        "title": "I dag",
        "urgent": "Brådskande",
        "act": "Jag har åtgärdat detta",
        "badge": "1 brådskande",
        "none": "Inga brådskande varningar väntar på dig.",
        "done": "Markerat som åtgärdat: Elsa, Frågeformulär om nedstämdhet (PHQ-9).",
        "appointments": "Dina tider i dag",
        "state": "Besvarad – brådskande",
    },
    "fi": {
        "title": "Tänään",
        "urgent": "Kiireellinen",
        "act": "Olen hoitanut tämän",
        "badge": "1 kiireellinen",
        "none": "Sinua ei odota kiireellisiä hälytyksiä.",
        "done": "Merkitty hoidetuksi: Elsa, Mielialakysely (PHQ-9).",
        "appointments": "Sinun aikasi tänään",
        "state": "Vastattu – kiireellinen",
    },
}


@pytest.fixture
def flagged(db, family_centre, morning):
    """A PHQ-9 with item 9 above 0, sent two hours ago, and an appointment this afternoon linked to the child."""
    response = send_phq9(family_centre["child_id"], family_centre["nurse"].id, morning - timedelta(hours=2))
    make_appointment(family_centre["world"], local_to_utc(DAY, time(13)), child_id=family_centre["child_id"])
    return response.id


def acknowledge_path(response_id: int) -> str:
    return f"/staff/flags/{response_id}/acknowledge"


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_the_nurse_sees_the_flag_first_and_the_count_in_the_header(nurse_client, flagged, language):
    nurse_client.set_cookie("famnen_lang", language)
    texts = TEXTS[language]
    page = nurse_client.get("/staff/").get_data(as_text=True)
    assert f"<h1>{texts['title']}" in page
    assert page.index(texts["urgent"]) < page.index(texts["appointments"])  # urgent first
    assert texts["act"] in page and "Elsa" in page and "PHQ-9" in page
    assert texts["state"] in page  # the afternoon's appointment waits on a flagged answer
    header = page.split("<main", 1)[0]
    assert texts["badge"] in header and 'href="/staff/"' in header
    # Every staff page carries the count, not only Today.
    assert texts["badge"] in nurse_client.get("/staff/agenda").get_data(as_text=True).split("<main", 1)[0]


def test_showing_today_is_audit_logged(nurse_client, db, flagged, family_centre):
    nurse_client.get("/staff/")
    listed = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "list", AuditEntry.page == "GET /staff/")
    ).all()
    assert {entry.subject for entry in listed} >= {f"response:{flagged}"}
    assert {entry.child_id for entry in listed} == {family_centre["child_id"]}


def test_acknowledging_without_javascript(nurse_client, db, flagged, family_centre, morning):
    response = nurse_client.submit(acknowledge_path(flagged), {"note": "Ringde familjen."}, token_from="/staff/")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = nurse_client.get("/staff/").get_data(as_text=True)
    assert TEXTS["sv"]["done"] in page and TEXTS["sv"]["none"] in page
    assert "brådskande</span>" not in page.split("<main", 1)[0]
    acknowledgement = db.session.get(FlagAcknowledgement, flagged)
    assert (
        acknowledgement.acknowledged_by_id == family_centre["nurse"].id and acknowledgement.acknowledged_at == morning
    )
    assert acknowledgement.note == "Ringde familjen."
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "acknowledge"))
    assert entry.subject == f"response:{flagged}" and entry.child_id == family_centre["child_id"]
    assert entry.basis == "professional who opened the case"


def test_acknowledging_with_htmx_swaps_the_section_moves_focus_and_announces(nurse_client, db, flagged):
    response = nurse_client.submit(acknowledge_path(flagged), token_from="/staff/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert re.search(r'<p [^>]*tabindex="-1" data-autofocus>Markerat som åtgärdat: Elsa, Frågeformulär', fragment)
    assert (
        '<div data-hx-swap-oob="innerHTML:#live-region">'
        "Markerat som åtgärdat: Elsa, Frågeformulär om nedstämdhet (PHQ-9).</div>" in fragment
    )
    assert re.search(r'<span id="urgent-count" data-hx-swap-oob="true">\s*</span>', fragment)  # the badge empties
    assert TEXTS["sv"]["none"] in fragment
    assert db.session.get(FlagAcknowledgement, flagged) is not None


def test_a_second_acknowledgement_names_who_acted_first(app, nurse_client, db, flagged, family_centre, morning):
    nurse_client.submit(acknowledge_path(flagged), token_from="/staff/")
    again = nurse_client.submit(acknowledge_path(flagged), token_from="/staff/", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Sara Nyström hade redan markerat att det är åtgärdat." in again


def test_a_too_long_note_is_refused_with_a_message_and_nothing_is_recorded(nurse_client, db, flagged):
    response = nurse_client.submit(
        acknowledge_path(flagged), {"note": "x" * 501}, token_from="/staff/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert re.search(
        r'<p class="error-message" id="note-error-\d+" tabindex="-1" data-autofocus>Högst 500 tecken.</p>',
        response.get_data(as_text=True),
    )
    assert db.session.get(FlagAcknowledgement, flagged) is None


def test_staff_of_another_centre_are_refused_and_it_is_logged(app, client, db, flagged, family_centre):
    elsewhere = make_centre(slug="annan", name_sv="Annat center", name_fi="Muu keskus")
    stranger = make_professional(elsewhere, email="olli@famnen.example", name="Olli Muu")
    sign_in(client, app, stranger)
    page = client.get("/staff/").get_data(as_text=True)
    assert "Elsa" not in page and "brådskande" not in page.lower().split("<main", 1)[0]
    response = client.submit(acknowledge_path(flagged), token_from="/staff/")
    assert response.status_code == 403
    denied = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "denied"))
    assert denied.actor_id == stranger.id and denied.subject == f"response:{flagged}"
    assert db.session.get(FlagAcknowledgement, flagged) is None


def test_reception_sees_its_centres_day_without_questionnaires(app, client, db, flagged, family_centre):
    reception = make_staff({"reception"}, email="pia@famnen.example", name="Pia Holmström")
    db.session.get(User, reception.id).centres = [db.session.get(Centre, family_centre["world"].centre_id)]
    db.session.commit()
    sign_in(client, app, reception)
    page = client.get("/staff/").get_data(as_text=True)
    assert "Tider på familjecentret i dag" in page and "Maria Sundström" in page and "Sara Nyström" in page
    assert "PHQ-9" not in page and "Brådskande" not in page
    assert client.submit(acknowledge_path(flagged), token_from="/staff/").status_code == 403


def test_an_unknown_or_unflagged_response_cannot_be_acknowledged(nurse_client, db, family_centre, morning):
    calm = send_phq9(family_centre["child_id"], family_centre["nurse"].id, morning, item9="not_at_all")
    assert nurse_client.submit(acknowledge_path(calm.id), token_from="/staff/").status_code == 404
    assert nurse_client.submit(acknowledge_path(999_999), token_from="/staff/").status_code == 404


def test_the_questionnaire_list_marks_a_flagged_answer_in_words(nurse_client, db, flagged, family_centre, morning):
    send_phq9(family_centre["child_id"], family_centre["nurse"].id, morning - timedelta(hours=1), item9="not_at_all")
    page = nurse_client.get("/staff/questionnaires").get_data(as_text=True)
    rows = re.findall(r"<li>Frågeformulär om nedstämdhet \(PHQ-9\): (.*?)</li>", page)
    assert len(rows) == 2
    assert sum('<span class="urgent-marker">Brådskande</span>' in row for row in rows) == 1


def test_the_agenda_links_a_linked_appointment_to_the_childs_answers(nurse_client, flagged, family_centre):
    page = nurse_client.get(f"/staff/agenda?day={DAY.isoformat()}").get_data(as_text=True)
    assert f'href="/staff/questionnaires/children/{family_centre["child_id"]}">Svaren om barnet' in page
