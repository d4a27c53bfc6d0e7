"""An administrator answers a data request and reads the audit log in the browser."""

from tests.support.browser import sign_in_staff
from tests.support.helpers import make_staff
from tests.support.questionnaires import sent_response

TEXTS = {
    "sv": {
        "first_name": "Barnets förnamn",
        "born": "Barnets födelsedatum",
        "find": "Sök",
        "looked": "Vem som har tittat på uppgifterna",
        "audit": "Logg över användning",
    },
    "fi": {
        "first_name": "Lapsen etunimi",
        "born": "Lapsen syntymäaika",
        "find": "Hae",
        "looked": "Kuka on katsonut tietoja",
        "audit": "Käyttöloki",
    },
}


def test_a_data_request_and_the_audit_log(ui, db, family_centre, language):
    from blueprints.questionnaires.models import Child

    texts = TEXTS[language]
    sent_response(db, family_centre)
    born = db.session.get(Child, family_centre["child_id"]).date_of_birth.isoformat()
    sign_in_staff(ui, make_staff({"admin"}, email="dpo@famnen.example", name="Dora DPO"))
    ui.goto("/admin/data-requests")
    ui.page.get_by_label(texts["first_name"]).fill("Elsa")
    ui.page.get_by_label(texts["born"]).fill(born)
    ui.page.get_by_role("button", name=texts["find"]).click()
    ui.check()
    assert ui.page.get_by_role("heading", name=texts["looked"]).is_visible()
    ui.goto("/admin/audit")
    assert ui.page.get_by_role("heading", level=1).inner_text() == texts["audit"]
    assert "Dora DPO" in ui.page.locator("table").inner_text()
