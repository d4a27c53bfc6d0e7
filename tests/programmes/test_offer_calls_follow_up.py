"""The whole path: screening → offer → programme; weekly calls through booking; the follow-up and the change it
shows on the child's page and in the PDF."""

import re

from sqlalchemy import select

from blueprints.booking.models import AppointmentStatus
from blueprints.programmes import enrolments, follow_up
from blueprints.programmes.models import CoachCall, Enrolment
from blueprints.questionnaires import invitations
from tests.support.helpers import next_week, sign_in
from tests.support.pdf import pdf_text
from tests.support.questionnaires import answer_everything, family, send_offer_answers

PSC17_LOWER = {f"psc{n}": "never" for n in range(1, 18)} | {"psc4": "sometimes", "psc5": "sometimes"}


def _book(phone, times_path, details_path, details):
    times = phone.get(next_week(times_path)).get_data(as_text=True)
    slot = re.findall(r'name="slot" value="([^"]+)"', times)[0]
    return phone.submit(
        details_path, {"slot": slot, **details}, token_from=f"{details_path}?slot={slot}", follow_redirects=True
    )


def test_booking_the_offered_call_starts_the_programme_with_that_call_as_week_one(
    app, client, db, family_centre, programmes, mailbox
):
    phone, token, response_id = send_offer_answers(app, client, db, family_centre)
    page = _book(
        phone,
        f"/q/r/{token}/offer",
        f"/q/r/{token}/offer/details",
        {
            "guardian_name": "Anna Lindholm",
            "guardian_email": "anna@example.com",
            "guardian_phone": "040 123 4567",
            "language": "sv",
        },
    ).get_data(as_text=True)
    assert "Ditt program har börjat." in page and "Vardagsrutiner" in page
    found = db.session.scalar(select(Enrolment))
    assert found.screening_response_id == response_id and found.coach_id == family_centre["coach"].id
    assert [call.week for call in found.calls] == [1] and found.email == "anna@example.com"
    [link_mail] = [m for m in mailbox.to("anna@example.com") if "program" in m["Subject"].lower()]
    assert "/p/" in link_mail.get_body(("plain",)).get_content()


def test_the_family_books_the_next_call_from_their_coachs_times_only(app, client, db, enrolment, family_centre):
    phone = family(app, client, "fi")
    with app.test_request_context():
        token = enrolments.link_token(enrolment)
    assert f'href="/p/{token}/call"' in phone.get(f"/p/{token}").get_data(as_text=True)
    redirected = phone.get(f"/p/{token}/call")
    assert redirected.status_code == 302 and f"professional={family_centre['coach'].id}" in redirected.location
    booked = _book(
        phone,
        f"/p/{token}/call?professional={family_centre['coach'].id}",
        f"/p/{token}/call/details",
        {"guardian_name": "Aino", "guardian_phone": "040 123 4567", "language": "fi"},
    )
    assert "Valmentajapuhelusi viikolle 1 on varattu." in booked.get_data(as_text=True)
    [call] = db.session.scalars(select(CoachCall)).all()
    assert call.week == 1 and call.appointment.professional_id == family_centre["coach"].id
    assert call.appointment.child_id == enrolment.child_id


def test_the_coach_books_the_week_two_call_after_opening_week_two(app, client, db, enrolment, family_centre):
    sign_in(client, app, family_centre["coach"])
    page = f"/staff/programmes/{enrolment.id}"
    client.submit(f"{page}/open-week", token_from=page)
    answer = _book(
        client,
        f"{page}/call?professional={family_centre['coach'].id}",
        f"{page}/call/details",
        {"guardian_name": "Aino", "guardian_phone": "040 123 4567", "language": "fi", "family_language": "fi"},
    )
    assert answer.status_code == 200
    [call] = db.session.scalars(select(CoachCall)).all()
    assert call.week == 2


def test_ending_as_completed_sends_the_follow_up_and_the_change_shows_on_the_child_page_and_pdf(
    app, client, db, family_centre, programmes, mailbox, clock
):
    phone, token, response_id = send_offer_answers(app, client, db, family_centre)
    _book(
        phone,
        f"/q/r/{token}/offer",
        f"/q/r/{token}/offer/details",
        {
            "guardian_name": "Anna",
            "guardian_email": "anna@example.com",
            "guardian_phone": "040 123 4567",
            "language": "sv",
        },
    )
    found = db.session.scalar(select(Enrolment))
    found.calls[0].appointment.status = AppointmentStatus.ATTENDED
    db.session.commit()
    sign_in(client, app, family_centre["coach"])
    page = f"/staff/programmes/{found.id}"
    client.submit(f"{page}/end", {"outcome": "completed"}, token_from=page)
    db.session.expire_all()
    found = db.session.get(Enrolment, found.id)
    visit = follow_up.sent_visit(found, follow_up.FINAL)
    assert visit is not None and visit.responses[0].instrument_id == "fyraarsgranskningen"
    assert any("/q/" in m.get_body(("plain",)).get_content() for m in mailbox.to("anna@example.com"))
    # The family answers the follow-up from their programme page.
    with app.test_request_context():
        programme_token = enrolments.link_token(found)
        follow_token = invitations.response_token(visit.responses[0])
    assert f"/q/{invitations.visit_token(visit)}" in phone.get(f"/p/{programme_token}").get_data(as_text=True)
    answers = PSC17_LOWER | {"burden": "no", "support": "often", "coping": "well", "wish_to_talk": "no"}
    answer_everything(phone, follow_token, answers)
    phone.submit(f"/q/r/{follow_token}/send", token_from=f"/q/r/{follow_token}/review")
    change = follow_up.before_after(db.session.get(Enrolment, found.id), programmes)
    total = next(row for row in change.rows if row.title["en"] == "Total score")
    assert total.after < total.before
    year = clock.moment.year
    figures_page = client.get(f"/staff/programmes/figures?year={year}&lang=sv").get_data(as_text=True)
    assert (
        "1 screening under året ledde till ett erbjudande" in figures_page
        and "100.0 % av dem som erbjöds" in figures_page
    )
    assert "-12 (1 familj svarade på uppföljningen)" in figures_page and "Elsa" not in figures_page
    child_page = client.get(f"/staff/questionnaires/children/{family_centre['child_id']}?lang=sv").get_data(
        as_text=True
    )
    assert "change-chart" in child_page and f">{total.before}<" in child_page and f">{total.after}<" in child_page
    assert "1 samtal hållet" in child_page and "4 av 4 veckor klara" not in child_page
    pdf = client.get(f"/staff/reports/children/{family_centre['child_id']}.pdf?lang=sv")
    text = " ".join(pdf_text(pdf.data).split())
    assert "Vardagsrutiner och positiv uppmärksamhet" in text and "1 samtal hållet" in text
    assert "Före och efter" in text and f"Totalpoäng {total.before} (Ingen oro) {total.after} (Ingen oro) -12" in text
