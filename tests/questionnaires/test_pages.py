"""Questionnaire pages over HTTP: inviting, answering without JavaScript and with htmx, results, access, audit."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from blueprints.audit.models import AuditEntry
from blueprints.booking.models import Appointment
from blueprints.questionnaires import invitations
from blueprints.questionnaires.models import InstrumentSetting, Response, Visit
from core.timeutil import to_local, utcnow
from tests.support.helpers import make_staff, next_week, sign_in
from tests.support.questionnaires import (
    OFFER_ANSWERS,
    answer_everything,
    answer_page,
    family,
    make_visit,
    send_offer_answers,
)

PSC_NEVER = {f"psc{n}": "never" for n in range(1, 18)}


# --- Inviting -------------------------------------------------------------------------------


def test_the_professional_invites_a_new_child_and_emails_the_link(nurse_client, db, family_centre, mailbox):
    form = nurse_client.get("/staff/questionnaires/new").get_data(as_text=True)
    assert "Fyraårsgranskningen (v3)" in form and "Elsa (f. 15.9.2022)" in form
    bad = nurse_client.submit(
        "/staff/questionnaires/new",
        {"child": "new", "language": "fi", "valid_days": "30"},
        token_from="/staff/questionnaires/new",
    )
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert (
        "Skriv barnets förnamn." in body and "Skriv barnets efternamn." in body and "Skriv barnets födelsedatum" in body
    )
    assert "Välj minst en enkät." in body
    response = nurse_client.submit(
        "/staff/questionnaires/new",
        {
            "child": "new",
            "first_name": "Onni",
            "surname": "Mäkinen",
            "date_of_birth": "2022-07-01",
            "instruments": ["fyraarsgranskningen", "phq9"],
            "language": "fi",
            "valid_days": "14",
            "email": "Juha@Example.com",
        },
        token_from="/staff/questionnaires/new",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Länken har skickats per e-post till juha@example.com." in page
    assert 'role="img"' in page and "<svg" in page  # the QR code
    visit = db.session.scalar(select(Visit).order_by(Visit.id.desc()))
    assert [r.instrument_id for r in visit.responses] == ["fyraarsgranskningen", "phq9"]
    assert visit.expires_at - visit.created_at == timedelta(days=14)
    [message] = mailbox.to("juha@example.com")
    assert message["Subject"] == "Kysely perhekeskuksesta ennen käyntiänne"
    assert invitations.visit_token(visit) in message.get_body(preferencelist=("plain",)).get_content()
    assert "Neljävuotistarkastus" in message.get_body(preferencelist=("plain",)).get_content()


def test_the_list_of_invitations_shows_each_child_and_is_audit_logged(nurse_client, db, family_centre):
    visit = make_visit(db, family_centre)
    page = nurse_client.get("/staff/questionnaires").get_data(as_text=True)
    assert "Elsa" in page and "f. 15.9.2022" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.subject == f"visit:{visit.id}"))
    assert (entry.child_id, entry.action, entry.basis, entry.page) == (
        visit.child_id,
        "list",
        "own invitations",
        "GET /staff/questionnaires",
    )


def test_the_handout_is_in_the_familys_language(nurse_client, db, family_centre):
    visit = make_visit(db, family_centre, language="fi")
    handout = nurse_client.get(f"/staff/questionnaires/visits/{visit.id}/handout").get_data(as_text=True)
    assert '<html lang="fi">' in handout and "Kyselyt ennen käyntiänne" in handout
    visit_page = nurse_client.get(f"/staff/questionnaires/visits/{visit.id}").get_data(as_text=True)
    assert "Perhekeskus pyytää sinua vastaamaan kyselyyn" in visit_page  # the text message to copy


def test_the_text_message_gives_the_expiry_date_in_helsinki(nurse_client, db, family_centre):
    visit = make_visit(db, family_centre)
    visit.expires_at = datetime(2027, 1, 14, 23, 30, tzinfo=UTC)  # already 15 January in Helsinki
    db.session.commit()
    visit_page = nurse_client.get(f"/staff/questionnaires/visits/{visit.id}").get_data(as_text=True)
    assert "Länken fungerar till 15.1.2027." in visit_page


def test_withdrawing_and_opening_the_link_again(nurse_client, app, client, db, family_centre):
    visit = make_visit(db, family_centre)
    token = invitations.visit_token(visit)
    nurse_client.submit(
        f"/staff/questionnaires/visits/{visit.id}/withdraw", token_from=f"/staff/questionnaires/visits/{visit.id}"
    )
    phone = family(app, client)
    withdrawn = phone.get(f"/q/{token}")
    assert withdrawn.status_code == 410 and "dragit tillbaka" in withdrawn.get_data(as_text=True)
    nurse_client.submit(
        f"/staff/questionnaires/visits/{visit.id}/extend", token_from=f"/staff/questionnaires/visits/{visit.id}"
    )
    assert phone.get(f"/q/{token}").status_code == 200


# --- Answering --------------------------------------------------------------------------------


def test_the_family_sees_why_and_who_sees_the_answers_in_the_chosen_language(app, client, db, family_centre):
    visit = make_visit(db, family_centre, language="fi")
    phone = app.test_client()
    phone.html_checker = client.html_checker
    first = phone.get(f"/q/{invitations.visit_token(visit)}")
    assert first.status_code == 302 and "famnen_lang=fi" in first.headers["Set-Cookie"]
    page = phone.get(f"/q/{invitations.visit_token(visit)}").get_data(as_text=True)
    assert "Kyselyt ennen käyntiänne" in page and "Vastaanotto ei koskaan näe niitä" in page
    assert "säilytetään 24 kuukauden ajan" in page
    db.session.refresh(visit)
    assert visit.first_opened_at is not None


def test_answering_without_javascript_resuming_and_sending(app, client, db, family_centre):
    visit = make_visit(db, family_centre)
    token = invitations.response_token(visit.responses[0])
    phone = family(app, client)
    assert phone.get(f"/q/r/{token}/").headers["Location"].endswith("/page/1")
    answer_page(phone, token, 1, {k: v for k, v in OFFER_ANSWERS.items() if k.startswith("psc")})
    # Another device opens the same link later and continues where the first one left off.
    other_device = family(app, client)
    assert other_device.get(f"/q/r/{token}/").headers["Location"].endswith("/page/2")
    # "Yes" brings up a follow-up question on the same page before moving on.
    again = answer_page(other_device, token, 2, {"burden": "yes"})
    assert again.headers["Location"].endswith("/page/2")
    follow_up = other_device.get(again.headers["Location"]).get_data(as_text=True)
    assert (
        "Dina svar tog fram fler frågor på den här sidan." in follow_up and 'name="answer-burden_duration"' in follow_up
    )
    answer_everything(other_device, token, OFFER_ANSWERS)
    review = other_device.get(f"/q/r/{token}/review").get_data(as_text=True)
    assert "Kontrollera dina svar" in review and "Längre än ett år" in review
    sent = other_device.submit(f"/q/r/{token}/send", token_from=f"/q/r/{token}/review", follow_redirects=True)
    thanks = sent.get_data(as_text=True)
    assert "Tack! Dina svar har skickats." in thanks
    assert "Erbjudande om föräldraträning med coach" in thanks and "Boka det första samtalet" in thanks
    # Sending again (a double click, another tab) changes nothing.
    first_sent = db.session.get(Response, visit.responses[0].id).submitted_at
    assert phone.submit(f"/q/r/{token}/send", token_from="/").headers["Location"].endswith("/thanks")
    assert db.session.get(Response, visit.responses[0].id).submitted_at == first_sent
    # The answers can no longer be changed.
    closed = phone.get(f"/q/r/{token}/page/1")
    assert closed.status_code == 410 and "redan skickats" in closed.get_data(as_text=True)


def test_required_questions_block_sending_with_links_to_them(app, client, db, family_centre):
    visit = make_visit(db, family_centre)
    token = invitations.response_token(visit.responses[0])
    phone = family(app, client)
    answer_page(phone, token, 1, PSC_NEVER)
    response = phone.submit(f"/q/r/{token}/send", token_from=f"/q/r/{token}/review")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Svara på de här frågorna innan du skickar" in body
    assert f'href="/q/r/{token}/page/2#q-burden"' in body


def test_a_number_that_cannot_be_read_is_explained_and_kept(app, client, db, family_centre):
    visit = make_visit(db, family_centre)
    token = invitations.response_token(visit.responses[0])
    phone = family(app, client)
    tampered = answer_page(phone, token, 1, {"psc1": "always"})
    assert tampered.status_code == 422
    assert "Det svaret är inte ett av alternativen." in tampered.get_data(as_text=True)
    assert db.session.get(Response, visit.responses[0].id).answer_values == {}


def test_each_answer_is_saved_at_once_with_htmx(app, client, db, family_centre):
    visit = make_visit(db, family_centre)
    response = visit.responses[0]
    token = invitations.response_token(response)
    phone = family(app, client)
    csrf = phone.csrf_token(f"/q/r/{token}/page/2")
    saved = phone.post(
        f"/q/r/{token}/save",
        data={"item": "burden", "answer-burden": "yes"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf},
    )
    body = saved.get_data(as_text=True)
    assert saved.status_code == 200
    assert '<p class="save-status save-saved" id="status-burden">Sparat</p>' in body
    # The follow-up question appears through an out-of-band swap, announced in the live region.
    assert 'id="q-burden_duration" data-hx-swap-oob="true"' in body
    assert "Frågorna på den här sidan ändrades" in body
    assert db.session.get(Response, response.id).answer_values == {"burden": "yes"}
    hidden = phone.post(
        f"/q/r/{token}/save",
        data={"item": "burden", "answer-burden": "no"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf},
    )
    assert re.search(r'id="q-burden_duration" data-hx-swap-oob="true" hidden', hidden.get_data(as_text=True))
    rejected = phone.post(
        f"/q/r/{token}/save",
        data={"item": "burden", "answer-burden": "maybe"},
        headers={"HX-Request": "true", "X-CSRFToken": csrf},
    )
    assert rejected.status_code == 422
    assert (
        phone.post(
            f"/q/r/{token}/save", data={"item": "nope"}, headers={"HX-Request": "true", "X-CSRFToken": csrf}
        ).status_code
        == 400
    )
    assert (
        phone.post(f"/q/r/{token}/save", data={"item": "burden", "answer-burden": "yes"}).status_code == 400
    )  # no CSRF token


def test_expired_unknown_and_already_sent_links_explain_whom_to_contact(app, client, db, family_centre):
    visit = make_visit(db, family_centre, days=1)
    response = visit.responses[0]
    visit.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    phone = family(app, client)
    expired = phone.get(f"/q/r/{invitations.response_token(response)}/page/1")
    assert expired.status_code == 410
    assert "Tiden för att svara på den här enkäten har gått ut." in expired.get_data(as_text=True)
    assert "Sara Nyström" in expired.get_data(as_text=True)
    unknown = phone.get("/q/r/not-a-real-token/")
    assert unknown.status_code == 404 and "Vi hittade ingen enkät för den här länken." in unknown.get_data(as_text=True)
    save = phone.post(
        f"/q/r/{invitations.response_token(response)}/save",
        data={"item": "psc1", "answer-psc1": "often", "csrf_token": phone.csrf_token()},
    )
    assert save.status_code == 409


def test_the_offer_books_the_first_coach_call(app, client, db, family_centre, mailbox):
    phone, token, response_id = send_offer_answers(app, client, db, family_centre)
    times = phone.get(next_week(f"/q/r/{token}/offer")).get_data(as_text=True)
    slot = re.findall(r'name="slot" value="([^"]+)"', times)[0]
    assert "Katja Lehtonen" in times
    booked = phone.submit(
        f"/q/r/{token}/offer/details",
        {
            "slot": slot,
            "guardian_name": "Anna Lindholm",
            "guardian_email": "anna@example.com",
            "guardian_phone": "040 123 4567",
            "language": "sv",
        },
        token_from=f"/q/r/{token}/offer/details?slot={slot}",
        follow_redirects=True,
    )
    assert "Ditt första samtal med coachen är bokat." in booked.get_data(as_text=True)
    response = db.session.get(Response, response_id)
    appointment = db.session.get(Appointment, response.offer_appointment_id)
    assert response.offer_status == "booked" and appointment.service.slug == "coachsamtal"
    assert "Ditt första samtal är bokat" in phone.get(f"/q/r/{token}/thanks").get_data(as_text=True)
    assert phone.get(f"/q/r/{token}/offer").status_code == 404  # booked once
    # The reserved service is not open to anyone else.
    assert client.get("/book/coachsamtal").status_code == 404


def _book_offer(phone, token):
    """Book the first free coach call the offer shows; the answer to the details form."""
    times = phone.get(next_week(f"/q/r/{token}/offer")).get_data(as_text=True)
    slot = re.findall(r'name="slot" value="([^"]+)"', times)[0]
    return phone.submit(
        f"/q/r/{token}/offer/details",
        {
            "slot": slot,
            "guardian_name": "Anna Lindholm",
            "guardian_email": "anna@example.com",
            "guardian_phone": "040 123 4567",
            "language": "sv",
        },
        token_from=f"/q/r/{token}/offer/details?slot={slot}",
    )


def test_the_coach_hand_over_carries_the_child_and_the_screening(app, client, db, family_centre, nurse_client):
    phone, token, response_id = send_offer_answers(app, client, db, family_centre)
    times = phone.get(next_week(f"/q/r/{token}/offer")).get_data(as_text=True)
    slot = re.findall(r'name="slot" value="([^"]+)"', times)[0]
    details = phone.get(f"/q/r/{token}/offer/details?slot={slot}").get_data(as_text=True)
    # The booking form already holds the child's name and age from the case.
    years = invitations.age_in_months(date(2022, 9, 15), to_local(utcnow()).date()) // 12
    assert re.search(r'<input [^>]*name="child_first_name"[^>]*value="Elsa"', details)
    assert re.search(rf'<option selected value="{years}">', details)
    phone.submit(
        f"/q/r/{token}/offer/details",
        {
            "slot": slot,
            "guardian_name": "Anna Lindholm",
            "guardian_email": "anna@example.com",
            "guardian_phone": "040 123 4567",  # the coach calls
            "child_first_name": "Elsa",
            "child_age_years": str(years),
            "language": "sv",
        },
        token_from=f"/q/r/{token}/offer/details?slot={slot}",
    )
    appointment = db.session.get(Appointment, db.session.get(Response, response_id).offer_appointment_id)
    assert appointment.child_id == family_centre["child_id"] and appointment.child_first_name == "Elsa"
    day = to_local(appointment.starts_at).date().isoformat()

    # The coach's agenda says the call came from a screening, and which; the answers stay the case's.
    coach_client = app.test_client()
    coach_client.html_checker = client.html_checker
    sign_in(coach_client, app, family_centre["coach"])
    agenda = coach_client.get(f"/staff/agenda?day={day}").get_data(as_text=True)
    assert "Bokad via erbjudandet efter en screening: Fyraårsgranskningen, besvarad" in agenda
    assert "Elsa" in agenda and "Svaren om barnet" not in agenda
    assert coach_client.get(f"/staff/questionnaires/responses/{response_id}").status_code == 403

    # The nurse sees when, and with whom.
    page = nurse_client.get(f"/staff/questionnaires/responses/{response_id}").get_data(as_text=True)
    local = to_local(appointment.starts_at)
    assert f"Familjen bokade det första samtalet med Katja Lehtonen till {local.day}.{local.month}.{local.year}" in page


def test_the_offer_and_its_booking_are_stored_together_before_the_confirmation_is_sent(
    app, client, db, family_centre, mailbox, monkeypatch
):
    phone, token, response_id = send_offer_answers(app, client, db, family_centre)
    # The offer commits, then confirms the booking to the family (booking's confirm_family_booking).
    from blueprints.booking import details_step

    stored_when_sent = []

    def committed(appointment_id):
        # Another connection, outside the request, sees only what was committed.
        with app.app_context(), Session(db.engine) as other:
            offer = other.get(Response, response_id)
            return offer.offer_status, offer.offer_appointment_id, other.get(Appointment, appointment_id) is not None

    def notify_after_looking(appointment, kind):
        with ThreadPoolExecutor(1) as elsewhere:
            stored_when_sent.append(elsewhere.submit(committed, appointment.id).result())
        return notify_family(appointment, kind)

    notify_family = details_step.notify_family
    monkeypatch.setattr(details_step, "notify_family", notify_after_looking)
    assert _book_offer(phone, token).status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert stored_when_sent == [("booked", appointment.id, True)]
    assert len(mailbox.to("anna@example.com")) == 1


def test_when_storing_the_offer_fails_no_call_is_booked_and_nothing_is_sent(app, client, db, family_centre, mailbox):
    phone, token, response_id = send_offer_answers(app, client, db, family_centre)

    def refuse_update(mapper, connection, target):
        raise IntegrityError("UPDATE questionnaire_response", {}, Exception("refused by the test"))

    event.listen(Response, "before_update", refuse_update)
    try:
        assert _book_offer(phone, token).status_code == 500
    finally:
        event.remove(Response, "before_update", refuse_update)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    assert (
        db.session.get(Response, response_id).offer_status,
        db.session.get(Response, response_id).offer_appointment_id,
    ) == ("", None)
    assert mailbox.to("anna@example.com") == []
    # The family can book again, and then both are stored.
    assert _book_offer(phone, token).status_code == 302
    appointment = db.session.scalar(select(Appointment))
    assert db.session.get(Response, response_id).offer_appointment_id == appointment.id


def test_an_email_that_cannot_be_sent_does_not_undo_the_offers_booking(app, client, db, family_centre):
    phone, token, response_id = send_offer_answers(app, client, db, family_centre)
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=9)  # nothing listens there
    booked = _book_offer(phone, token)
    assert booked.status_code == 302
    appointment = db.session.scalar(select(Appointment))
    response = db.session.get(Response, response_id)
    assert (response.offer_status, response.offer_appointment_id) == ("booked", appointment.id)


def test_not_now_is_recorded_for_the_professional(app, client, db, family_centre, nurse_client):
    phone, token, response_id = send_offer_answers(app, client, db, family_centre)
    phone.submit(f"/q/r/{token}/offer/decline", token_from=f"/q/r/{token}/thanks")
    assert db.session.get(Response, response_id).offer_status == "declined"
    page = nurse_client.get(f"/staff/questionnaires/responses/{response_id}").get_data(as_text=True)
    assert "Familjen sade ”inte nu” till erbjudandet." in page


# --- Reading ---------------------------------------------------------------------------------------


def test_the_professional_reads_flags_scores_outcome_and_answers_and_it_is_logged(
    app, client, db, family_centre, nurse_client
):
    _phone, _token, response_id = send_offer_answers(app, client, db, family_centre)
    page = nurse_client.get(f"/staff/questionnaires/responses/{response_id}").get_data(as_text=True)
    assert "Fyraårsgranskningen: Elsa" in page
    assert re.search(r"Utåtagerande[^<]*</th>\s*<td>14 / 14</td>", page) or "14 / 14" in page
    assert 'class="level-badge level-high">Över gränsvärdet</span>' in page
    assert "Erbjudande om föräldraträning med coach" in page and "erbjud det coachstödda" in page
    assert "Belastar ditt barns beteende familjens vardag?" in page and "Längre än ett år" in page
    assert "inte en validerad översättning" in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.subject == f"response:{response_id}"))
    assert entry.actor_name == "Sara Nyström" and entry.child_id == family_centre["child_id"]
    assert entry.action == "view" and entry.page == "GET /staff/questionnaires/responses/<int:response_id>"
    assert entry.basis == "professional who opened the case"
    saved = nurse_client.submit(
        f"/staff/questionnaires/responses/{response_id}",
        {"notes": "Talade om coachningen."},
        token_from=f"/staff/questionnaires/responses/{response_id}",
        follow_redirects=True,
    )
    assert "Anteckningarna har sparats." in saved.get_data(as_text=True)
    assert db.session.get(Response, response_id).notes == "Talade om coachningen."


def test_only_the_case_sees_the_answers(app, client, db, family_centre):
    _phone, _token, response_id = send_offer_answers(app, client, db, family_centre)
    url = f"/staff/questionnaires/responses/{response_id}"
    for roles, email in (
        ({"professional"}, "other@famnen.example"),
        ({"reception"}, "desk@famnen.example"),
        ({"admin"}, "boss@famnen.example"),
    ):
        outsider = app.test_client()
        outsider.html_checker = client.html_checker
        sign_in(outsider, app, make_staff(roles, email=email, name=email))
        assert outsider.get(url).status_code == 403, roles
        assert outsider.get(f"/staff/questionnaires/children/{family_centre['child_id']}").status_code == 403, roles


def test_sharing_the_case_lets_a_colleague_read_and_the_basis_is_logged(app, client, db, family_centre, nurse_client):
    _phone, _token, response_id = send_offer_answers(app, client, db, family_centre)
    colleague = make_staff({"professional"}, email="johanna@famnen.example", name="Johanna Korhonen")
    child_page = f"/staff/questionnaires/children/{family_centre['child_id']}"
    nurse_client.submit(child_page, {"colleague": str(colleague.id)}, token_from=child_page)
    reader = app.test_client()
    reader.html_checker = client.html_checker
    sign_in(reader, app, colleague)
    assert reader.get(f"/staff/questionnaires/responses/{response_id}").status_code == 200
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.actor_id == colleague.id))
    assert entry.basis.startswith("case shared by Sara Nyström on ")


def test_the_childs_history_puts_responses_side_by_side(app, client, db, family_centre, nurse_client):
    send_offer_answers(app, client, db, family_centre)
    send_offer_answers(app, client, db, family_centre)
    page = nurse_client.get(f"/staff/questionnaires/children/{family_centre['child_id']}").get_data(as_text=True)
    assert page.count("/staff/questionnaires/responses/") >= 2
    assert "Symtomchecklista för barn (PSC-17)" in page  # the package's scores are the PSC-17's


# --- Self-service and administration ----------------------------------------------------------------


def test_a_public_questionnaire_can_be_taken_anonymously_with_the_result(app, client, db, family_centre):
    db.session.add(InstrumentSetting(instrument_id="gad7", public=True))
    db.session.commit()
    listing = client.get("/questionnaires").get_data(as_text=True)
    assert "GAD-7" in listing
    started = client.submit("/questionnaires/gad7/start", token_from="/questionnaires")
    token = started.headers["Location"].split("/q/r/")[1].rstrip("/")
    answer_everything(
        client, token, {f"gad{n}": "nearly_every_day" for n in range(1, 8)} | {"gad_difficulty": "very_difficult"}
    )
    thanks = client.submit(f"/q/r/{token}/send", token_from=f"/q/r/{token}/review", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Ditt resultat" in thanks and "Boka en tid på familjecentret" in thanks
    assert "Tala med en yrkesperson om din oro" in thanks and "09 2525 0112" in thanks
    response = db.session.scalar(select(Response).where(Response.visit_id.is_(None)))
    assert response.submitted_at is not None
    assert client.submit("/questionnaires/phq9/start", token_from="/questionnaires").status_code == 404  # not public


def test_the_admin_makes_an_instrument_public(app, client, db, family_centre):
    sign_in(client, app, make_staff({"admin"}, email="boss@famnen.example", name="Boss"))
    client.submit("/admin/questionnaires", {"instrument": "phq9", "public": "yes"}, token_from="/admin/questionnaires")
    assert db.session.get(InstrumentSetting, "phq9").public
    assert (
        client.submit(
            "/admin/questionnaires", {"instrument": "sdq", "public": "yes"}, token_from="/admin/questionnaires"
        ).status_code
        == 404
    )


def test_parents_read_headings_written_for_them_and_professionals_their_own(
    app, client, db, family_centre, nurse_client
):
    visit = make_visit(db, family_centre)
    token = invitations.response_token(visit.responses[0])
    phone = family(app, client)
    answer_everything(phone, token, {**OFFER_ANSWERS, "wish_to_talk": "yes", "coping": "poorly"})
    thanks = phone.submit(f"/q/r/{token}/send", token_from=f"/q/r/{token}/review", follow_redirects=True).text
    assert "Vi pratar om er situation vid granskningen" in thanks and "Hur ni orkar" in thanks
    assert "Föräldern vill prata" not in thanks and "Tala om familjens resurser" not in thanks
    # The professional's result page keeps the wording written for professionals.
    result = nurse_client.get(f"/staff/questionnaires/responses/{visit.responses[0].id}").text
    assert "Föräldern vill prata om familjens situation" in result
