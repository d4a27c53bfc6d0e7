"""Review sign-off: a professional marks a result as reviewed; who and when show on the result page, in the
lists, on the child's page, in the PDF and the audit log, and the first sign-off stands."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from blueprints.audit.models import AuditEntry
from blueprints.questionnaires.models import Response
from tests.support.helpers import make_staff, sign_in
from tests.support.pdf import pdf_text
from tests.support.questionnaires import sent_response

TEXTS = {
    "sv": {
        "button": "Markera som granskat",
        "not_yet": "Inte granskat ännu",
        "done": "Resultatet har markerats som granskat.",
        "by": r"Granskat</span> av Sara Nyström \d{1,2}\.\d{1,2}\.\d{4}",
        "badge": "Granskat",
        "child": "Granskat av Sara Nyström",
    },
    "fi": {
        "button": "Merkitse tarkistetuksi",
        "not_yet": "Ei vielä tarkistettu",
        "done": "Tulos on merkitty tarkistetuksi.",
        "by": r"Tarkistettu</span> Sara Nyström, \d{1,2}\.\d{1,2}\.\d{4}",
        "badge": "Tarkistettu",
        "child": "Tarkistanut Sara Nyström",
    },
}


def review_path(response_id: int) -> str:
    return f"/staff/questionnaires/responses/{response_id}/reviewed"


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_the_nurse_marks_a_result_as_reviewed_and_it_shows_everywhere(nurse_client, db, family_centre, language):
    texts = TEXTS[language]
    nurse_client.set_cookie("famnen_lang", language)
    response = sent_response(db, family_centre)
    page_path = f"/staff/questionnaires/responses/{response.id}"
    before = nurse_client.get(page_path).get_data(as_text=True)
    assert texts["not_yet"] in before and texts["button"] in before

    done = nurse_client.submit(review_path(response.id), token_from=page_path, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert texts["done"] in page
    assert re.search(texts["by"], page) and texts["button"] not in page

    listing = nurse_client.get("/staff/questionnaires").get_data(as_text=True)
    assert f'<span class="status-badge reviewed">{texts["badge"]}</span>' in listing
    child_page = nurse_client.get(f"/staff/questionnaires/children/{family_centre['child_id']}").get_data(as_text=True)
    assert texts["child"] in child_page

    stored = db.session.get(Response, response.id)
    assert stored.reviewed_by_name == "Sara Nyström" and stored.reviewed_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "review"))
    assert entry.subject == f"response:{response.id}" and entry.child_id == family_centre["child_id"]


def test_the_first_sign_off_stands(app, client, db, family_centre, nurse_client):
    response = sent_response(db, family_centre)
    page_path = f"/staff/questionnaires/responses/{response.id}"
    nurse_client.submit(review_path(response.id), token_from=page_path)
    first = db.session.get(Response, response.id).reviewed_at

    colleague = make_staff({"professional"}, email="johanna@famnen.example", name="Johanna Korhonen")
    nurse_client.submit(
        f"/staff/questionnaires/children/{family_centre['child_id']}",
        {"colleague": str(colleague.id)},
        token_from=f"/staff/questionnaires/children/{family_centre['child_id']}",
    )
    reader = app.test_client()
    reader.html_checker = client.html_checker
    sign_in(reader, app, colleague)
    # Her page was loaded before the nurse's sign-off: she presses the button as well.
    again = reader.submit(review_path(response.id), token_from=page_path, follow_redirects=True)
    assert "Sara Nyström hade redan markerat resultatet som granskat" in again.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Response, response.id)
    assert stored.reviewed_by_name == "Sara Nyström" and stored.reviewed_at == first
    assert (
        db.session.scalar(
            select(AuditEntry.id).where(AuditEntry.action == "review", AuditEntry.actor_id == colleague.id)
        )
        is None
    )


def test_only_the_case_may_sign_off_and_a_refusal_is_logged(app, client, db, family_centre):
    response = sent_response(db, family_centre)
    outsider = make_staff({"professional"}, email="other@famnen.example", name="Other Nurse")
    sign_in(client, app, outsider)
    refused = client.submit(review_path(response.id), token_from="/staff/questionnaires")
    assert refused.status_code == 403
    assert db.session.get(Response, response.id).reviewed_at is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.actor_id == outsider.id)).action == "denied"


def test_unsent_answers_cannot_be_signed_off(db, family_centre, nurse_client):
    from tests.support.questionnaires import make_visit

    visit = make_visit(db, family_centre, instruments=("phq9",))
    refused = nurse_client.submit(review_path(visit.responses[0].id), token_from="/staff/questionnaires")
    assert refused.status_code == 404


@pytest.mark.parametrize(
    ("language", "line"), [("sv", "Granskat: av Sara Nyström"), ("fi", "Tarkistettu: Sara Nyström,")]
)
def test_the_pdf_says_who_reviewed_the_result(db, family_centre, nurse_client, language, line):
    response = sent_response(db, family_centre)

    def pdf() -> str:
        return pdf_text(nurse_client.get(f"/staff/reports/responses/{response.id}.pdf?lang={language}").data)

    assert TEXTS[language]["not_yet"] in pdf()
    nurse_client.submit(review_path(response.id), token_from=f"/staff/questionnaires/responses/{response.id}")
    text = pdf()
    assert line in text and TEXTS[language]["not_yet"] not in text
