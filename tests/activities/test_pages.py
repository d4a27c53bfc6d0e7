"""The activity pages over HTTP: the calendar, registering, the manage link, emails, feeds and the staff's pages."""

import csv
import io
import re
from datetime import date, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from blueprints.activities.models import (
    Activity,
    ActivityDate,
    ActivityKind,
    ActivityMessage,
    AgeGroup,
    Attendance,
    OrganiserKind,
    Registration,
    RegistrationStatus,
)
from blueprints.auth.models import User
from blueprints.organisation.models import Centre
from core import timeutil
from core.timeutil import local_to_utc, utcnow
from extensions import db as database
from tests.support.activities_factories import FAMILY_FORM, make_activity, make_date, make_registration
from tests.support.factories import make_centre
from tests.support.helpers import make_staff, sign_in

MANAGE_LINK = re.compile(r"http://localhost(/activities/registration/\S+)")


def register(client, activity_date, **changes):
    page = f"/activities/dates/{activity_date.id}"
    return client.submit(page, {**FAMILY_FORM, **changes}, token_from=page)


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def calendar_parts(message) -> list:
    return [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]


def other_client(app, client):
    second = app.test_client()
    second.html_checker = client.html_checker
    return second


# --- The calendar --------------------------------------------------------------------------


def test_the_calendar_shows_each_date_with_its_places(client, centre):
    open_group = make_date(make_activity(centre.id, capacity=5))
    make_registration(open_group, 2, 1)
    full = make_date(make_activity(centre.id, capacity=2, title_sv="Babygrupp"))
    make_registration(full, 2, 0)
    make_registration(full, 1, 0, "Waiting")
    make_date(
        make_activity(
            centre.id, registration_required=False, capacity=None, title_sv="Familjecafé", kind=ActivityKind.FAMILY_CAFE
        )
    )
    make_date(make_activity(centre.id, title_sv="Inställd grupp"), cancelled=True)
    page = client.get("/activities/").get_data(as_text=True)
    assert "2 platser kvar" in page
    assert "Fullt – reservlista" in page
    assert "Drop in, ingen anmälan" in page
    assert "Inställt" in page
    assert "Gruppsalen, Familjecentret Konstfabriken, Konstfabriksgatan 1, 06100 Borgå" in page
    assert "Arrangör: Demokommunen" in page


def test_filters_narrow_the_calendar_and_tampered_values_are_ignored(client, centre):
    other = make_centre(slug="gammelbacka", name_sv="Gammelbacka familjecenter", name_fi="Gammelbackan perhekeskus")
    make_date(make_activity(centre.id, title_sv="Svensk grupp", languages="sv", age_group=AgeGroup.BABIES))
    make_date(
        make_activity(
            other.id,
            title_sv="Finsk park",
            title_fi="Suomenkielinen puisto",
            languages="fi",
            kind=ActivityKind.PARK,
            age_group=AgeGroup.PRESCHOOL,
        )
    )
    make_date(
        make_activity(
            None,
            title_sv="Kaffe för alla",
            kind=ActivityKind.VIRTUAL,
            age_group=AgeGroup.ALL,
            meeting_url="https://video.example/kaffe",
        )
    )

    def titles(query: str) -> set[str]:
        page = client.get("/activities/" + query).get_data(as_text=True)
        return {title for title in ("Svensk grupp", "Finsk park", "Kaffe för alla") if title in page}

    assert titles("") == {"Svensk grupp", "Finsk park", "Kaffe för alla"}
    assert titles(f"?centre={other.id}") == {"Finsk park"}
    assert titles("?type=park") == {"Finsk park"}
    assert titles("?language=sv") == {"Svensk grupp", "Kaffe för alla"}
    assert titles("?language=fi") == {"Finsk park", "Kaffe för alla"}
    assert titles("?age=babies") == {"Svensk grupp", "Kaffe för alla"}  # activities for all ages suit everyone
    assert titles("?centre=999&type=nonsense&language=de&age=x") == {"Svensk grupp", "Finsk park", "Kaffe för alla"}
    page = client.get("/activities/?type=nonsense").get_data(as_text=True)
    assert '<option selected value="">Vilken typ som helst</option>' in page


def test_filtering_with_htmx_swaps_the_results_and_announces_them(client, group):
    response = client.get("/activities/?type=parent_group", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'id="results-title"' in body
    assert '<div data-hx-swap-oob="innerHTML:#live-region">1 verksamhet visas.</div>' in body
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/activities/?type=parent_group").get_data(as_text=True)
    assert "<html" in full and 'id="activity-results"' in full


def test_the_week_view_lists_every_day_and_the_list_view_only_days_with_activities(client, group):
    week = client.get("/activities/?view=week").get_data(as_text=True)
    assert week.count("<h3") == 7 and "Inget den här dagen." in week
    listed = client.get("/activities/").get_data(as_text=True)
    assert "Inget den här dagen." not in listed and "Föräldragrupp" in listed
    later = re.search(r'href="([^"]+)"[^>]*rel="next"', listed).group(1).replace("&amp;", "&")
    assert "week=" in later and client.get(later).status_code == 200


def test_unpublished_activities_are_hidden_from_families(client, centre):
    hidden = make_date(make_activity(centre.id, title_sv="Hemlig grupp", published=False))
    assert "Hemlig grupp" not in client.get("/activities/").get_data(as_text=True)
    assert client.get(f"/activities/dates/{hidden.id}").status_code == 404
    assert client.get(f"/activities/{hidden.activity_id}").status_code == 404


def test_the_activity_page_lists_its_coming_dates_with_topics(client, group):
    activity = database.session.get(Activity, group.activity_id)
    group.topic_sv = "Sömn och vila"
    make_date(activity, starts_in=timedelta(days=-7))  # past: not listed
    database.session.commit()
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "Sömn och vila" in page and "5 platser kvar" in page
    assert page.count("/activities/dates/") == 1


def test_a_drop_in_virtual_meeting_shows_its_link_and_a_registered_one_does_not(client, db):
    drop_in = make_date(
        make_activity(
            None, kind=ActivityKind.VIRTUAL, registration_required=False, meeting_url="https://video.example/open"
        )
    )
    registered = make_date(make_activity(None, kind=ActivityKind.VIRTUAL, meeting_url="https://video.example/secret"))
    assert "https://video.example/open" in client.get(f"/activities/dates/{drop_in.id}").get_data(as_text=True)
    page = client.get(f"/activities/dates/{registered.id}").get_data(as_text=True)
    assert "https://video.example/secret" not in page and "Länken till mötet kommer med din bekräftelse." in page
    assert "Ingen anmälan behövs" not in page


# --- Registering ---------------------------------------------------------------------------


def test_a_family_registers_and_gets_a_confirmation_with_a_calendar_file(client, group, mailbox):
    response = register(client, group)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du har en plats. Välkommen!" in page and "En bekräftelse har skickats till anna@example.com." in page
    assert "2 vuxna och 1 barn" in page
    [message] = mailbox.to("anna@example.com")
    assert message["Subject"].startswith("Anmälan bekräftad: Föräldragrupp")
    body = body_of(message)
    assert "Hej Anna Lindholm," in body and "Anmälda: 2 vuxna och 1 barn" in body
    assert MANAGE_LINK.search(body).group(1) == response.headers["Location"]
    [attachment] = calendar_parts(message)
    [event] = Calendar.from_ical(attachment.get_content()).walk("VEVENT")
    assert event.decoded("dtstart") == group.starts_at
    assert str(event["summary"]) == "Föräldragrupp" and "Konstfabriksgatan 1" in str(event["location"])
    registration = database.session.scalar(select(Registration))
    assert (registration.adults, registration.children, registration.status) == (2, 1, RegistrationStatus.CONFIRMED)
    assert registration.guardian_phone == "+358401234567" and registration.language == "sv"


def test_a_finnish_family_gets_finnish_pages_and_emails(client, group, mailbox):
    client.get("/language/fi")
    response = register(client, group, language="fi")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sinulla on paikka. Tervetuloa!" in page
    [message] = mailbox.to("anna@example.com")
    assert message["Subject"].startswith("Ilmoittautuminen vahvistettu: Vanhempainryhmä")
    assert "Hei Anna Lindholm," in body_of(message) and "2 aikuista ja 1 lapsi" in body_of(message)


def test_a_full_date_puts_the_family_on_the_waiting_list_and_tells_its_position(client, group, mailbox, app):
    make_registration(group, 2, 2, "First")
    make_registration(group, 1, 0, "Second")
    page = client.get(f"/activities/dates/{group.id}").get_data(as_text=True)
    assert "Fullt – reservlista" in page and "Ställ dig på reservlistan" in page
    response = register(client, group, adults="1", children="0")
    manage = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Du är nummer 1 på reservlistan." in manage
    [message] = mailbox.to("anna@example.com")
    assert message["Subject"].startswith("På reservlistan: Föräldragrupp")
    assert "du är nummer 1 i kön" in body_of(message)
    assert calendar_parts(message) == []  # no place yet, nothing for the calendar
    second = register(other_client(app, client), group, guardian_email="second@example.com", adults="1", children="0")
    assert second.status_code == 302
    assert "Du är nummer 2 på reservlistan." in client.get(second.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"adults": "0"}, "Skriv ett tal från 1 till 10."),
        ({"adults": "-1"}, "Skriv ett tal från 1 till 10."),
        ({"children": "-2"}, "Skriv ett tal från 0 till 10."),
        ({"children": "två"}, "Skriv ett heltal, till exempel 2."),
        ({"adults": ""}, "Skriv hur många vuxna som kommer (minst en)."),
        ({"adults": "1.5"}, "Skriv ett heltal, till exempel 2."),
        ({"guardian_email": ""}, "Skriv din e-postadress: bekräftelsen och länken till din anmälan kommer per e-post."),
        ({"guardian_email": "anna@"}, "Skriv en e-postadress i formen namn@exempel.fi."),
        ({"guardian_name": " "}, "Skriv ditt namn."),
        (
            {"guardian_phone": "abc"},
            "Skriv ett telefonnummer som 040 123 4567, eller ett utländskt nummer med landsnummer: +46 70 123 4567.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_keeps_what_was_typed_and_changes_nothing(client, group, changes, message):
    response = register(client, group, **changes)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert "<title>Fel:" in body
    assert 'value="Anna Lindholm"' in body or changes.get("guardian_name")
    assert database.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_the_error_summary_lists_problems_in_the_order_of_the_form(client, group):
    body = register(client, group, guardian_name=" ", adults="0", guardian_phone="abc").text
    summary = re.search(r'<div class="error-summary".*?</div>', body, re.S).group(0)
    anchors = re.findall(r'href="#([\w-]+)"', summary)
    assert anchors == ["guardian_name", "guardian_phone", "adults"]


def test_a_full_date_with_nobody_waiting_says_the_family_would_be_first(client, centre):
    activity_date = make_date(make_activity(centre.id, capacity=2))
    make_registration(activity_date, 2, 0)
    page = client.get(f"/activities/dates/{activity_date.id}").text
    assert "Ingen väntar ännu: du skulle vara först i kön." in page and "0 anmälningar" not in page


def test_a_group_that_does_not_fit_without_a_waiting_list_is_refused_with_409(client, centre):
    activity_date = make_date(make_activity(centre.id, capacity=4, waiting_list=False))
    make_registration(activity_date, 2, 0)
    response = register(client, activity_date)
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Bara 2 platser är kvar: vuxna och barn tillsammans kan vara högst 2." in body
    assert 'value="Anna Lindholm"' in body
    assert database.session.scalar(select(func.count()).select_from(Registration)) == 1


def test_a_group_larger_than_the_capacity_is_refused_even_with_a_waiting_list(client, centre):
    activity_date = make_date(make_activity(centre.id, capacity=2))
    response = register(client, activity_date)
    assert response.status_code == 409
    assert "Högst 2 personer kan komma till ett datum i den här verksamheten." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("date_fields", "activity_fields", "message"),
    [
        ({"cancelled": True}, {}, "Det här datumet har ställts in."),
        ({"starts_in": timedelta(hours=-1)}, {}, "Det här datumet har redan varit."),
        (
            {"starts_in": timedelta(hours=5)},
            {"registration_closes_hours": 24},
            "Anmälan till det här datumet har stängt.",
        ),
        ({}, {"registration_required": False}, "Det här är drop in-verksamhet: ingen anmälan behövs, kom bara."),
    ],
)
def test_registration_for_a_closed_date_is_refused_with_409(client, centre, date_fields, activity_fields, message):
    open_date = make_date(make_activity(centre.id))
    page = f"/activities/dates/{open_date.id}"
    token_source = client.get(page)  # a page with a form, for the CSRF token
    assert token_source.status_code == 200
    activity = make_activity(centre.id, **activity_fields)
    closed = make_date(activity, **date_fields)
    shown = client.get(f"/activities/dates/{closed.id}").get_data(as_text=True)
    assert message in shown and 'name="guardian_name"' not in shown
    response = client.submit(f"/activities/dates/{closed.id}", FAMILY_FORM, token_from=page)
    assert response.status_code == 409 and message in response.get_data(as_text=True)
    assert database.session.scalar(select(func.count()).select_from(Registration)) == 0


# --- The manage link -----------------------------------------------------------------------


def test_the_family_changes_the_numbers_and_more_people_need_free_places(client, group, mailbox):
    manage = register(client, group, adults="1", children="1").headers["Location"]
    make_registration(group, 2, 0, "Other")
    too_many = client.submit(manage + "/change", {"change-adults": "2", "change-children": "3"}, token_from=manage)
    body = too_many.get_data(as_text=True)
    assert too_many.status_code == 409 and "Bara 3 platser är kvar" in body and 'value="3"' in body
    bad = client.submit(manage + "/change", {"change-adults": "0", "change-children": "1"}, token_from=manage)
    assert bad.status_code == 422 and "Skriv ett tal från 1 till 10." in bad.get_data(as_text=True)
    response = client.submit(
        manage + "/change", {"change-adults": "2", "change-children": "1"}, token_from=manage, follow_redirects=True
    )
    assert "Din anmälan har ändrats." in response.get_data(as_text=True)
    registration = database.session.scalar(select(Registration).where(Registration.guardian_name == "Anna Lindholm"))
    assert (registration.adults, registration.children, registration.sequence) == (2, 1, 1)
    assert mailbox.to("anna@example.com")[-1]["Subject"].startswith("Anmälan ändrad: Föräldragrupp")


def test_a_waiting_family_that_makes_its_group_smaller_gets_the_place_in_one_email(client, group, mailbox):
    make_registration(group, 2, 1, "First")
    manage = register(client, group, adults="2", children="1").headers["Location"]  # 3 people, 2 places left
    assert "Du är nummer 1 på reservlistan." in client.get(manage).get_data(as_text=True)
    response = client.submit(
        manage + "/change", {"change-adults": "1", "change-children": "1"}, token_from=manage, follow_redirects=True
    )
    assert "Din anmälan har ändrats. Du har en plats. Välkommen!" in response.get_data(as_text=True)
    subjects = [message["Subject"] for message in mailbox.to("anna@example.com")]
    assert (
        len(subjects) == 2 and subjects[0].startswith("På reservlistan") and subjects[1].startswith("Du fick en plats")
    )


def test_cancelling_gives_the_place_to_the_first_in_line_who_is_emailed(client, group, mailbox, app):
    first = register(client, group, adults="2", children="2").headers["Location"]
    waiting_client = other_client(app, client)
    register(
        waiting_client,
        group,
        guardian_name="Bertil Berg",
        guardian_email="bertil@example.com",
        adults="2",
        children="0",
    )
    register(
        other_client(app, client),
        group,
        guardian_name="Cecilia Carlsson",
        guardian_email="cecilia@example.com",
        adults="1",
        children="0",
    )
    response = client.submit(first + "/cancel", token_from=first, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Din anmälan har avbokats." in page and "Den här anmälan har avbokats." in page
    assert "Avboka anmälan" not in page
    cancelled = mailbox.to("anna@example.com")[-1]
    assert cancelled["Subject"].startswith("Anmälan avbokad")
    [ics] = calendar_parts(cancelled)
    assert "METHOD:CANCEL" in ics.get_content() and "STATUS:CANCELLED" in ics.get_content()
    # Both waiting families fit into the four freed places, in the order they came.
    promoted = mailbox.to("bertil@example.com")[-1]
    assert promoted["Subject"].startswith("Du fick en plats: Föräldragrupp")
    assert "Goda nyheter: en plats har blivit ledig och den är nu din." in body_of(promoted)
    assert calendar_parts(promoted)
    assert mailbox.to("cecilia@example.com")[-1]["Subject"].startswith("Du fick en plats")
    states = dict(database.session.execute(select(Registration.guardian_name, Registration.status)).all())
    assert states == {
        "Anna Lindholm": RegistrationStatus.CANCELLED,
        "Bertil Berg": RegistrationStatus.CONFIRMED,
        "Cecilia Carlsson": RegistrationStatus.CONFIRMED,
    }
    # Cancelling again changes nothing.
    again = client.submit(first + "/cancel", token_from=first, follow_redirects=True)
    assert "Anmälan kan inte längre avbokas här." in again.get_data(as_text=True)


def test_a_cancellation_that_fails_to_commit_promotes_nobody_and_emails_nobody(
    client, group, mailbox, app, monkeypatch
):
    first = register(client, group, adults="2", children="2").headers["Location"]
    register(
        other_client(app, client),
        group,
        guardian_name="Bertil Berg",
        guardian_email="bertil@example.com",
        adults="2",
        children="0",
    )
    sent_before = len(mailbox.messages)
    token = client.csrf_token(first)

    def commit_fails(session):
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    with monkeypatch.context() as patch:
        patch.setattr(Session, "commit", commit_fails)
        response = client.post(first + "/cancel", data={"csrf_token": token})
    assert response.status_code == 500
    # The promotion was made in the same transaction as the cancellation, so it was rolled back with it,
    # and no email announces a place Bertil does not have.
    assert len(mailbox.messages) == sent_before
    database.session.rollback()
    states = dict(database.session.execute(select(Registration.guardian_name, Registration.status)).all())
    assert states == {"Anna Lindholm": RegistrationStatus.CONFIRMED, "Bertil Berg": RegistrationStatus.WAITING}
    assert database.session.scalar(select(func.count()).where(Registration.promoted_at.is_not(None))) == 0


def test_the_manage_page_offers_a_calendar_file_only_with_a_place(client, group):
    make_registration(group, 2, 3, "Full house")
    manage = register(client, group, adults="1", children="0").headers["Location"]
    assert client.get(manage + "/activity.ics").status_code == 404  # waiting: no place yet
    database.session.execute(
        Registration.__table__.update().where(Registration.guardian_name == "Anna Lindholm").values(status="confirmed")
    )
    database.session.commit()
    response = client.get(manage + "/activity.ics")
    assert response.mimetype == "text/calendar" and Calendar.from_ical(response.data).walk("VEVENT")


def test_unknown_or_forged_manage_links_explain_whom_to_contact(client, db):
    for token in ("nonsense", "abc.def", "x" * 200):
        response = client.get(f"/activities/registration/{token}")
        assert response.status_code == 404
        assert "Länken fungerar inte" in response.get_data(as_text=True)


def test_a_manage_link_for_an_appointment_does_not_open_a_registration(client, group):
    from core.tokens import make_token

    registration = make_registration(group)
    forged = make_token("manage-appointment", registration.reference)
    assert client.get(f"/activities/registration/{forged}").status_code == 404


# --- Feeds ---------------------------------------------------------------------------------


def test_the_public_feeds_list_published_dates_per_centre_and_for_all(client, group, centre):
    other = make_centre(slug="gammelbacka", name_sv="Gammelbacka familjecenter", name_fi="Gammelbackan perhekeskus")
    make_date(make_activity(other.id, title_sv="Parkverksamhet", title_fi="Puistotoiminta"), cancelled=True)
    make_date(make_activity(centre.id, title_sv="Hemlig", published=False))
    everything = Calendar.from_ical(client.get("/activities/feed.ics").data)
    summaries = sorted(str(event["summary"]) for event in everything.walk("VEVENT"))
    assert summaries == ["Föräldragrupp", "Parkverksamhet"]
    [cancelled] = [event for event in everything.walk("VEVENT") if str(event["summary"]) == "Parkverksamhet"]
    assert str(cancelled["status"]) == "CANCELLED"
    own = Calendar.from_ical(client.get("/activities/centres/konstfabriken/feed.ics").data)
    [event] = own.walk("VEVENT")
    assert str(event["description"]) == f"http://localhost/activities/dates/{group.id}"
    assert "Familjecentret Konstfabriken" in str(own["x-wr-calname"])
    finnish = Calendar.from_ical(client.get("/activities/centres/konstfabriken/feed.ics?lang=fi").data)
    assert str(finnish.walk("VEVENT")[0]["summary"]) == "Vanhempainryhmä"
    assert client.get("/activities/centres/nowhere/feed.ics").status_code == 404


# --- Staff ----------------------------------------------------------------------------------


@pytest.fixture
def reception(client, app, centre):
    login = make_staff({"reception"}, email="pia@famnen.example", name="Pia Holmström")
    database.session.get(User, login.id).centres = [database.session.get(Centre, centre.id)]
    database.session.commit()
    sign_in(client, app, login)
    return login


def test_staff_pages_need_a_sign_in(client, group):
    response = client.get(f"/staff/activities/dates/{group.id}")
    assert response.status_code == 302 and "/staff/sign-in" in response.headers["Location"]


def test_reception_manages_only_the_activities_of_its_own_centres(client, reception, group):
    other = make_centre(slug="gammelbacka", name_sv="Gammelbacka familjecenter", name_fi="Gammelbackan perhekeskus")
    elsewhere = make_date(make_activity(other.id, title_sv="Annanstans"))
    index = client.get("/staff/activities/").get_data(as_text=True)
    assert "Föräldragrupp" in index and "Annanstans" not in index
    assert client.get(f"/staff/activities/dates/{group.id}").status_code == 200
    for path in (
        f"/staff/activities/dates/{elsewhere.id}",
        f"/staff/activities/{elsewhere.activity_id}",
        f"/staff/activities/dates/{elsewhere.id}/participants.csv",
    ):
        assert client.get(path).status_code == 403


def test_professionals_manage_the_activities_they_lead(client, app, group):
    login = make_staff({"professional"}, email="sara@famnen.example", name="Sara Nyström")
    sign_in(client, app, login)
    assert client.get(f"/staff/activities/dates/{group.id}").status_code == 403
    activity = database.session.get(Activity, group.activity_id)
    activity.leaders = [database.session.get(User, login.id)]
    database.session.commit()
    assert client.get(f"/staff/activities/dates/{group.id}").status_code == 200
    assert "Föräldragrupp" in client.get("/staff/activities/").get_data(as_text=True)


def test_staff_create_an_activity_and_refuse_bad_settings(client, reception, centre):
    data = {
        "title_sv": "Virtuellt kaffe",
        "title_fi": "Virtuaalikahvit",
        "kind": "virtual",
        "age_group": "all",
        "languages": ["sv", "fi"],
        "organiser_kind": "association",
        "organiser_name": "",
        "centre": str(centre.id),
        "meeting_url": "",
        "registration_required": "y",
        "capacity": "0",
        "registration_closes_hours": "2",
        "published": "y",
    }
    bad = client.submit("/staff/activities/new", data, token_from="/staff/activities/new")
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Ge namnet på föreningen, församlingen eller den andra samarbetspartnern." in body
    assert "Ge adressen till mötesrummet på nätet." in body
    assert "Skriv ett tal från 1 till 1000." in body
    data.update(
        organiser_name="Demostadens familjeförening rf", meeting_url="http://insecure.example/room", capacity=""
    )
    assert "Skriv en fullständig adress som börjar med https://." in client.submit(
        "/staff/activities/new", data, token_from="/staff/activities/new"
    ).get_data(as_text=True)
    # Reception works for its own centres: an activity without one is refused.
    no_centre = client.submit(
        "/staff/activities/new",
        {**data, "meeting_url": "https://video.example/kaffe", "centre": ""},
        token_from="/staff/activities/new",
    )
    assert no_centre.status_code == 422
    data.update(meeting_url="https://video.example/kaffe")
    response = client.submit("/staff/activities/new", data, token_from="/staff/activities/new")
    assert response.status_code == 302
    activity = database.session.scalar(select(Activity).where(Activity.title_sv == "Virtuellt kaffe"))
    assert activity.capacity is None and activity.registration_closes_hours == 2 and activity.languages == "sv fi"
    assert activity.kind == ActivityKind.VIRTUAL and activity.organiser_kind == OrganiserKind.ASSOCIATION


# The morning the series tests add dates on: Tuesday 1 December 2026, 9.00 in Helsinki.
PLANNING_DAY = local_to_utc(date(2026, 12, 1), time(9))


def test_staff_generate_a_series_every_other_week(client, reception, group, monkeypatch):
    monkeypatch.setattr(timeutil, "clock", lambda: PLANNING_DAY)
    activity_id = group.activity_id
    page = f"/staff/activities/{activity_id}"
    bad = client.submit(
        f"{page}/dates",
        {
            "dates-first_day": "2027-03-05",
            "dates-last_day": "2027-02-01",
            "dates-every_weeks": "1",
            "dates-start": "13:00",
            "dates-end": "12:00",
        },
        token_from=page,
    )
    body = bad.get_data(as_text=True)
    assert (
        bad.status_code == 422
        and "Den sista dagen kan inte vara före den första." in body
        and "Slutet måste vara efter början." in body
    )
    data = {
        "dates-first_day": "2027-01-08",
        "dates-last_day": "2027-03-05",
        "dates-every_weeks": "2",
        "dates-start": "13:00",
        "dates-end": "14:00",
        "dates-skip_holidays": "y",
    }
    response = client.submit(f"{page}/dates", data, token_from=page, follow_redirects=True)
    assert "5 datum har lagts till." in response.get_data(as_text=True)
    again = client.submit(f"{page}/dates", data, token_from=page, follow_redirects=True)
    assert "5 datum fanns redan och lämnades som de var." in again.get_data(as_text=True)
    assert (
        database.session.scalar(
            select(func.count()).select_from(ActivityDate).where(ActivityDate.activity_id == activity_id)
        )
        == 6
    )


@pytest.mark.parametrize(
    ("first", "last", "error"),
    [
        ("2026-11-30", "", "Det första datumet har redan passerat. Ange i dag eller en senare dag."),
        ("2020-01-10", "", "Det första datumet har redan passerat. Ange i dag eller en senare dag."),
        ("2028-12-01", "", "Datum kan läggas till högst ett och ett halvt år framåt."),
        # Christmas Day and Boxing Day 2026 are a Friday and a Saturday: a weekly series over them only.
        ("2026-12-25", "2026-12-25", "Varje dag i den här serien är en helgdag, så inget datum lades till."),
    ],
)
def test_dates_in_the_past_far_ahead_or_only_on_holidays_are_refused(
    client, reception, group, monkeypatch, first, last, error
):
    monkeypatch.setattr(timeutil, "clock", lambda: PLANNING_DAY)
    page = f"/staff/activities/{group.activity_id}"
    count = database.session.scalar(select(func.count()).select_from(ActivityDate))
    data = {
        "dates-first_day": first,
        "dates-last_day": last,
        "dates-every_weeks": "1",
        "dates-start": "13:00",
        "dates-end": "14:00",
        "dates-skip_holidays": "y",
    }
    refused = client.submit(f"{page}/dates", data, token_from=page)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and error in body
    assert f'value="{first}"' in body  # what was typed stays
    assert database.session.scalar(select(func.count()).select_from(ActivityDate)) == count


def test_skipped_holidays_are_counted_for_staff(client, reception, group, monkeypatch):
    monkeypatch.setattr(timeutil, "clock", lambda: PLANNING_DAY)
    page = f"/staff/activities/{group.activity_id}"
    data = {
        "dates-first_day": "2026-12-18",  # Fridays: 18 December, then Christmas Day and New Year's Day
        "dates-last_day": "2027-01-08",
        "dates-every_weeks": "1",
        "dates-start": "13:00",
        "dates-end": "14:00",
        "dates-skip_holidays": "y",
    }
    added = client.submit(f"{page}/dates", data, token_from=page, follow_redirects=True).get_data(as_text=True)
    assert "2 datum har lagts till." in added and "2 helgdagar hoppades över." in added


def test_the_participant_list_prints_and_downloads_as_csv_with_formula_injection_defused(client, reception, group):
    make_registration(group, 2, 1, '=HYPERLINK("http://evil.example")', email="evil@example.com")
    make_registration(group, 1, 1, "Bertil Berg")
    make_registration(group, 1, 0, "Cecilia Carlsson")
    page = client.get(f"/staff/activities/dates/{group.id}").get_data(as_text=True)
    assert "Med plats (2)" in page and "Reservlista (1)" in page and "Cecilia Carlsson" in page
    assert "data-print hidden" in page and 'class="button-row no-print"' in page
    response = client.get(f"/staff/activities/dates/{group.id}/participants.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Status",
        "Plats i kön",
        "Namn",
        "E-postadress",
        "Telefon",
        "Vuxna",
        "Barn",
        "Språk",
        "Anmälningstid",
        "Närvaro",
    ]
    assert rows[1][:3] == ["Har plats", "", '\'=HYPERLINK("http://evil.example")']
    assert rows[3][:3] == ["Reservlista", "1", "Cecilia Carlsson"]
    assert rows[1][4] == "040 1234567"


def test_a_registration_whose_name_was_removed_still_counts_on_the_list(client, reception, group):
    forgotten = make_registration(group, 2, 1, "Anna Lindholm")
    forgotten.guardian_name = forgotten.guardian_email = forgotten.guardian_phone = ""
    database.session.commit()
    page = client.get(f"/staff/activities/dates/{group.id}").get_data(as_text=True)
    assert "Namnet har tagits bort" in page and "Med plats (1)" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/staff/activities/dates/{group.id}/participants.csv")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            ),
            delimiter=";",
        )
    )
    assert rows[1][2:7] == ["Namnet har tagits bort", "", "", "2", "1"]


def test_attendance_is_marked_with_htmx_once_the_date_has_begun(client, reception, centre):
    activity_date = make_date(make_activity(centre.id), starts_in=timedelta(minutes=-10))
    registration = Registration(
        date_id=activity_date.id,
        arrival=1,
        status=RegistrationStatus.CONFIRMED,
        adults=1,
        children=2,
        guardian_name="Anna Lindholm",
        language="sv",
        reference="ref-anna",
    )
    database.session.add(registration)
    database.session.commit()
    page = f"/staff/activities/dates/{activity_date.id}"
    assert 'aria-pressed="false"' in client.get(page).get_data(as_text=True)
    fragment = client.submit(
        f"/staff/activities/registrations/{registration.id}/attendance",
        {"attendance": "attended"},
        token_from=page,
        headers={"HX-Request": "true"},
    )
    body = fragment.get_data(as_text=True)
    assert body.startswith(f'<tr id="registration-{registration.id}">') and "Anna Lindholm: antecknad som kom." in body
    assert f'id="attended-{registration.id}" name="attendance" value="" aria-pressed="true"' in body
    assert database.session.get(Registration, registration.id).attendance == Attendance.ATTENDED
    # Pressing the marked button again removes the mark; without htmx the page reloads.
    response = client.submit(
        f"/staff/activities/registrations/{registration.id}/attendance",
        {"attendance": ""},
        token_from=page,
        follow_redirects=True,
    )
    assert "närvaroanteckningen togs bort" in response.get_data(as_text=True)
    assert database.session.get(Registration, registration.id).attendance is None
    assert (
        client.submit(
            f"/staff/activities/registrations/{registration.id}/attendance", {"attendance": "maybe"}, token_from=page
        ).status_code
        == 400
    )


def test_attendance_before_the_date_is_refused(client, reception, group):
    registration = make_registration(group)
    page = f"/staff/activities/dates/{group.id}"
    response = client.submit(
        f"/staff/activities/registrations/{registration.id}/attendance",
        {"attendance": "attended"},
        token_from=page,
        follow_redirects=True,
    )
    assert "Närvaro kan antecknas när datumet har börjat" in response.get_data(as_text=True)
    assert database.session.get(Registration, registration.id).attendance is None


def test_cancelling_a_date_emails_everyone_with_the_reason(client, reception, group, mailbox):
    make_registration(group, 2, 3, "Anna", email="anna@example.com")
    make_registration(group, 1, 0, "Bertil", email="bertil@example.com")
    make_registration(group, 1, 0, "Tiina", email="")  # phone only
    database.session.execute(
        Registration.__table__.update().where(Registration.guardian_name == "Tiina").values(guardian_email="")
    )
    database.session.commit()
    page = f"/staff/activities/dates/{group.id}/cancel"
    form = client.get(page).get_data(as_text=True)
    assert (
        "3 familjer med plats eller på reservlistan får orsaken per e-post." in form
        and "1 av dem har ingen e-postadress" in form
    )
    empty = client.submit(page, {"reason": ""}, token_from=page)
    assert empty.status_code == 422 and "Berätta för familjerna varför datumet ställs in." in empty.get_data(
        as_text=True
    )
    response = client.submit(page, {"reason": "Ledaren är sjuk."}, token_from=page, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "Datumet har ställts in. 2 familjer har meddelats per e-post." in body
    assert "ring dem: Tiina (040 1234567)" in body
    for address in ("anna@example.com", "bertil@example.com"):
        [message] = mailbox.to(address)
        assert message["Subject"].startswith("Inställt: Föräldragrupp") and "Ledaren är sjuk." in body_of(message)
    assert calendar_parts(mailbox.to("anna@example.com")[0]) and not calendar_parts(mailbox.to("bertil@example.com")[0])
    assert "Det här datumet har ställts in." in client.get(f"/activities/dates/{group.id}").get_data(as_text=True)


def test_moving_a_date_tells_the_families_the_new_time(client, reception, group, mailbox):
    make_registration(group, 1, 0, "Anna", email="anna@example.com")
    page = f"/staff/activities/dates/{group.id}/edit"
    form = client.get(page).get_data(as_text=True)
    day = re.search(r'name="day"[^>]*value="([^"]+)"', form) or re.search(r'value="([^"]+)"[^>]*name="day"', form)
    data = {
        "day": day.group(1),
        "start": "18:00",
        "end": "19:30",
        "topic_sv": "Sömn",
        "topic_fi": "Uni",
        "topic_en": "Sleep",
    }
    client.submit(page, data, token_from=page)
    message = mailbox.to("anna@example.com")[-1]
    assert message["Subject"].startswith("Ny tid: Föräldragrupp") and "Föräldragrupp: Sömn" in body_of(message)
    [event] = Calendar.from_ical(calendar_parts(message)[0].get_content()).walk("VEVENT")
    assert event["sequence"] == 1 and event.decoded("dtstart").astimezone().hour is not None
    # Only the topic changed: nobody is emailed.
    client.submit(page, {**data, "topic_sv": "Sömn och vila"}, token_from=page)
    assert len(mailbox.to("anna@example.com")) == 1


def test_staff_message_the_registered_families_and_the_message_is_kept(client, reception, group, mailbox):
    make_registration(group, 2, 3, "Anna", email="anna@example.com")
    make_registration(group, 1, 0, "Bertil", email="bertil@example.com")  # waiting
    page = f"/staff/activities/dates/{group.id}/message"
    response = client.submit(page, {"body": "Ta med innetossor!\nVälkomna."}, token_from=page, follow_redirects=True)
    assert "Meddelandet har skickats per e-post till 1 familj." in response.get_data(as_text=True)
    assert "Ta med innetossor!" in body_of(mailbox.to("anna@example.com")[0]) and mailbox.to("bertil@example.com") == []
    client.submit(page, {"body": "Också till reservlistan.", "include_waiting": "y"}, token_from=page)
    assert len(mailbox.to("bertil@example.com")) == 1
    assert database.session.scalar(select(func.count()).select_from(ActivityMessage)) == 2
    assert "Ta med innetossor!" in client.get(f"/staff/activities/dates/{group.id}").get_data(as_text=True)


def test_a_message_about_a_cancelled_date_carries_a_calendar_file_that_cancels_as_it_says(
    client, reception, group, mailbox
):
    make_registration(group, 1, 0, "Anna", email="anna@example.com")
    group.cancelled = True
    database.session.commit()
    page = f"/staff/activities/dates/{group.id}/message"
    client.submit(page, {"body": "Vi ses nästa vecka i stället."}, token_from=page)
    [attachment] = calendar_parts(mailbox.to("anna@example.com")[-1])
    calendar = Calendar.from_ical(attachment.get_content())
    # The content type and the file agree, so mail programs remove the date rather than re-add it.
    assert attachment.get_param("method") == str(calendar["method"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_staff_register_a_family_by_phone_after_the_online_deadline(client, reception, centre, mailbox):
    activity_date = make_date(make_activity(centre.id, registration_closes_hours=48), starts_in=timedelta(hours=20))
    page = f"/staff/activities/dates/{activity_date.id}/register"
    missing = client.submit(
        page, {"guardian_name": "Tiina Koskinen", "adults": "1", "children": "1", "language": "fi"}, token_from=page
    )
    assert (
        missing.status_code == 422
        and "Ge en e-postadress eller ett telefonnummer, så att vi når familjen." in missing.get_data(as_text=True)
    )
    response = client.submit(
        page,
        {
            "guardian_name": "Tiina Koskinen",
            "guardian_phone": "040 765 4321",
            "adults": "1",
            "children": "1",
            "language": "fi",
        },
        token_from=page,
        follow_redirects=True,
    )
    assert "Tiina Koskinen har fått en plats." in response.get_data(as_text=True)
    assert mailbox.messages == []
    registration = database.session.scalar(select(Registration))
    assert registration.registered_by_id == reception.id and registration.guardian_email == ""


def test_staff_cancel_a_registration_and_the_waiting_list_moves_up(client, reception, group, mailbox):
    anna = make_registration(group, 2, 3, "Anna", email="anna@example.com")
    make_registration(group, 1, 0, "Bertil", email="bertil@example.com")
    page = f"/staff/activities/dates/{group.id}"
    response = client.submit(
        f"/staff/activities/registrations/{anna.id}/cancel", token_from=page, follow_redirects=True
    )
    body = response.get_data(as_text=True)
    assert (
        "Anmälan för Anna har avbokats." in body
        and "1 familj fick en plats från reservlistan och har meddelats." in body
    )
    assert mailbox.to("anna@example.com")[-1]["Subject"].startswith("Din anmälan har avbokats")
    assert mailbox.to("bertil@example.com")[-1]["Subject"].startswith("Du fick en plats")


def test_a_larger_capacity_gives_places_to_the_waiting_list(client, reception, group, mailbox, centre):
    make_registration(group, 2, 3, "Anna", email="anna@example.com")
    make_registration(group, 1, 1, "Bertil", email="bertil@example.com")
    page = f"/staff/activities/{group.activity_id}/edit"
    form = client.get(page).get_data(as_text=True)
    assert 'value="Föräldragrupp"' in form
    data = {
        "title_sv": "Föräldragrupp",
        "title_fi": "Vanhempainryhmä",
        "kind": "parent_group",
        "age_group": "babies",
        "languages": ["sv", "fi"],
        "organiser_kind": "municipality",
        "centre": str(centre.id),
        "registration_required": "y",
        "capacity": "8",
        "waiting_list": "y",
        "registration_closes_hours": "0",
        "published": "y",
    }
    response = client.submit(page, data, token_from=page, follow_redirects=True)
    assert "1 familj fick en plats från reservlistan och har meddelats." in response.get_data(as_text=True)
    assert mailbox.to("bertil@example.com")[-1]["Subject"].startswith("Du fick en plats")


def test_the_head_count_and_the_figures_have_numbers_only(client, reception, centre):
    activity = make_activity(
        centre.id, registration_required=False, capacity=None, title_sv="Familjecafé", kind=ActivityKind.FAMILY_CAFE
    )
    held = make_date(activity, starts_in=timedelta(hours=-2))
    page = f"/staff/activities/dates/{held.id}"
    bad = client.submit(f"{page}/visitors", {"visitors-adults": "-3", "visitors-children": "12"}, token_from=page)
    assert bad.status_code == 422 and "Skriv ett tal från 0 till 1000." in bad.get_data(as_text=True)
    client.submit(f"{page}/visitors", {"visitors-adults": "7", "visitors-children": "12"}, token_from=page)
    assert (
        database.session.get(ActivityDate, held.id).visitors_adults,
        database.session.get(ActivityDate, held.id).visitors_children,
    ) == (7, 12)
    group = make_date(make_activity(centre.id), starts_in=timedelta(hours=-3))
    database.session.add(
        Registration(
            date_id=group.id,
            arrival=1,
            status=RegistrationStatus.CONFIRMED,
            adults=2,
            children=1,
            guardian_name="Anna Lindholm",
            language="sv",
            reference="ref-a",
            attendance=Attendance.ATTENDED,
        )
    )
    database.session.commit()
    figures_page = client.get("/staff/activities/figures").get_data(as_text=True)
    assert "Familjecafé" in figures_page and "Föräldragrupp" in figures_page
    assert "Anna Lindholm" not in figures_page
    numbers = re.findall(r'<td class="number">(\d+)</td>', figures_page)
    assert numbers[-8:] == ["2", "0", "1", "2", "1", "3", "0", "19"]  # the total row


def test_demo_data_has_a_term_of_activities_and_is_idempotent(runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    counts = [
        db.session.scalar(select(func.count()).select_from(model)) for model in (Activity, ActivityDate, Registration)
    ]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert [
        db.session.scalar(select(func.count()).select_from(model)) for model in (Activity, ActivityDate, Registration)
    ] == counts
    activities = {activity.kind: activity for activity in db.session.scalars(select(Activity))}
    assert set(activities) >= {
        ActivityKind.FAMILY_CAFE,
        ActivityKind.PARENT_GROUP,
        ActivityKind.VIRTUAL,
        ActivityKind.BABY_GROUP,
        ActivityKind.PARK,
    }
    assert {activity.organiser_kind for activity in activities.values()} >= {
        OrganiserKind.MUNICIPALITY,
        OrganiserKind.ASSOCIATION,
    }
    coffee = activities[ActivityKind.VIRTUAL]
    coffee_dates = db.session.scalars(select(ActivityDate).where(ActivityDate.activity_id == coffee.id)).all()
    assert all(date.topic_sv and date.topic_fi for date in coffee_dates)
    from core.timeutil import to_local

    assert {(to_local(date.starts_at).weekday(), to_local(date.starts_at).hour) for date in coffee_dates} == {(4, 13)}
    now = utcnow()
    waiting = db.session.scalar(
        select(func.count()).select_from(Registration).where(Registration.status == RegistrationStatus.WAITING)
    )
    assert waiting >= 1
    assert db.session.scalar(select(func.count()).select_from(ActivityDate).where(ActivityDate.starts_at < now)) > 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(ActivityDate).where(ActivityDate.starts_at > now + timedelta(weeks=8))
        )
        > 0
    )


def test_families_who_ask_get_text_messages_about_their_place_that_name_no_activity(app, client, centre, http):
    full = make_date(make_activity(centre.id, capacity=3, title_sv="Stödgrupp för föräldrar till för tidigt födda"))
    page = client.get(f"/activities/dates/{full.id}").text
    assert "Berätta om min plats också som textmeddelande" in page

    assert register(client, full, sms_wanted="y", guardian_phone="").status_code == 422  # no number to text
    landline = register(client, full, sms_wanted="y", guardian_phone="09 310 1691")
    assert "Textmeddelanden kan bara skickas till ett mobilnummer." in landline.text

    first = register(client, full, sms_wanted="y")  # 3 people: the date is full
    waiting = register(other_client(app, client), full, sms_wanted="y", guardian_email="b@example.com", adults="1")
    assert first.status_code == waiting.status_code == 302
    [confirmed] = [r.form["text"] for r in http.requests]
    assert confirmed.startswith("Famnen: du har en plats i en verksamhet på familjecentret")
    assert "/activities/registration/" in confirmed and "lang=sv" in confirmed
    assert "Stödgrupp" not in confirmed and "tidigt födda" not in confirmed and "Anna" not in confirmed

    # The first family cancels; the one waiting (who asked for texts) is told of the place by text too.
    manage = first.headers["Location"]
    client.submit(manage + "/cancel", token_from=manage)
    promoted = http.requests[-1]
    assert promoted.form["text"].startswith("Famnen: en plats blev ledig") and "Stödgrupp" not in promoted.form["text"]
