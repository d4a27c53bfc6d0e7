"""The professional's pages of a child's case: opening and editing it with guardians, in Swedish and Finnish.

The personal identity code is typed once and then only ever seen masked: never in a page after
saving, an address, the request log, an audit entry, a PDF or its file name.
"""

import json
import logging
import re
from datetime import date

import pytest
from sqlalchemy import select

from blueprints.audit.models import AuditEntry
from blueprints.auth.models import User
from blueprints.questionnaires import answering, invitations
from blueprints.questionnaires.models import Child, Guardian
from core.timeutil import utcnow
from tests.support.helpers import make_staff, sign_in
from tests.support.pdf import pdf_text

CODE = "030422A123T"  # a valid code of a child born 3.4.2022
NEW = "/staff/questionnaires/children/new"
VILLE = {
    "first_name": "Ville",
    "surname": "Virtanen",
    "date_of_birth": "2022-04-03",
    "personal_id": CODE.lower(),
    "guardians-0-name": "Sanna Virtanen",
    "guardians-0-relation": "mother",
    "guardians-0-email": "sanna@example.fi",
    "guardians-0-phone": "040 123 4567",
    "guardians-1-name": "",
    "guardians-1-relation": "father",
}


def open_ville(client, language="sv"):
    client.set_cookie("famnen_lang", language)
    return client.submit(NEW, VILLE, token_from=NEW, follow_redirects=True)


def the_code_leaks(text: str) -> bool:
    """The whole code or its hidden part, in any case."""
    return CODE in text.upper() or "A123T" in text.upper()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "sv",
            [
                "Ärendet för Ville Virtanen har öppnats.",
                "Personbeteckning",
                "030422-****",
                "Mamma",
                "Sanna Virtanen, sanna@example.fi, 040 123 4567",
            ],
        ),
        (
            "fi",
            [
                "Lapsen Ville Virtanen asia on avattu.",
                "Henkilötunnus",
                "030422-****",
                "Äiti",
                "Sanna Virtanen, sanna@example.fi, 040 123 4567",
            ],
        ),
    ],
)
def test_a_professional_opens_a_case_with_a_guardian_and_sees_the_code_masked(
    nurse_client, db, language, texts, capsys, caplog
):
    caplog.set_level(logging.DEBUG)
    response = open_ville(nurse_client, language)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and all(text in page for text in texts), page
    assert not the_code_leaks(page)
    child = db.session.scalar(select(Child).where(Child.first_name == "Ville"))
    assert (child.surname, child.date_of_birth, child.personal_id) == ("Virtanen", date(2022, 4, 3), CODE)
    assert [(g.guardian.name, g.relation) for g in child.guardianships] == [("Sanna Virtanen", "mother")]
    assert not the_code_leaks(response.request.url)

    # Neither the request log nor the audit log holds the code.
    logged = capsys.readouterr().err + "".join(
        record.getMessage() + json.dumps(getattr(record, "famnen_request", {})) for record in caplog.records
    )
    assert "POST /staff/questionnaires/children/new" in logged and not the_code_leaks(logged)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.child_id == child.id)).all()
    assert {e.action for e in entries} >= {"create", "view"}
    assert not any(
        the_code_leaks(" ".join(str(v) for v in (e.subject, e.page, e.basis, e.action, e.actor_name))) for e in entries
    )


def test_the_edit_page_keeps_the_code_unseen_and_can_remove_it(nurse_client, db):
    open_ville(nurse_client)
    child = db.session.scalar(select(Child).where(Child.first_name == "Ville"))
    edit = f"/staff/questionnaires/children/{child.id}/edit"
    form = nurse_client.get(edit).get_data(as_text=True)
    assert "Sparad: 030422-****. Lämna fältet tomt för att behålla den." in form and not the_code_leaks(form)
    assert 'value="Sanna Virtanen"' in form
    kept = nurse_client.submit(
        edit, {**VILLE, "personal_id": "", "surname": "Virtanen-Korhonen", "guardians-0-id": ""}, token_from=edit
    )
    assert kept.status_code == 302
    db.session.refresh(child)
    assert (child.surname, child.personal_id) == ("Virtanen-Korhonen", CODE)
    nurse_client.submit(edit, {**VILLE, "personal_id": "", "remove_personal_id": "y"}, token_from=edit)
    db.session.refresh(child)
    assert child.personal_id is None


def test_every_error_is_shown_at_once_and_nothing_typed_is_lost(nurse_client, db):
    nurse_client.set_cookie("famnen_lang", "fi")
    typed = {
        **VILLE,
        "first_name": "",
        "surname": "",
        "personal_id": "030422A123U",
        "guardians-0-name": "",
        "guardians-1-email": "isa@example.fi",
    }
    response = nurse_client.submit(NEW, typed, token_from=NEW)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in (
        "Kirjoita lapsen etunimi.",
        "Kirjoita lapsen sukunimi.",
        "Tarkistusmerkki ei täsmää",
        "Kirjoita huoltajan nimi.",
    ):
        assert message in page, message
    assert 'value="isa@example.fi"' in page and 'value="sanna@example.fi"' in page and 'value="040 123 4567"' in page
    # The code typed is in its own field only, never in a message.
    assert page.count("030422A123U") == 1 and re.search(
        r"<input[^>]*name=\"personal_id\"[^>]*value=\"030422A123U\"", page
    )
    assert db.session.scalar(select(Child).where(Child.first_name == "Ville")) is None


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("030422A12", "En personbeteckning har sex siffror"),
        ("300222A123T", "Personbeteckningens sex första siffror är inte ett datum."),
        ("030422A001N", "Individnumret"),
        ("040422A123E", "Personbeteckningen har ett annat födelsedatum än det som angetts."),
    ],
)
def test_a_wrong_code_is_explained_in_swedish(nurse_client, db, code, message):
    response = nurse_client.submit(NEW, {**VILLE, "personal_id": code}, token_from=NEW)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_code_already_in_another_case_is_refused(nurse_client, db):
    open_ville(nurse_client)
    again = nurse_client.submit(NEW, {**VILLE, "first_name": "Wille"}, token_from=NEW)
    assert again.status_code == 422
    assert "Ett annat barns ärende har redan den här personbeteckningen." in again.get_data(as_text=True)


@pytest.mark.parametrize("born", ["1926-04-03", "2090-01-01", "9999-12-31"])
def test_hostile_input_gets_a_page_with_errors_never_a_500(nurse_client, db, born):
    hostile = "<script>alert(1)</script>" + "Å" * 5000
    data = {
        "first_name": hostile,
        "surname": hostile,
        "date_of_birth": born,
        "personal_id": hostile,
        "guardians-0-name": hostile,
        "guardians-0-relation": "<b>aunt</b>",
        "guardians-0-email": hostile,
        "guardians-0-phone": hostile,
        "guardians-0-guardian_id": "'; DROP TABLE guardian; --",
        "guardians-99-name": "Far away row",
        "known_guardian": "999999",
        "known_relation": "x",
    }
    response = nurse_client.submit(NEW, data, token_from=NEW)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in page and "Namnet är för långt." in page
    assert db.session.scalar(select(Child).where(Child.first_name.like("<script>%"))) is None


def test_a_professional_without_part_in_the_case_cannot_edit_it(app, client, db, family_centre):
    other = make_staff({"professional"}, email="ulla@famnen.example", name="Ulla Other")
    sign_in(client, app, other)
    edit = f"/staff/questionnaires/children/{family_centre['child_id']}/edit"
    assert client.get(edit).status_code == 403


def test_a_guardian_of_a_sibling_is_linked_from_the_list(nurse_client, db):
    open_ville(nurse_client)
    aino = nurse_client.submit(
        NEW, {"first_name": "Aino", "surname": "Virtanen", "date_of_birth": "2020-01-01"}, token_from=NEW
    )
    child = db.session.scalar(select(Child).where(Child.first_name == "Aino"))
    edit = f"/staff/questionnaires/children/{child.id}/edit"
    assert aino.status_code == 302
    form = nurse_client.get(edit).get_data(as_text=True)
    sanna = db.session.scalar(select(Guardian).where(Guardian.name == "Sanna Virtanen"))
    assert "Sanna Virtanen, sanna@example.fi, 040 123 4567" in form
    nurse_client.submit(
        edit,
        {
            "first_name": "Aino",
            "surname": "Virtanen",
            "date_of_birth": "2020-01-01",
            "known_guardian": str(sanna.id),
            "known_relation": "mother",
        },
        token_from=edit,
    )
    db.session.refresh(sanna)
    assert sorted(g.child.first_name for g in sanna.guardianships) == ["Aino", "Ville"]


def test_the_pick_list_tells_two_children_of_the_same_name_apart(nurse_client, db, family_centre):
    nurse = db.session.get(User, family_centre["nurse"].id)
    invitations.open_case("Ville", date(2022, 4, 3), nurse, "Virtanen")
    invitations.open_case("Ville", date(2019, 11, 30), nurse, "Virtanen")
    db.session.commit()
    nurse_client.set_cookie("famnen_lang", "fi")
    page = nurse_client.get("/staff/questionnaires/new").get_data(as_text=True)
    assert "Ville Virtanen (s. 30.11.2019)" in page and "Ville Virtanen (s. 3.4.2022)" in page


@pytest.mark.parametrize("app_config", [{"PERSONAL_ID": False}], indirect=True)
def test_an_installation_without_personal_identity_codes_shows_no_field_and_stores_none(nurse_client, db):
    for path in (NEW, "/staff/questionnaires/new"):
        page = nurse_client.get(path).get_data(as_text=True)
        assert 'name="personal_id"' not in page and "Personbeteckning" not in page, path
    response = open_ville(nurse_client)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Ville Virtanen" in page and "Personbeteckning" not in page
    assert db.session.scalar(select(Child.personal_id).where(Child.first_name == "Ville")) is None


@pytest.mark.parametrize(("language", "born"), [("sv", "f. 3.4.2022"), ("fi", "s. 3.4.2022")])
def test_pdfs_name_the_child_in_full_with_the_code_masked_and_a_file_name_without_it(
    nurse_client, db, family_centre, language, born
):
    open_ville(nurse_client)
    child = db.session.scalar(select(Child).where(Child.first_name == "Ville"))
    nurse = db.session.get(User, family_centre["nurse"].id)
    visit = invitations.invite(child, nurse, ["phq9"], language, utcnow(), 30)
    response = visit.responses[0]
    answering.save_answers(
        response,
        answering.definition_of(response),
        {f"phq{n}": "several_days" for n in range(1, 10)} | {"phq_difficulty": "somewhat_difficult"},
        utcnow(),
    )
    answering.submit(response, utcnow())
    db.session.commit()
    for path in (
        f"/staff/reports/responses/{response.id}.pdf?lang={language}",
        f"/staff/reports/children/{child.id}.pdf?lang={language}",
    ):
        download = nurse_client.get(path)
        assert download.status_code == 200, path
        disposition = download.headers["Content-Disposition"]
        assert (
            re.search(r'filename="famnen-[^"]*\.pdf"', disposition)
            and "030422" not in disposition
            and not the_code_leaks(disposition)
        )
        text = " ".join(pdf_text(download.data).split())
        assert "Ville Virtanen" in text and "030422-****" in text and not the_code_leaks(text), text[:500]
        assert born in text or born.split()[1] in text
