"""The coach's side of programmes: the caseload (quiet families first), a family's programme with its answers
(audit-logged), notes, opening/pausing/extending/ending, enrolling a family, and figures for the municipality."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from core.access import current_staff, staff
from core.forms import EmptyForm
from core.i18n import current_language, long_date, pick
from core.timeutil import local_to_utc, to_local, utcnow
from core.views import render_form
from extensions import db

from ..audit import log as audit
from ..auth.accounts import professionals
from ..auth.models import User
from ..booking import times_page
from ..booking.details_step import confirm_staff_booking, details_step
from ..questionnaires import invitations
from ..questionnaires.case_access import basis_or_refuse
from ..questionnaires.models import Child
from ..questionnaires.notifications import send_invitation
from ..questionnaires.store import load_latest as load_latest_instrument
from . import enrolments, follow_up, notifications, store
from .figures import eligible_screenings
from .figures import figures as programme_figures
from .follow_up import FINAL, MIDWAY
from .forms import CoachForm, EndForm, EnrolForm, ExtendForm, NoteForm
from .models import COMPLETED, Enrolment

bp = Blueprint("programmes_staff", __name__, url_prefix="/staff/programmes")


@bp.route("/")
@staff("professional")
def caseload():
    """The coach's families: those quiet for PROGRAMME_QUIET_DAYS or more first, then by week."""
    user = current_staff()
    quiet_days = current_app.config["PROGRAMME_QUIET_DAYS"]
    rows = enrolments.caseload(user, utcnow(), quiet_days)
    audit.record_each(
        user, [(row.enrolment.child_id, f"enrolment:{row.enrolment.id}") for row in rows], "view", "the family's coach"
    )
    db.session.commit()
    return render_template("programmes/staff/caseload.html", rows=rows, quiet_days=quiet_days)


def _enrolment_or_refuse(enrolment_id: int) -> tuple[Enrolment, str]:
    """An enrolment the professional may see (its coach, or a professional of the child's case) and why."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        abort(404)
    user = current_staff()
    basis = invitations.access_basis(user, enrolment.child)
    if enrolment.coach_id == user.id:
        basis = "the family's coach"
    if basis is None:
        audit.refuse(user, enrolment.child_id, f"enrolment:{enrolment.id}", "not the coach nor in the child's case")
    return enrolment, basis


def _week_choices(enrolment: Enrolment) -> list[SelectChoice]:
    programme = enrolments.programme_of(enrolment)
    return [
        SelectChoice(str(week.number), _("Week %(number)d", number=week.number) + ": " + pick(week.title))
        for week in programme.weeks
    ]


@bp.route("/<int:enrolment_id>")
@staff("professional")
def enrolment(enrolment_id: int):
    """A family's programme: each week's state, their answers, the calls and the coach's notes."""
    found, basis = _enrolment_or_refuse(enrolment_id)
    return _page(found, basis, NoteForm(), ExtendForm(), EndForm())


def _page(found: Enrolment, basis: str, note_form: NoteForm, extend_form: ExtendForm, end_form: EndForm):
    programme = enrolments.programme_of(found)
    now = utcnow()
    note_form.week.choices = _week_choices(found)
    if note_form.week.data is None:
        note_form.week.data = str(enrolments.open_weeks(found, programme, now))
    audit.record(current_staff(), found.child_id, f"enrolment:{found.id}", "view", basis)
    page = render_form(
        "programmes/staff/enrolment.html",
        note_form,
        enrolment=found,
        programme=programme,
        progress=enrolments.progress(found, programme, now),
        answers=enrolments.answers_of(found),
        weeks_state={row.week: row for row in found.weeks},
        next_opens=enrolments.next_week_opens_at(found, programme, now),
        ends_at=enrolments.ends_at(found, programme),
        next_call=enrolments.next_call(found, now),
        can_book_call=not enrolments.is_ended(found) and enrolments.call_service(found) is not None,
        follow_up_instrument=follow_up.instrument_of(found, programme),
        follow_ups={which: follow_up.sent_visit(found, which) for which in (MIDWAY, FINAL)},
        change=follow_up.before_after(found, programme),
        is_ended=enrolments.is_ended(found),
        block_done=enrolments.block_done,
        note_form=note_form,
        extend_form=extend_form,
        end_form=end_form,
        action_form=EmptyForm(),
        coach_form=_coach_form(found),
        family_link=notifications.programme_link(found),
        language=current_language(),
    )
    db.session.commit()  # the audit entry
    return page


def _act(enrolment_id: int, action: str) -> tuple[Enrolment, str]:
    """An enrolment to change, after the CSRF check; the change is audit-logged as ``action``."""
    found, basis = _enrolment_or_refuse(enrolment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    audit.record(current_staff(), found.child_id, f"enrolment:{found.id}", action, basis)
    return found, basis


def _back(found: Enrolment):
    return redirect(url_for("programmes_staff.enrolment", enrolment_id=found.id))


@bp.route("/<int:enrolment_id>/note", methods=["POST"])
@staff("professional")
def add_note(enrolment_id: int):
    """Keep a note about a week or its call."""
    found, basis = _enrolment_or_refuse(enrolment_id)
    form = NoteForm()
    form.week.choices = _week_choices(found)
    if not form.validate_on_submit():
        return _page(found, basis, form, ExtendForm(), EndForm())
    enrolments.add_note(found, int(form.week.data), form.text.data, current_staff(), utcnow())
    audit.record(current_staff(), found.child_id, f"enrolment:{found.id}", "note", basis)
    db.session.commit()
    flash(_("The note is saved."), "success")
    return _back(found)


def _coach_form(found: Enrolment) -> CoachForm:
    form = CoachForm()
    form.coach.choices = _coach_choices()
    if not form.is_submitted():
        form.coach.data = str(found.coach_id) if found.coach_id else None
    return form


@bp.route("/<int:enrolment_id>/coach", methods=["POST"])
@staff("professional")
def change_coach(enrolment_id: int):
    """Give the family another coach."""
    found, basis = _enrolment_or_refuse(enrolment_id)
    form = _coach_form(found)
    if not form.validate_on_submit():
        abort(400)  # a choice from the list the page offered, or a forged form
    coach = db.session.get(User, int(form.coach.data))
    if enrolments.change_coach(found, coach, current_staff()):
        audit.record(current_staff(), found.child_id, f"enrolment:{found.id}", "change coach", basis)
        db.session.commit()
        flash(_("%(name)s is now the family's coach.", name=coach.name), "success")
    return _back(found)


@bp.route("/<int:enrolment_id>/open-week", methods=["POST"])
@staff("professional")
def open_week(enrolment_id: int):
    """Open the next week now, ahead of the schedule."""
    found, _basis = _act(enrolment_id, "open week")
    opened = enrolments.open_next_week(found, enrolments.programme_of(found), utcnow())
    db.session.commit()
    if enrolments.is_ended(found):
        flash(_("The programme has ended: no week opens any more."), "info")
    elif opened is None:
        flash(_("Every week is open already."), "info")
    else:
        flash(_("Week %(number)d is now open for the family.", number=opened), "success")
    return _back(found)


@bp.route("/<int:enrolment_id>/pause", methods=["POST"])
@staff("professional")
def pause(enrolment_id: int):
    """Pause the schedule: no new week opens."""
    found, _basis = _act(enrolment_id, "pause")
    if enrolments.pause(found, utcnow()):
        flash(_("The programme is paused. No new week opens until you continue it."), "success")
    db.session.commit()
    return _back(found)


@bp.route("/<int:enrolment_id>/resume", methods=["POST"])
@staff("professional")
def resume(enrolment_id: int):
    """Continue after a pause; the schedule moves on by the pause."""
    found, _basis = _act(enrolment_id, "resume")
    if enrolments.resume(found, enrolments.programme_of(found), utcnow()):
        flash(_("The programme continues. The next weeks open a week apart from now."), "success")
    db.session.commit()
    return _back(found)


@bp.route("/<int:enrolment_id>/extend", methods=["POST"])
@staff("professional")
def extend(enrolment_id: int):
    """Give the family more weeks before the programme ends."""
    found, basis = _enrolment_or_refuse(enrolment_id)
    form = ExtendForm()
    if not form.validate_on_submit():
        return _page(found, basis, NoteForm(), form, EndForm())
    if not enrolments.extend(found, form.weeks.data):
        form.weeks.errors.append(
            _("A programme can be extended by %(max)d weeks in all.", max=enrolments.MAX_EXTRA_WEEKS)
        )
        return _page(found, basis, NoteForm(), form, EndForm())
    audit.record(current_staff(), found.child_id, f"enrolment:{found.id}", "extend", basis)
    db.session.commit()
    flash(
        _(
            "The planned end is now %(day)s. The family's link works until you end the programme.",
            day=_day(enrolments.ends_at(found, enrolments.programme_of(found))),
        ),
        "success",
    )
    return _back(found)


def _day(moment: datetime) -> str:
    return long_date(to_local(moment))


@bp.route("/<int:enrolment_id>/end", methods=["POST"])
@staff("professional")
def end(enrolment_id: int):
    """End the programme, completed or stopped early."""
    found, basis = _enrolment_or_refuse(enrolment_id)
    form = EndForm()
    if not form.validate_on_submit():
        return _page(found, basis, NoteForm(), ExtendForm(), form)
    programme = enrolments.programme_of(found)
    if not enrolments.end(found, programme, form.outcome.data == "completed", utcnow()):
        flash(_("The programme had ended already; nothing was changed."), "info")
        return _back(found)
    audit.record(current_staff(), found.child_id, f"enrolment:{found.id}", "end", basis)
    db.session.commit()
    flash(_("The programme has ended. The family can still read their weeks and answers."), "success")
    completed = found.state == COMPLETED
    if completed and follow_up.instrument_of(found, programme) and follow_up.sent_visit(found, FINAL) is None:
        _send_follow_up(found, programme, FINAL)
    return _back(found)


def _send_follow_up(found: Enrolment, programme, which: str) -> None:
    """Send the follow-up questionnaire and say what came of it (the view has done the CSRF and access checks)."""
    try:
        visit = follow_up.send(
            found, programme, which, current_staff(), utcnow(), current_app.config["QUESTIONNAIRE_LINK_DAYS"]
        )
    except follow_up.FollowUpRefused as refused:
        db.session.rollback()
        flash(
            {
                "none": _("This programme has no follow-up questionnaire."),
                "sent": _("The follow-up questionnaire has been sent already."),
                "instrument": _("The follow-up questionnaire cannot be sent: its instrument is not in use."),
            }[str(refused)],
            "error",
        )
        return
    db.session.commit()
    emailed = send_invitation(visit, [pick(load_latest_instrument(visit.responses[0].instrument_id).title)])
    if emailed:
        flash(_("The follow-up questionnaire has been sent to the family."), "success")
    else:
        flash(_("The follow-up questionnaire is ready: give the family its link from the questionnaire page."), "info")


@bp.route("/<int:enrolment_id>/follow-up/<which>", methods=["POST"])
@staff("professional")
def send_follow_up(enrolment_id: int, which: str):
    """Send the screening questionnaire again, half-way or at the end."""
    if which not in (MIDWAY, FINAL):
        abort(404)
    found, _basis = _act(enrolment_id, f"send {which} follow-up")
    if which == MIDWAY and enrolments.is_ended(found):
        flash(_("The programme has ended: send the follow-up at the end instead."), "error")
        return _back(found)
    _send_follow_up(found, enrolments.programme_of(found), which)
    return _back(found)


@bp.route("/<int:enrolment_id>/send-link", methods=["POST"])
@staff("professional")
def send_link(enrolment_id: int):
    """Send the family their link again by email and text message."""
    found, _basis = _act(enrolment_id, "send link")
    db.session.commit()
    _tell_sent(*notifications.send_link(found, enrolments.programme_of(found)))
    db.session.commit()  # the text message's record
    return _back(found)


def _call_service_or_404(found: Enrolment):
    service = enrolments.call_service(found)
    if service is None or enrolments.is_ended(found):
        abort(404)
    return service


@bp.route("/<int:enrolment_id>/call")
@staff("professional")
def call_times(enrolment_id: int):
    """The coach's free times, to book the family's next weekly call."""
    found, _basis = _enrolment_or_refuse(enrolment_id)
    service = _call_service_or_404(found)
    if request.args.get("professional") != str(found.coach_id):
        wishes = {**request.args, "professional": found.coach_id}
        return redirect(url_for("programmes_staff.call_times", enrolment_id=found.id, **wishes))
    return times_page.render_times(
        service,
        family=False,
        back_url=url_for("programmes_staff.enrolment", enrolment_id=found.id),
        back_text=_("Back"),
        slot_action=url_for("programmes_staff.call_details", enrolment_id=found.id),
        times_url=url_for("programmes_staff.call_times", enrolment_id=found.id),
    )


@bp.route("/<int:enrolment_id>/call/details", methods=["GET", "POST"])
@staff("professional")
def call_details(enrolment_id: int):
    """The family's details (known from the enrolment); the call is booked and tied to the programme's week."""
    found, basis = _enrolment_or_refuse(enrolment_id)
    service = _call_service_or_404(found)
    step = details_step(
        service,
        form_action=url_for("programmes_staff.call_details", enrolment_id=found.id),
        times_url=url_for("programmes_staff.call_times", enrolment_id=found.id, professional=found.coach_id),
        booked_by=current_staff(),
        known=enrolments.known_for_booking(found),
    )
    if step.booked is None:
        return step.answer
    week = enrolments.week_of_next_call(found, enrolments.programme_of(found), utcnow())
    enrolments.add_call(found, step.booked, week)
    audit.record(current_staff(), found.child_id, f"enrolment:{found.id}", "book call", basis)
    db.session.commit()
    confirm_staff_booking(step.booked, _("The call for week %(number)d is booked.", number=week))
    db.session.commit()  # the text message's record
    return _back(found)


def _tell_sent(emailed: bool, texted: bool) -> None:
    if emailed or texted:
        flash(_("The family has been sent their link."), "success")
    else:
        flash(_("The link could not be sent: give the family the address shown on this page."), "error")


def _coach_choices() -> list[SelectChoice]:
    return [SelectChoice(str(person.id), person.name) for person in professionals() if person.active]


@bp.route("/enrol/<int:child_id>", methods=["GET", "POST"])
@staff("professional")
def enrol(child_id: int):
    """Enrol the child's family in a coached programme; the family is sent their link."""
    child = db.get_or_404(Child, child_id)
    basis = basis_or_refuse(child)
    form = EnrolForm()
    programmes = store.latest_programmes(coached=True)
    form.programme.choices = [SelectChoice(programme.id, pick(programme.title)) for programme in programmes]
    form.coach.choices = _coach_choices()
    if request.method == "GET":
        form.coach.data = str(current_staff().id)
        form.language.data = current_language()
    if form.validate_on_submit():
        if enrolments.active_enrolment(child, form.programme.data) is not None:
            form.programme.errors.append(_("The family is already in this programme."))
        else:
            return _enrol(child, form, next(p for p in programmes if p.id == form.programme.data), basis)
    return render_form("programmes/staff/enrol.html", form, child=child, programmes=programmes)


def _enrol(child: Child, form: EnrolForm, programme, basis: str):
    found = enrolments.enrol(
        child,
        db.session.get(User, int(form.coach.data)),
        programme,
        language=form.language.data,
        email=form.email.data,
        phone=form.phone.data,
        enrolled_by=current_staff(),
        now=utcnow(),
    )
    audit.record(current_staff(), child.id, f"enrolment:{found.id}", "enrol", basis)
    db.session.commit()
    _tell_sent(*notifications.send_link(found, programme))
    db.session.commit()  # the text message's record
    return redirect(url_for("programmes_staff.enrolment", enrolment_id=found.id))


@bp.route("/figures")
@staff("professional", "admin")
def figures():
    """Figures for the municipality per programme and year: counts only, no names or personal details."""
    year = request.args.get("year", type=int) or to_local(utcnow()).year
    if not 2000 <= year <= 2100:
        abort(404)
    since = local_to_utc(datetime(year, 1, 1).date(), datetime.min.time())
    until = local_to_utc(datetime(year + 1, 1, 1).date(), datetime.min.time())
    rows = [
        (programme, programme_figures(programme.id, since, until))
        for programme in store.latest_programmes(coached=True, in_use_only=False)
    ]
    return render_template(
        "programmes/staff/figures.html", rows=rows, year=year, eligible=eligible_screenings(since, until)
    )
