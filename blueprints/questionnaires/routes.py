"""The family's way: open the link, answer page by page (each answer saved at once), review, send.

Also the self-service questionnaires anyone can take on the site, and the
offer that follows a result (booking the first coach call, or "not now").
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from config import LANGUAGES
from core.access import public
from core.forms import EmptyForm
from core.i18n import LANGUAGE_COOKIE, current_language
from core.timeutil import to_local, utcnow
from core.tokens import new_reference
from core.views import INVALID_SUBMISSION
from extensions import db

from ..booking import appointments, times_page
from ..booking.details_step import confirm_family_booking, details_step
from ..booking.models import Appointment
from ..organisation.models import Service
from ..programmes.enrolments import enrol_from_offer, link_token, programme_of
from ..programmes.notifications import send_link as send_programme_link
from ..staff import jobs as staff_jobs
from ..staff import notices
from . import answering, invitations
from .answering import AnswerRejected, NotComplete, Page
from .definition import Definition, Item
from .invitations import Status
from .models import InstrumentSetting, Response
from .results import answer_text, scale_rows
from .store import load_latest_of

bp = Blueprint("questionnaires", __name__)

REJECTION_MESSAGES = {
    "not_a_number": lambda: _("Write a number, for example 12."),
    "not_a_date": lambda: _("Write a date, for example 3.12.2026."),
    "out_of_range": lambda: _("That answer is not one of the choices. Choose again."),
    "unknown_item": lambda: _("That question is not part of this questionnaire."),
}


class LinkProblem(Exception):
    """A family's link that cannot be used; ``state`` says why, for the explanation page."""

    def __init__(self, state: str, response: Response | None = None) -> None:
        super().__init__(state)
        self.state = state
        self.response = response


@bp.errorhandler(LinkProblem)
def _link_problem(problem: LinkProblem):
    status = 404 if problem.state == "unknown" else 410
    return render_template("questionnaires/link_problem.html", state=problem.state, response=problem.response), status


def _visit(token: str):
    visit = invitations.visit_for_token(token)
    if visit is None:
        raise LinkProblem("unknown")
    return visit


def _response(token: str, answering: bool = True) -> Response:
    """The response behind a link; when ``answering``, only one that still takes answers."""
    response = invitations.response_for_token(token)
    if response is None:
        raise LinkProblem("unknown")
    state = invitations.status(response, utcnow())
    if answering and state not in (Status.SENT, Status.OPENED, Status.STARTED):
        raise LinkProblem(state.value, response)
    return response


@bp.route("/q/<token>")
@public
def visit(token: str):
    """The family's link: what is asked of them, why, who sees it, and where they are."""
    found = _visit(token)
    if request.cookies.get(LANGUAGE_COOKIE) not in LANGUAGES:
        # The first time, show the family the language the professional chose with them.
        response = redirect(request.full_path.rstrip("?"))
        response.set_cookie(LANGUAGE_COOKIE, found.language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return response
    now = utcnow()
    invitations.mark_opened(found, now)
    db.session.commit()
    items = [
        (
            response,
            invitations.status(response, now),
            answering.definition_of(response),
            invitations.response_token(response),
        )
        for response in found.responses
    ]
    if all(state == Status.WITHDRAWN for _, state, _, _ in items):
        raise LinkProblem("withdrawn")
    return render_template("questionnaires/visit.html", visit=found, items=items, now=now, token=token)


def _position(definition: Definition, answers: dict, age_months) -> tuple[list[Page], int | None]:
    """The visible pages, and the first page with an unanswered question (None when all are answered)."""
    visible = answering.pages(definition, answers, age_months)
    for page in visible:
        if any(item.id not in answers for item in page.items):
            return visible, page.number
    return visible, None


def _context(response: Response):
    definition = answering.definition_of(response)
    answers = response.answer_values
    age = answering.child_age_months(response, to_local(utcnow()).date())
    return definition, answers, age


@bp.route("/q/r/<token>/")
@public
def start(token: str):
    """Continue where the family left off: the first page with an unanswered question, or the review."""
    response = _response(token)
    definition, answers, age = _context(response)
    _pages, first_open = _position(definition, answers, age)
    if first_open is None:
        return redirect(url_for("questionnaires.review", token=token))
    return redirect(url_for("questionnaires.page", token=token, number=first_open))


def _page_or_404(definition: Definition, answers: dict, age, number: int) -> tuple[list[Page], Page]:
    visible = answering.pages(definition, answers, age)
    if not 1 <= number <= len(visible):
        abort(404)
    return visible, visible[number - 1]


def _form_answers(items: tuple[Item, ...] | list[Item]) -> tuple[dict, dict[str, str]]:
    """The answers a page's form sent, and a translated message per item that could not be read."""
    found, problems = {}, {}
    for item in items:
        try:
            found[item.id] = answering.parse_form_value(item, request.form.getlist(f"answer-{item.id}"))
        except AnswerRejected as rejected:
            problems[item.id] = REJECTION_MESSAGES[rejected.reason]()
    return found, problems


def _save(response: Response, definition: Definition, answers: dict) -> dict[str, str]:
    """Save answers; return a translated message per rejected item (then nothing was saved)."""
    try:
        answering.save_answers(response, definition, answers, utcnow())
    except AnswerRejected as rejected:
        return {rejected.item_id: REJECTION_MESSAGES[rejected.reason]()}
    db.session.commit()
    return {}


@bp.route("/q/r/<token>/page/<int:number>", methods=["GET", "POST"])
@public
def page(token: str, number: int):
    """One page of questions. Without JavaScript, "Next" saves the page; with it, each answer is saved at once."""
    response = _response(token)
    definition, answers, age = _context(response)
    visible, current = _page_or_404(definition, answers, age, number)
    problems: dict[str, str] = {}
    typed: dict = {}
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        typed, problems = _form_answers(current.items)
        if not problems:
            problems = _save(response, definition, typed)
        if not problems:
            answers = response.answer_values
            visible = answering.pages(definition, answers, age)
            same = next((p for p in visible if p.section.id == current.section.id), None)
            if same is not None and any(item not in current.items for item in same.items):
                # An answer brought up more questions on this page: show them before moving on.
                flash(_("Your answers brought up more questions on this page."), "info")
                return redirect(url_for("questionnaires.page", token=token, number=same.number))
            if request.form.get("go") == "back" and number > 1:
                return redirect(url_for("questionnaires.page", token=token, number=min(number - 1, len(visible))))
            following = next((p.number for p in visible if same is not None and p.number > same.number), None)
            if following is None:
                return redirect(url_for("questionnaires.review", token=token))
            return redirect(url_for("questionnaires.page", token=token, number=following))
    return render_template(
        "questionnaires/page.html",
        response=response,
        definition=definition,
        token=token,
        page=current,
        pages=visible,
        answers={**answers, **{k: v for k, v in typed.items() if k in problems}},
        typed={k: request.form.getlist(f"answer-{k}") for k in problems},
        problems=problems,
        hidden_items=[item for item in current.section.items if item not in current.items],
    ), INVALID_SUBMISSION if problems else 200


@bp.route("/q/r/<token>/save", methods=["POST"])
@public
def save(token: str):
    """Save one answer as it is given (htmx); answers brought up or hidden by it are swapped in or out."""
    response = invitations.response_for_token(token)
    if response is None or not invitations.accepts_answers(response, utcnow()):
        return render_template(
            "questionnaires/_save_status.html", item_id=request.form.get("item", ""), state="closed"
        ), 409
    definition, before, age = _context(response)
    item = definition.items.get(request.form.get("item", ""))
    if item is None:
        abort(400)
    typed, problems = _form_answers([item])
    if not problems:
        problems = _save(response, definition, typed)
    if problems:
        return render_template(
            "questionnaires/_save_status.html", item_id=item.id, state="rejected", message=problems[item.id]
        ), INVALID_SUBMISSION
    after = response.answer_values
    section = next(section for section in definition.sections if item in section.items)
    shown_before = {i.id for p in answering.pages(definition, before, age) for i in p.items}
    visible = answering.pages(definition, after, age)
    shown_after = {i.id for p in visible for i in p.items}
    changed = [other for other in section.items if (other.id in shown_before) != (other.id in shown_after)]
    current = next((p for p in visible if p.section.id == section.id), None)
    return render_template(
        "questionnaires/_save_status.html",
        item_id=item.id,
        state="saved",
        changed=changed,
        shown=shown_after,
        answers=after,
        page=current,
        pages=visible,
        response=response,
    )


@bp.route("/q/r/<token>/review", methods=["GET"])
@public
def review(token: str):
    """Every answer on one page before sending, with links back to change them."""
    response = _response(token)
    definition, answers, age = _context(response)
    return _review_page(response, definition, answers, age, token, missing=[])


def _review_page(response, definition, answers, age, token, missing, status=200):
    return render_template(
        "questionnaires/review.html",
        response=response,
        definition=definition,
        token=token,
        pages=answering.pages(definition, answers, age),
        answers=answers,
        missing=missing,
        answer_text=_answer_text,
    ), status


def _answer_text(item: Item, value) -> str | None:
    return answer_text(item, value, current_language())


@bp.route("/q/r/<token>/send", methods=["POST"])
@public
def send(token: str):
    """Send the answers. Sending twice (a double click, two tabs) is harmless."""
    response = invitations.response_for_token(token)
    if response is None:
        raise LinkProblem("unknown")
    if response.submitted_at is not None:
        return redirect(url_for("questionnaires.thanks", token=token))
    response = _response(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        now = utcnow()
        result = answering.submit(response, now)
    except NotComplete as incomplete:
        definition, answers, age = _context(response)
        return _review_page(
            response, definition, answers, age, token, missing=incomplete.missing, status=INVALID_SUBMISSION
        )
    urgent_notices = notices.record_sent_response(response, urgent=bool(result.flags), now=now)
    db.session.commit()
    # Told at once, after the commit, so no email announces answers that were rolled back.
    staff_jobs.deliver([notice.id for notice in urgent_notices], now)
    return redirect(url_for("questionnaires.thanks", token=token))


def _offer_service(result) -> Service | None:
    """The service an outcome offers to book (e.g. the first coach call), if any outcome holds."""
    outcome_ids = [outcome.id for outcome in result.outcomes]
    if not outcome_ids:
        return None
    return db.session.scalar(
        select(Service).where(Service.active, Service.offered_for_outcome.in_(outcome_ids)).order_by(Service.id)
    )


@bp.route("/q/r/<token>/thanks")
@public
def thanks(token: str):
    """After sending: thanks, the parent's own result where the instrument allows, and any offer."""
    response = _response(token, answering=False)
    if response.submitted_at is None:
        return redirect(url_for("questionnaires.start", token=token))
    definition = answering.definition_of(response)
    result = answering.result_of(response, definition)
    self_service = response.visit is None
    appointment = db.session.get(Appointment, response.offer_appointment_id) if response.offer_appointment_id else None
    return render_template(
        "questionnaires/thanks.html",
        response=response,
        definition=definition,
        result=result,
        scales=scale_rows(definition, result, current_language()) if definition.parent_result or self_service else [],
        offer=_offer_service(result),
        self_service=self_service,
        token=token,
        appointment=appointment,
        manage_token=appointments.manage_token(appointment) if appointment else None,
        next_response=_next_in_visit(response),
        visit_link=invitations.visit_token(response.visit) if response.visit else None,
    )


def _next_in_visit(response: Response) -> tuple[Response, str] | None:
    """The next questionnaire of the same visit that still waits for answers."""
    if response.visit is None:
        return None
    now = utcnow()
    for other in response.visit.responses:
        if other.id != response.id and invitations.accepts_answers(other, now):
            return other, invitations.response_token(other)
    return None


def _offered(token: str) -> tuple[Response, Service]:
    response = _response(token, answering=False)
    if response.submitted_at is None or response.offer_status == "booked":
        abort(404)
    service = _offer_service(answering.result_of(response))
    if service is None:
        abort(404)
    return response, service


@bp.route("/q/r/<token>/offer")
@public
def offer_times(token: str):
    """Free times for the offered service (reserved: only reachable through the offer)."""
    service = _offered(token)[1]
    return times_page.render_times(
        service,
        family=True,
        back_url=url_for("questionnaires.thanks", token=token),
        back_text=_("Back"),
        slot_action=url_for("questionnaires.offer_details", token=token),
        times_url=url_for("questionnaires.offer_times", token=token),
    )


@bp.route("/q/r/<token>/offer/details", methods=["GET", "POST"])
@public
def offer_details(token: str):
    """The family's details for the offered service; booking happens here."""
    response, service = _offered(token)

    step = details_step(
        service,
        form_action=url_for("questionnaires.offer_details", token=token),
        times_url=url_for("questionnaires.offer_times", token=token),
        known=_known_for_booking(response),
    )
    appointment = step.booked
    if appointment is None:
        return step.answer
    # The offer's status goes with the booking, in one transaction: both or neither.
    response.offer_status = "booked"
    response.offer_appointment_id = appointment.id
    appointment.child_id = response.visit.child_id if response.visit else None
    # The programme starts with its first call: the family gets its page's link too.
    enrolment = enrol_from_offer(response, appointment, current_app.config["OFFER_PROGRAMME"], utcnow())
    db.session.commit()
    confirm_family_booking(appointment, _("Your first call with the coach is booked."))
    db.session.commit()  # the text message's record
    if enrolment is not None:
        emailed, texted = send_programme_link(enrolment, programme_of(enrolment))
        db.session.commit()
        if emailed or texted:
            flash(_("Your programme has started. Its weekly material is here; we have also sent you the link."), "info")
        else:
            flash(_("Your programme has started. Its weekly material is here: keep this page's address."), "info")
        return redirect(url_for("programmes.overview", token=link_token(enrolment)))
    return redirect(url_for("booking.manage", token=appointments.manage_token(appointment)))


def _known_for_booking(response: Response) -> dict[str, str]:
    """What the coach's booking form can be filled with from the invitation: the child's name and age, the
    family's email and language."""
    visit = response.visit
    if visit is None:
        return {}
    child = visit.child
    years = invitations.age_in_months(child.date_of_birth, to_local(utcnow()).date()) // 12
    known = {"child_first_name": child.first_name, "language": visit.language}
    if 0 <= years <= 17:
        known["child_age_years"] = str(years)
    if visit.email:
        known["guardian_email"] = visit.email
    return known


@bp.route("/q/r/<token>/offer/decline", methods=["POST"])
@public
def offer_decline(token: str):
    """The family says "not now" to the offer; the professional sees it."""
    response, _service = _offered(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    response.offer_status = "declined"
    db.session.commit()
    flash(_("Thank you. You can come back to the offer later by talking to your public health nurse."), "info")
    return redirect(url_for("questionnaires.thanks", token=token))


# --- Self-service ------------------------------------------------------------------------


def public_instruments() -> list[Definition]:
    """The instruments an administrator made public, newest versions (one made public whose definition has gone is left
    out).
    """
    return load_latest_of(select(InstrumentSetting.instrument_id).where(InstrumentSetting.public))


@bp.route("/questionnaires")
@public
def self_service():
    """Questionnaires anyone can take on their own, anonymously."""
    return render_template("questionnaires/self_service.html", definitions=public_instruments(), form=EmptyForm())


@bp.route("/questionnaires/<instrument_id>/start", methods=["POST"])
@public
def self_service_start(instrument_id: str):
    """Start an anonymous response to a public instrument."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    public = select(InstrumentSetting.instrument_id).where(
        InstrumentSetting.public, InstrumentSetting.instrument_id == instrument_id
    )
    found = load_latest_of(public)
    if not found:
        abort(404)
    definition = found[0]
    response = Response(
        reference=new_reference(),
        instrument_id=definition.id,
        instrument_version=definition.version,
        language=current_language(),
        created_at=utcnow(),
    )
    db.session.add(response)
    db.session.commit()
    return redirect(url_for("questionnaires.start", token=invitations.response_token(response)))
