"""Families find a family café, register, queue and get a place when another cancels; staff print the list."""

import re
import subprocess
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from blueprints.activities.models import ActivityKind, AgeGroup, Registration, RegistrationStatus
from blueprints.auth.models import User
from blueprints.organisation.models import Centre
from extensions import db as database
from tests.support.activities_factories import make_activity, make_date
from tests.support.browser import sign_in_staff
from tests.support.factories import make_centre
from tests.support.helpers import make_staff

TEXTS = {
    "sv": {
        "nav": "Träffpunkter",
        "type": "Typ",
        "shown": "1 verksamhet visas.",
        "title": "Familjecafé",
        "name": "Ditt namn",
        "email": "E-postadress",
        "phone": "Mobilnummer",
        "adults": "Vuxna",
        "children": "Barn",
        "register": "Anmäl dig",
        "queue": "Ställ dig på reservlistan",
        "has_place": "Du har en plats. Välkommen!",
        "full": "Fullt – reservlista",
        "position": "Du är nummer 1 på reservlistan.",
        "cancel": "Avboka anmälan",
        "cancelled": "Din anmälan har avbokats.",
        "confirmed_subject": "Anmälan bekräftad: Familjecafé",
        "waiting_subject": "På reservlistan: Familjecafé",
        "promoted_subject": "Du fick en plats: Familjecafé",
        "staff_nav": "Gruppverksamhet",
        "participants": "Deltagare",
        "print": "Skriv ut listan",
        "came": "Kom",
        "marked": "Bertil Berg: antecknad som kom.",
        "case": "Barnets ärende",
        "link": "Koppla till ärendet",
        "linked": "Bertil Berg: kopplad till ärendet för Elsa (f. 15.9.2022).",
        "elsa": "Elsa (f. 15.9.2022)",
    },
    "fi": {
        "nav": "Kohtaamispaikat",
        "type": "Tyyppi",
        "shown": "1 toiminta näytetään.",
        "title": "Perhekahvila",
        "name": "Nimesi",
        "email": "Sähköpostiosoite",
        "phone": "Matkapuhelinnumero",
        "adults": "Aikuisia",
        "children": "Lapsia",
        "register": "Ilmoittaudu",
        "queue": "Ilmoittaudu varasijalle",
        "has_place": "Sinulla on paikka. Tervetuloa!",
        "full": "Täynnä – varasijalista",
        "position": "Olet varasijalistalla sijalla 1.",
        "cancel": "Peru ilmoittautuminen",
        "cancelled": "Ilmoittautumisesi on peruttu.",
        "confirmed_subject": "Ilmoittautuminen vahvistettu: Perhekahvila",
        "waiting_subject": "Varasijalla: Perhekahvila",
        "promoted_subject": "Sait paikan: Perhekahvila",
        "staff_nav": "Ryhmätoiminta",
        "participants": "Osallistujat",
        "print": "Tulosta lista",
        "came": "Saapui",
        "marked": "Bertil Berg: merkitty saapuneeksi.",
        "case": "Lapsen asia",
        "link": "Liitä asiaan",
        "linked": "Bertil Berg: liitetty lapsen Elsa (s. 15.9.2022) asiaan.",
        "elsa": "Elsa (s. 15.9.2022)",
    },
}
MANAGE_LINK = re.compile(r"http://localhost(/activities/registration/\S+)")


@pytest.fixture
def cafe(db):
    """A family café with registration and three places, a parent group beside it, and reception at the centre."""
    centre = make_centre()
    activity = make_activity(
        centre.id,
        title_sv="Familjecafé",
        title_fi="Perhekahvila",
        title_en="Family café",
        kind=ActivityKind.FAMILY_CAFE,
        age_group=AgeGroup.ALL,
        capacity=3,
    )
    make_date(make_activity(centre.id), starts_in=timedelta(days=2))  # a parent group, filtered away below
    activity_date = make_date(activity, starts_in=timedelta(days=3))
    reception = make_staff({"reception"}, email="pia@famnen.example", name="Pia Holmström")
    database.session.get(User, reception.id).centres = [database.session.get(Centre, centre.id)]
    database.session.commit()
    return activity_date.id, reception


def fill_registration(page, texts, name, email, adults, children):
    page.get_by_label(texts["name"]).fill(name)
    page.get_by_label(texts["email"]).fill(email)
    page.get_by_label(texts["phone"]).fill("040 123 4567")
    page.get_by_label(texts["adults"]).fill(adults)
    page.get_by_label(texts["children"]).fill(children)


def test_a_parent_registers_a_second_queues_and_moves_up_when_the_first_cancels(new_ui, cafe, mailbox, language):
    texts = TEXTS[language]
    date_id, reception = cafe

    # The first parent finds the family café on a phone and registers two adults and a child.
    first = new_ui(width=390)
    page = first.page
    first.goto("/")
    page.get_by_role("link", name=texts["nav"]).first.click()
    first.check()
    page.get_by_label(texts["type"]).focus()
    page.get_by_label(texts["type"]).select_option("family_cafe")
    expect(page.locator("#live-region")).to_have_text(texts["shown"])
    assert "type=family_cafe" in page.url
    expect(page.get_by_label(texts["type"])).to_be_focused()  # a filter that stays keeps the focus
    first.check()
    page.get_by_role("link", name=re.compile("^" + texts["title"])).click()
    first.check()
    fill_registration(page, texts, "Anna Lindholm", "anna@example.com", "2", "1")
    page.get_by_role("button", name=texts["register"]).click()
    first.check()
    expect(page.locator(".notice-success").first).to_contain_text(texts["has_place"])
    [confirmation] = mailbox.to("anna@example.com")
    assert confirmation["Subject"].startswith(texts["confirmed_subject"])
    manage_path = MANAGE_LINK.search(confirmation.get_body(preferencelist=("plain",)).get_content()).group(1)

    # The second parent finds the date full and joins the waiting list.
    second = new_ui()
    other = second.page
    second.goto(f"/activities/dates/{date_id}")
    expect(other.locator(".availability").first).to_have_text(texts["full"])
    fill_registration(other, texts, "Bertil Berg", "bertil@example.com", "1", "1")
    other.get_by_role("button", name=texts["queue"]).click()
    second.check()
    expect(other.locator(".position-number")).to_have_text(texts["position"])
    [queued] = mailbox.to("bertil@example.com")
    assert queued["Subject"].startswith(texts["waiting_subject"])

    # The first parent cancels through the link in the email; the place goes to the second.
    first.goto(manage_path)
    page.get_by_role("button", name=texts["cancel"]).click()
    first.check()
    expect(page.locator(".flashes")).to_contain_text(texts["cancelled"])
    promoted = mailbox.to("bertil@example.com")[-1]
    assert promoted["Subject"].startswith(texts["promoted_subject"])
    assert [part for part in promoted.iter_attachments() if part.get_content_type() == "text/calendar"]
    other.reload()
    second.check()
    expect(other.locator(".notice-success")).to_have_text(texts["has_place"])
    assert len(mailbox.to("anna@example.com")) == 2 and len(mailbox.to("bertil@example.com")) == 2

    # Reception prints the participant list.
    staff = new_ui()
    sign_in_staff(staff, reception)
    staff.page.get_by_role("link", name=texts["staff_nav"]).first.click()
    staff.check()
    staff.page.get_by_role("link", name=texts["title"]).click()
    staff.check()
    staff.page.get_by_role("link", name=re.compile("^" + texts["participants"])).first.click()
    staff.check()
    participants = staff.page.locator("table.participants")
    expect(participants).to_contain_text("Bertil Berg")
    expect(participants).not_to_contain_text("Anna Lindholm")
    expect(staff.page.get_by_role("button", name=texts["print"])).to_be_visible()  # shown by the script
    staff.page.emulate_media(media="print")
    expect(staff.page.locator(".site-header")).to_be_hidden()
    expect(staff.page.locator(".button-row.no-print")).to_be_hidden()
    expect(participants).to_be_visible()
    pdf = staff.page.pdf(format="A4")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Bertil Berg" in text and "040 1234567" in text


def test_staff_mark_attendance_without_leaving_the_list(new_ui, cafe, language):
    texts = TEXTS[language]
    date_id, reception = cafe
    from blueprints.activities.models import ActivityDate
    from core.timeutil import utcnow

    activity_date = database.session.get(ActivityDate, date_id)
    activity_date.starts_at, activity_date.ends_at = utcnow() - timedelta(minutes=30), utcnow() + timedelta(minutes=60)
    database.session.add(
        Registration(
            date_id=date_id,
            arrival=1,
            status=RegistrationStatus.CONFIRMED,
            adults=1,
            children=1,
            guardian_name="Bertil Berg",
            language=language,
            reference="ref-bertil",
        )
    )
    database.session.commit()
    staff = new_ui()
    sign_in_staff(staff, reception)
    staff.goto(f"/staff/activities/dates/{date_id}")
    came = staff.page.get_by_role("button", name=re.compile("^" + texts["came"] + r" ?: Bertil Berg"))
    expect(came).to_have_attribute("aria-pressed", "false")
    came.click()
    expect(staff.page.locator("#live-region")).to_have_text(texts["marked"])
    expect(came).to_have_attribute("aria-pressed", "true")
    expect(came).to_be_focused()  # the button keeps the focus after the row is swapped
    staff.check()
    database.session.expire_all()
    assert database.session.get(Registration, 1).attendance.value == "attended"


def test_the_leader_links_a_visit_to_a_childs_case_on_the_list(new_ui, cafe, language):
    texts = TEXTS[language]
    date_id, _reception = cafe
    from datetime import date

    from blueprints.activities.models import ActivityDate
    from blueprints.questionnaires import invitations

    activity_date = database.session.get(ActivityDate, date_id)
    nurse = make_staff({"professional"}, email="sara@famnen.example", name="Sara Nyström")
    activity_date.activity.leaders.append(database.session.get(User, nurse.id))
    child = invitations.open_case("Elsa", date(2022, 9, 15), database.session.get(User, nurse.id))
    database.session.add(
        Registration(
            date_id=date_id,
            arrival=1,
            status=RegistrationStatus.CONFIRMED,
            adults=1,
            children=1,
            guardian_name="Bertil Berg",
            language=language,
            reference="ref-bertil",
        )
    )
    database.session.commit()
    staff = new_ui()
    sign_in_staff(staff, nurse)
    staff.goto(f"/staff/activities/dates/{date_id}")
    staff.check()
    staff.page.get_by_label(re.compile("^" + texts["case"] + r" ?: Bertil Berg")).select_option(label=texts["elsa"])
    staff.page.get_by_role("button", name=re.compile("^" + texts["link"] + r" ?: Bertil Berg")).click()
    expect(staff.page.locator("#live-region")).to_have_text(texts["linked"])
    staff.check()
    database.session.expire_all()
    assert database.session.get(Registration, 1).child_id == child.id
