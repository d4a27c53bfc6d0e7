"""A child's case as a person, without HTTP: names and labels, the personal identity code, guardians, the setting."""

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app import create_app
from blueprints.operations.retention import purge
from blueprints.questionnaires import cases, invitations
from blueprints.questionnaires.cases import GuardianDetails, PersonalIdProblem
from blueprints.questionnaires.models import Guardian, Guardianship
from config import ConfigurationError
from core.personal_id import InvalidPersonalId
from core.timeutil import utcnow
from tests.support.config import BASE_CONFIG

BORN = date(2022, 4, 3)
CODE = "030422A123T"  # a valid code of a child born 3.4.2022


def test_a_child_is_labelled_with_name_and_date_of_birth_in_the_readers_language(app, db, nurse):
    child = invitations.open_case("Ville", BORN, nurse, "Virtanen")
    with app.test_request_context():
        labels = {}
        for language in ("sv", "fi", "en"):
            with force_locale(language):
                labels[language] = child.label
    assert labels == {
        "sv": "Ville Virtanen (f. 3.4.2022)",
        "fi": "Ville Virtanen (s. 3.4.2022)",
        "en": "Ville Virtanen (b. 3 Apr 2022)",
    }
    assert child.display_name == "Ville Virtanen"


def test_a_case_carried_over_without_a_surname_is_called_by_its_first_name(app, db, nurse):
    child = invitations.open_case("Elsa", date(2022, 9, 15), nurse)
    with app.test_request_context(), force_locale("sv"):
        assert (child.display_name, child.label) == ("Elsa", "Elsa (f. 15.9.2022)")


def test_two_children_of_the_same_name_are_told_apart_in_the_pick_list(app, db, nurse):
    invitations.open_case("Ville", BORN, nurse, "Virtanen")
    invitations.open_case("Ville", date(2019, 11, 30), nurse, "Virtanen")
    db.session.flush()
    with app.test_request_context(), force_locale("fi"):
        labels = [child.label for child in invitations.linkable_children(nurse) if child.first_name == "Ville"]
    assert labels == ["Ville Virtanen (s. 30.11.2019)", "Ville Virtanen (s. 3.4.2022)"]


def test_the_personal_identity_code_is_stored_canonical_and_shown_masked(db, nurse):
    code = cases.checked_personal_id(" 030422a123t ", BORN)
    child = invitations.open_case("Ville", BORN, nurse, "Virtanen", code)
    db.session.flush()
    assert child.personal_id == CODE
    assert child.masked_personal_id == "030422-****"
    assert invitations.open_case("Aino", BORN, nurse, "Virtanen").masked_personal_id == ""
    assert cases.checked_personal_id("   ", BORN) is None


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("030422A123", "format"),
        ("300222A123T", "date"),
        ("030422A001N", "individual number"),
        ("030422A123U", "control character"),
    ],
)
def test_a_wrong_code_is_refused_with_the_reason_and_without_the_code(db, typed, reason):
    with pytest.raises(InvalidPersonalId) as refused:
        cases.checked_personal_id(typed, BORN)
    assert refused.value.reason == reason
    assert typed not in str(refused.value) and typed[:6] not in repr(refused.value)


def test_the_code_must_be_of_the_childs_date_of_birth_and_of_one_case_only(db, nurse):
    with pytest.raises(PersonalIdProblem) as other_day:
        cases.checked_personal_id(CODE, date(2022, 4, 4))
    assert other_day.value.reason == "birth date"
    ville = invitations.open_case("Ville", BORN, nurse, "Virtanen", CODE)
    db.session.flush()
    with pytest.raises(PersonalIdProblem) as taken:
        cases.checked_personal_id(CODE, BORN)
    assert taken.value.reason == "in use"
    assert cases.checked_personal_id(CODE, BORN, ville) == CODE  # the child's own code, saved again


def test_the_2023_century_signs_are_accepted(db):
    assert cases.checked_personal_id("030422B123T", BORN) == "030422B123T"


def test_a_guardian_may_be_linked_to_siblings_and_goes_with_the_last_of_them(db, nurse):
    ville = invitations.open_case("Ville", BORN, nurse, "Virtanen")
    aino = invitations.open_case("Aino", date(2020, 1, 1), nurse, "Virtanen")
    db.session.flush()
    cases.save_guardians(
        ville,
        [
            GuardianDetails("Sanna Virtanen", "mother", "Sanna@Example.fi", "040 123 4567"),
            GuardianDetails("Mikko Virtanen", "father"),
        ],
        [],
    )
    assert [(g.guardian.name, g.relation, g.guardian.email) for g in ville.guardianships] == [
        ("Sanna Virtanen", "mother", "sanna@example.fi"),
        ("Mikko Virtanen", "father", ""),
    ]
    known = cases.known_guardians(nurse, aino)
    assert [g.name for g in known] == ["Mikko Virtanen", "Sanna Virtanen"]
    sanna = next(g for g in known if g.name == "Sanna Virtanen")
    assert cases.link_guardian(aino, sanna, "mother") and not cases.link_guardian(aino, sanna, "mother")
    assert {
        g.child_id for g in db.session.scalars(select(Guardianship).where(Guardianship.guardian_id == sanna.id))
    } == {ville.id, aino.id}

    # Ville's case loses both guardians: Mikko, linked to no other child, is deleted; Sanna stays as Aino's mother.
    cases.save_guardians(ville, [], [])
    assert ville.guardianships == []
    assert db.session.scalars(select(Guardian.name)).all() == ["Sanna Virtanen"]


def test_a_guardian_of_someone_elses_case_cannot_be_taken_over_by_its_id(db, nurse, family_centre):
    stranger = invitations.open_case("Otto", BORN, nurse, "Muu")
    db.session.flush()
    cases.save_guardians(stranger, [GuardianDetails("Outi Muu", "mother")], [])
    outi = stranger.guardianships[0].guardian
    mine = invitations.open_case("Ville", BORN, nurse, "Virtanen")
    db.session.flush()
    cases.save_guardians(mine, [GuardianDetails("Renamed", "mother", guardian_id=outi.id)], [])
    assert outi.name == "Outi Muu" and mine.guardianships == []


@pytest.mark.parametrize(
    ("value", "expected"), [(None, True), ("on", True), ("off", False), (False, False), ("true", True), ("0", False)]
)
def test_the_personal_identity_code_setting_reads_on_and_off(tmp_path, value, expected):
    settings = {**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    if value is not None:
        settings["PERSONAL_ID"] = value
    assert create_app(settings).config["PERSONAL_ID"] is expected


def test_a_misspelt_setting_stops_the_start(tmp_path):
    with pytest.raises(ConfigurationError, match="PERSONAL_ID must be on or off"):
        create_app({**BASE_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PERSONAL_ID": "maybe"})


def test_a_guardian_is_purged_with_the_last_childs_case_they_belong_to(db, nurse):
    long_ago = utcnow() - timedelta(days=365 * 5)
    old = invitations.open_case("Otto", date(2015, 1, 1), nurse, "Vanha")
    old.created_at = long_ago
    kept = invitations.open_case("Ville", BORN, nurse, "Virtanen")
    db.session.flush()
    cases.save_guardians(
        old, [GuardianDetails("Only Otto's", "father"), GuardianDetails("Sanna Virtanen", "mother")], []
    )
    sanna = next(g.guardian for g in old.guardianships if g.relation == "mother")
    cases.link_guardian(kept, sanna, "mother")
    db.session.commit()
    report = purge(utcnow())
    db.session.commit()
    assert (report.counts["children"], report.counts["guardians"]) == (1, 1)
    assert db.session.scalars(select(Guardian.name)).all() == ["Sanna Virtanen"]
