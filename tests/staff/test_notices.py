"""Email notices to staff: an urgent flag reaches the nurse and the team at once, a reminder follows while
nobody acts, ordinary answers are announced by the scheduled jobs; none carries client data or goes twice.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.organisation.models import Centre
from blueprints.questionnaires import invitations
from blueprints.staff.models import StaffNotice
from core import timeutil
from tests.support.helpers import make_staff, sign_in
from tests.support.questionnaires import answer_everything, family, make_visit
from tests.support.today import phq9_answers

TEAM = "team.konstfabriken@famnen.example"
# Anything that would tell a reader of the email about the family or the answers.
CLIENT_DATA = ("Elsa", "PHQ", "phq", "nedstämdhet", "mieliala", "självskad", "itsetuho", "döda", "kuollut")

SUBJECTS = {
    "urgent": {
        "sv": "Brådskande: ett svar i Famnen behöver uppmärksamhet i dag",
        "fi": "Kiireellinen: Famnenissa oleva vastaus vaatii huomiota tänään",
    },
    "reminder": {
        "sv": "Påminnelse: ett brådskande svar väntar fortfarande i Famnen",
        "fi": "Muistutus: kiireellinen vastaus odottaa yhä Famnenissa",
    },
    "answered": {
        "sv": "Svar på en enkät du skickat har kommit",
        "fi": "Lähettämääsi kyselyyn on tullut vastaukset",
    },
}


@pytest.fixture
def team(db, family_centre):
    """The nurse works at the centre, whose team reads a shared mailbox."""
    centre = db.session.get(Centre, family_centre["world"].centre_id)
    centre.team_email = TEAM
    centre.staff.append(db.session.get(User, family_centre["nurse"].id))
    db.session.commit()
    return centre


def send_phq9_as_family(app, client, db, family_centre, item9="several_days", language="sv"):
    """The family answers the nurse's PHQ-9 on their phone and sends it; returns the response's id."""
    visit = make_visit(db, family_centre, instruments=("phq9",), language=language)
    response = visit.responses[0]
    token = invitations.response_token(response)
    phone = family(app, client, language)
    answer_everything(phone, token, phq9_answers(item9))
    assert phone.submit(f"/q/r/{token}/send", token_from=f"/q/r/{token}/review").status_code == 302
    return response.id


def text_of(message) -> str:
    """The plain-text part of an email."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message) -> str:
    """The HTML part of an email."""
    return message.get_body(preferencelist=("html",)).get_content()


def run_jobs(runner, *names):
    """``flask run-jobs`` (``--only`` each of ``names``), as the systemd timer runs it; returns what it printed."""
    result = runner.invoke(args=["run-jobs", *(f"--only={name}" for name in names)])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_urgent_flag_emails_the_nurse_and_the_team_at_once_without_client_data(
    app, client, db, family_centre, team, mailbox, runner
):
    send_phq9_as_family(app, client, db, family_centre)
    [to_nurse] = mailbox.to(family_centre["nurse"].email)
    [to_team] = mailbox.to(TEAM)
    for message in (to_nurse, to_team):
        assert message["Subject"] == SUBJECTS["urgent"]["sv"]
        assert "http://localhost/staff/" in text_of(message)
        for words in CLIENT_DATA:
            assert words not in text_of(message) and words not in html_of(message), words
    # The scheduled jobs find nothing left to send: every notice goes once.
    assert "Staff notices sent: 0" in run_jobs(runner, "notify-staff")
    assert len(mailbox.messages) == 2


def test_the_nurse_reads_in_the_language_she_chose(app, client, db, family_centre, team, mailbox):
    nurse = db.session.get(User, family_centre["nurse"].id)
    nurse.email_language = "fi"
    db.session.commit()
    send_phq9_as_family(app, client, db, family_centre, language="sv")
    [to_nurse] = mailbox.to(nurse.email)
    assert to_nurse["Subject"] == SUBJECTS["urgent"]["fi"]
    assert "Kirjaudu Famneniin lukeaksesi sen:" in text_of(to_nurse)
    assert 'lang="fi"' in html_of(to_nurse)


def test_the_team_is_reminded_once_while_nobody_acts_and_not_after_someone_has(
    app, client, db, family_centre, team, mailbox, runner, morning, monkeypatch
):
    first = send_phq9_as_family(app, client, db, family_centre)
    second = send_phq9_as_family(app, client, db, family_centre)
    mailbox.messages.clear()

    monkeypatch.setattr(timeutil, "clock", lambda: morning + timedelta(minutes=59))
    run_jobs(runner, "notify-staff")
    assert mailbox.messages == []  # not yet: the set time is 60 minutes

    # The nurse acts on the first flag; the second still waits when the hour has passed.
    nurse_client = app.test_client()
    nurse_client.html_checker = client.html_checker
    sign_in(nurse_client, app, family_centre["nurse"])
    nurse_client.submit(f"/staff/flags/{first}/acknowledge", token_from="/staff/")

    monkeypatch.setattr(timeutil, "clock", lambda: morning + timedelta(minutes=61))
    assert "Staff notices sent: 1" in run_jobs(runner, "notify-staff")
    [reminder] = mailbox.to(TEAM)
    assert reminder["Subject"] == SUBJECTS["reminder"]["sv"]
    assert "http://localhost/staff/" in text_of(reminder)
    assert mailbox.to(family_centre["nurse"].email) == []  # the nurse was told at once; the reminder is the team's
    reminded = db.session.scalars(select(StaffNotice.response_id).where(StaffNotice.kind == "urgent_reminder")).all()
    assert reminded == [second]

    monkeypatch.setattr(timeutil, "clock", lambda: morning + timedelta(hours=5))
    run_jobs(runner, "notify-staff")
    assert len(mailbox.to(TEAM)) == 1  # once, however long it waits


def test_a_reminder_due_when_the_flag_was_just_acknowledged_is_not_sent(
    app, client, db, family_centre, team, mailbox, morning, monkeypatch
):
    from blueprints.staff import jobs, notices
    from blueprints.staff.today import acknowledge, flagged_response

    response_id = send_phq9_as_family(app, client, db, family_centre)
    mailbox.messages.clear()
    later = morning + timedelta(minutes=61)
    assert notices.add_due_reminders(later) == 1
    db.session.commit()
    acknowledge(flagged_response(response_id), db.session.get(User, family_centre["nurse"].id), later)
    db.session.commit()
    delivery = jobs.deliver(notices.due_notice_ids(), later)
    assert (delivery.sent, delivery.dropped) == (0, 1)
    assert mailbox.messages == []


def test_ordinary_answers_are_announced_by_the_scheduled_jobs_once(
    app, client, db, family_centre, team, mailbox, runner
):
    send_phq9_as_family(app, client, db, family_centre, item9="not_at_all")
    assert mailbox.messages == []  # not immediate: only urgent flags are
    assert "Staff notices sent: 1" in run_jobs(runner)
    [message] = mailbox.to(family_centre["nurse"].email)
    assert message["Subject"] == SUBJECTS["answered"]["sv"]
    response_id = db.session.scalar(select(StaffNotice.response_id))
    assert f"http://localhost/staff/questionnaires/responses/{response_id}" in text_of(message)
    for words in CLIENT_DATA:
        assert words not in text_of(message), words
    assert mailbox.to(TEAM) == []  # the team hears of urgent flags only
    run_jobs(runner)
    assert len(mailbox.messages) == 1


def test_a_nurse_who_turned_them_off_gets_no_answered_emails_but_still_urgent_ones(
    app, client, db, family_centre, team, mailbox, runner, nurse_client
):
    page = nurse_client.get("/staff/account").get_data(as_text=True)
    assert re.search(r'<input [^>]*checked[^>]*name="notify_new_answers"', page)  # on until turned off
    saved = nurse_client.submit("/staff/account", {"email_language": "sv"}, token_from="/staff/account")
    assert saved.status_code == 302
    assert not db.session.get(User, family_centre["nurse"].id).notify_new_answers

    send_phq9_as_family(app, client, db, family_centre, item9="not_at_all")
    run_jobs(runner)
    assert mailbox.messages == []
    send_phq9_as_family(app, client, db, family_centre)
    assert len(mailbox.to(family_centre["nurse"].email)) == 1


def test_an_answered_email_is_not_sent_after_the_nurse_turned_them_off(
    app, client, db, family_centre, team, mailbox, runner
):
    send_phq9_as_family(app, client, db, family_centre, item9="not_at_all")
    nurse = db.session.get(User, family_centre["nurse"].id)
    nurse.notify_new_answers = False
    db.session.commit()
    assert "no longer needed: 1" in run_jobs(runner)
    assert mailbox.messages == []


def test_an_urgent_email_that_could_not_be_sent_goes_with_the_next_scheduled_run(
    app, client, db, family_centre, team, mailbox, runner
):
    working_port = app.config["SMTP_PORT"]
    from tests.support.servers import free_port

    app.config["SMTP_PORT"] = free_port()  # nothing listens there: the mail server is down
    send_phq9_as_family(app, client, db, family_centre)
    assert mailbox.messages == []
    assert db.session.scalar(select(StaffNotice.failures).where(StaffNotice.recipient == TEAM)) == 1

    app.config["SMTP_PORT"] = working_port
    assert "Staff notices sent: 2" in run_jobs(runner, "notify-staff")
    assert len(mailbox.to(family_centre["nurse"].email)) == 1 and len(mailbox.to(TEAM)) == 1


def test_self_service_answers_tell_no_one(app, client, db, family_centre, team, mailbox, runner):
    from blueprints.questionnaires.models import InstrumentSetting

    db.session.add(InstrumentSetting(instrument_id="phq9", public=True))
    db.session.commit()
    phone = family(app, client)
    started = phone.submit("/questionnaires/phq9/start", token_from="/questionnaires")
    token = started.headers["Location"].split("/q/r/")[1].rstrip("/")
    answer_everything(phone, token, phq9_answers("nearly_every_day"))
    phone.submit(f"/q/r/{token}/send", token_from=f"/q/r/{token}/review")
    run_jobs(runner)
    assert mailbox.messages == [] and db.session.scalar(select(StaffNotice.id)) is None


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("sv", ("Ditt konto", "E-post från Famnen", "Mejla mig när en familj skickar svar på en enkät jag skickat")),
        ("fi", ("Oma tili", "Sähköpostit Famnenista", "Lähetä minulle sähköposti, kun perhe lähettää vastaukset")),
    ],
)
def test_the_account_page_in_both_languages(app, client, db, family_centre, nurse_client, language, texts):
    nurse_client.set_cookie("famnen_lang", language)
    page = nurse_client.get("/staff/account").get_data(as_text=True)
    for text in texts:
        assert text in page
    assert "/staff/account/password" in page
    saved = nurse_client.submit(
        "/staff/account",
        {"notify_new_answers": "y", "email_language": "fi"},
        token_from="/staff/account",
        follow_redirects=True,
    )
    assert saved.status_code == 200
    assert db.session.get(User, family_centre["nurse"].id).email_language == "fi"
    refused = nurse_client.submit("/staff/account", {"email_language": "de"}, token_from="/staff/account")
    assert refused.status_code == 422
    assert db.session.get(User, family_centre["nurse"].id).email_language == "fi"


def test_reception_sees_no_choice_about_answers(app, client, db):
    sign_in(client, app, make_staff({"reception"}, email="desk@famnen.example", name="Desk"))
    page = client.get("/staff/account").get_data(as_text=True)
    assert "notify_new_answers" not in page and 'name="email_language"' in page


def test_signing_in_sets_the_email_language_until_one_is_chosen(app, client, db, family_centre):
    client.set_cookie("famnen_lang", "fi")
    sign_in(client, app, family_centre["nurse"])
    assert db.session.get(User, family_centre["nurse"].id).email_language == "fi"


def test_an_administrator_sets_the_team_address_of_a_centre(app, client, db, family_centre):
    centre = db.session.get(Centre, family_centre["world"].centre_id)
    sign_in(client, app, make_staff({"admin"}, email="boss@famnen.example", name="Boss"))
    path = f"/admin/centres/{centre.id}"
    page = client.get(path).get_data(as_text=True)
    assert "Teamets adress för brådskande varningar" in page
    form = {name: getattr(centre, name) or "" for name in ("slug", "name_sv", "name_fi", "name_en", "postal_code")}
    refused = client.submit(path, form | {"team_email": "not an address"}, token_from=path)
    assert refused.status_code == 422 and "Skriv en e-postadress i formen namn@exempel.fi." in refused.get_data(
        as_text=True
    )
    assert client.submit(path, form | {"team_email": TEAM}, token_from=path).status_code == 302
    assert db.session.get(Centre, centre.id).team_email == TEAM
