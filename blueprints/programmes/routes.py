"""The family's programme page, reached by a secret link (no account), and open self-paced courses.

A family sees its weeks (one opens at a time), reads a week, writes in its exercises and ticks
its checklists. Each answer is saved as it is given (htmx, with the questionnaire pages' script
keeping answers on the device while offline); without JavaScript the week's button saves them.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.access import public
from core.forms import EmptyForm
from core.i18n import current_language
from core.timeutil import utcnow
from extensions import db

from ..booking import times_page
from ..booking.details_step import chosen_slot, confirm_family_booking, details_step
from ..questionnaires import invitations
from . import enrolments, follow_up, store
from .definition import Programme, languages_not_validated
from .models import Enrolment

bp = Blueprint("programmes", __name__)

# A rejected answer (too long, a locked week): the page keeps what was typed and says why.
REFUSED = 422


def _enrolment(token: str) -> Enrolment:
    enrolment = enrolments.enrolment_for_token(token)
    if enrolment is None:
        abort(404)
    return enrolment


def _refusal_text(reason: str) -> str:
    return {
        "ended": _("The programme has ended, so answers can no longer be changed. You can still read them."),
        "locked": _("This week has not opened yet."),
        "too long": _("The answer is too long: at most %(limit)d characters.", limit=enrolments.MAX_ANSWER_LENGTH),
    }[reason]


@bp.route("/p/<token>")
@public
def overview(token: str):
    """The family's programme: its weeks (open or when they open), progress, the coach and the next call."""
    enrolment = _enrolment(token)
    programme = enrolments.programme_of(enrolment)
    now = utcnow()
    return render_template(
        "programmes/overview.html",
        enrolment=enrolment,
        programme=programme,
        progress=enrolments.progress(enrolment, programme, now),
        next_opens=enrolments.next_week_opens_at(enrolment, programme, now),
        next_call=enrolments.next_call(enrolment, now),
        can_book_call=enrolments.family_may_book_call(enrolment, now),
        follow_up_links=_follow_up_links(enrolment, now),
        change=follow_up.before_after(enrolment, programme),
        not_validated=current_language() in languages_not_validated(programme),
        token=token,
    )


def _follow_up_links(enrolment: Enrolment, now) -> list[str]:
    """Links to the follow-up questionnaires the family has been sent and can still answer."""
    links = []
    for which in (follow_up.MIDWAY, follow_up.FINAL):
        visit = follow_up.sent_visit(enrolment, which)
        if visit is not None and any(invitations.accepts_answers(response, now) for response in visit.responses):
            links.append(url_for("questionnaires.visit", token=invitations.visit_token(visit)))
    return links


def _week_or_locked(enrolment: Enrolment, programme: Programme, number: int, now):
    week = programme.week(number)
    if week is None:
        abort(404)
    return week, number <= enrolments.open_weeks(enrolment, programme, now)


@bp.route("/p/<token>/week/<int:number>", methods=["GET", "POST"])
@public
def week(token: str, number: int):
    """One week: its texts, images, exercises and checklists; the form saves every answer at once without
    JavaScript, and "I have done this week" marks it done."""
    enrolment = _enrolment(token)
    programme = enrolments.programme_of(enrolment)
    now = utcnow()
    week, is_open = _week_or_locked(enrolment, programme, number, now)
    if not is_open:
        return render_template(
            "programmes/locked.html",
            enrolment=enrolment,
            programme=programme,
            week=week,
            opens_at=enrolments.next_week_opens_at(enrolment, programme, now),
            token=token,
        ), 403
    typed, problems = {}, {}
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        typed, problems = _save_form(enrolment, programme, week, now)
        if not problems and request.form.get("go") == "done":
            enrolments.mark_week_done(enrolment, programme, number, now)
            db.session.commit()
            flash(_("Week %(number)d is marked done. Well done!", number=number), "success")
            return redirect(url_for("programmes.overview", token=token))
        if not problems:
            db.session.commit()
            flash(_("Your answers are saved."), "success")
            return redirect(url_for("programmes.week", token=token, number=number))
        db.session.rollback()
    else:
        enrolments.record_opened(enrolment, number, now)
        db.session.commit()
    answers = {
        **{f"{block}--{prompt}": value for (block, prompt), value in enrolments.answers_of(enrolment).items()},
        **typed,
    }
    return render_template(
        "programmes/week.html",
        enrolment=enrolment,
        programme=programme,
        week=week,
        answers=answers,
        problems=problems,
        done=any(row.week == number and row.done_at for row in enrolment.weeks),
        writable=enrolments.accepts_answers(enrolment),
        not_validated=current_language() in languages_not_validated(programme),
        token=token,
        image_url=lambda name: url_for("programmes.image", token=token, name=name),
        back_url=url_for("programmes.overview", token=token),
        max_answer=enrolments.MAX_ANSWER_LENGTH,
    ), REFUSED if problems else 200


def _save_form(enrolment: Enrolment, programme: Programme, week, now) -> tuple[dict[str, str], dict[str, str]]:
    """Save every answer of the week's form; what was typed and, per field, why it was refused."""
    typed, problems = {}, {}
    for block in week.answerable_blocks:
        for prompt in block.prompts:
            field = f"{block.id}--{prompt.id}"
            value = request.form.get(f"answer-{field}", "")
            typed[field] = value
            try:
                enrolments.save_answer(enrolment, programme, block.id, prompt.id, value, now)
            except enrolments.AnswerRefused as refused:
                problems[field] = _refusal_text(str(refused))
    return typed, problems


@bp.route("/p/<token>/save", methods=["POST"])
@public
def save(token: str):
    """Save one answer as it is given (htmx): the status next to the field says saved, or why not."""
    enrolment = enrolments.enrolment_for_token(token)
    field = request.form.get("item", "")
    if enrolment is None:
        return render_template(
            "programmes/_save_status.html", field=field, state="closed", message=_("This link does not work.")
        ), 409
    block_id, _sep, prompt_id = field.partition("--")
    programme = enrolments.programme_of(enrolment)
    try:
        enrolments.save_answer(
            enrolment, programme, block_id, prompt_id, request.form.get(f"answer-{field}", ""), utcnow()
        )
    except LookupError:
        abort(400)
    except enrolments.AnswerRefused as refused:
        db.session.rollback()
        status = 409 if str(refused) in ("ended", "locked") else REFUSED
        return render_template(
            "programmes/_save_status.html", field=field, state="rejected", message=_refusal_text(str(refused))
        ), status
    db.session.commit()
    return render_template("programmes/_save_status.html", field=field, state="saved", message=_("Saved"))


def _call_booking(token: str):
    """The enrolment, its programme and the coach's call service, when the family may book a call now."""
    enrolment = _enrolment(token)
    service = enrolments.call_service(enrolment)
    if service is None or enrolments.is_ended(enrolment):
        abort(404)
    return enrolment, enrolments.programme_of(enrolment), service


def _calls_booked_already(enrolment: Enrolment, token: str):
    """A redirect to the programme page when the family has booked as many calls ahead as they may, else None."""
    if enrolments.family_may_book_call(enrolment, utcnow()):
        return None
    flash(
        _(
            "You already have %(num)d calls booked. Talk about the next one with your coach, or cancel one first.",
            num=enrolments.MAX_UPCOMING_CALLS,
        ),
        "info",
    )
    return redirect(url_for("programmes.overview", token=token))


@bp.route("/p/<token>/call")
@public
def call_times(token: str):
    """The coach's free times for the next weekly call (only the coach's: the programme's calls are with them)."""
    enrolment, _programme, service = _call_booking(token)
    if (full := _calls_booked_already(enrolment, token)) is not None:
        return full
    if request.args.get("professional") != str(enrolment.coach_id):
        return redirect(
            url_for("programmes.call_times", token=token, **{**request.args, "professional": enrolment.coach_id})
        )
    return times_page.render_times(
        service,
        family=True,
        back_url=url_for("programmes.overview", token=token),
        back_text=_("Back"),
        slot_action=url_for("programmes.call_details", token=token),
        times_url=url_for("programmes.call_times", token=token),
    )


@bp.route("/p/<token>/call/details", methods=["GET", "POST"])
@public
def call_details(token: str):
    """The family's details for the call; booking it ties it to the programme's week."""
    enrolment, programme, service = _call_booking(token)
    if (full := _calls_booked_already(enrolment, token)) is not None:
        return full
    times_url = url_for("programmes.call_times", token=token, professional=enrolment.coach_id)
    choice = chosen_slot(service)
    if choice is not None and choice.professional_id != enrolment.coach_id:
        flash(_("Choose one of your coach's times."), "error")
        return redirect(times_url)
    step = details_step(
        service,
        form_action=url_for("programmes.call_details", token=token),
        times_url=times_url,
        known=enrolments.known_for_booking(enrolment),
    )
    if step.booked is None:
        return step.answer
    week = enrolments.week_of_next_call(enrolment, programme, utcnow())
    enrolments.add_call(enrolment, step.booked, week)
    db.session.commit()
    confirm_family_booking(step.booked, _("Your call with the coach for week %(number)d is booked.", number=week))
    db.session.commit()  # the text message's record
    return redirect(url_for("programmes.overview", token=token))


@bp.route("/p/<token>/image/<path:name>")
@public
def image(token: str, name: str):
    """An image of the family's programme version."""
    enrolment = _enrolment(token)
    return _image_response(enrolment.programme_id, enrolment.programme_version, name)


def _image_response(programme_id: str, version: int, name: str):
    stored = store.image(programme_id, version, name)
    if stored is None:
        abort(404)
    # A stored version never changes: the image may be kept for a long time.
    return stored.data, 200, {"Content-Type": stored.content_type, "Cache-Control": "private, max-age=604800"}


# --- Open self-paced courses ----------------------------------------------------------------


def _course(programme_id: str) -> Programme:
    try:
        programme = store.load_latest(programme_id)
    except LookupError:
        abort(404)
    version = store.stored_version(programme.id, programme.version)
    if programme.coached or version is None or not version.in_use:
        abort(404)
    return programme


@bp.route("/courses/")
@public
def courses():
    """The open self-paced courses anyone can follow, without a coach or an account."""
    return render_template("programmes/courses.html", courses=store.latest_programmes(coached=False))


@bp.route("/courses/<programme_id>/")
@public
def course(programme_id: str):
    """An open course's overview: every week is open."""
    programme = _course(programme_id)
    return render_template(
        "programmes/course.html",
        programme=programme,
        not_validated=current_language() in languages_not_validated(programme),
    )


@bp.route("/courses/<programme_id>/week/<int:number>")
@public
def course_week(programme_id: str, number: int):
    """One week of an open course; its exercises are for the reader's own thinking and are not saved."""
    programme = _course(programme_id)
    week = programme.week(number)
    if week is None:
        abort(404)
    return render_template(
        "programmes/week.html",
        enrolment=None,
        programme=programme,
        week=week,
        answers={},
        problems={},
        done=False,
        writable=False,
        not_validated=current_language() in languages_not_validated(programme),
        token=None,
        image_url=lambda name: url_for("programmes.course_image", programme_id=programme.id, name=name),
        back_url=url_for("programmes.course", programme_id=programme.id),
        max_answer=enrolments.MAX_ANSWER_LENGTH,
    )


@bp.route("/courses/<programme_id>/image/<path:name>")
@public
def course_image(programme_id: str, name: str):
    """An image of an open course's newest version."""
    programme = _course(programme_id)
    return _image_response(programme.id, programme.version, name)
