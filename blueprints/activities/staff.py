"""The staff's way: activities and their dates, participant lists, attendance, cancelling, messages and figures."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from core.access import current_staff, staff
from core.downloads import attachment_headers, csv_cell
from core.forms import EmptyForm, refuse_field
from core.i18n import language_list, localized
from core.ids import parse_id
from core.phone import display_phone
from core.rendering import wants_fragment
from core.sms import sms_enabled
from core.timeutil import local_to_utc, to_local, utcnow
from core.views import form_status, render_form
from extensions import db

from ..audit.log import record_each, refuse
from ..auth.models import StaffRole, User
from ..questionnaires.invitations import case_to_link, linkable_children
from . import figures as figure_sums
from . import notifications, permissions, series
from . import registration as registrations
from .calendar import availability
from .forms import ActivityForm, CancelDateForm, DateForm, DatesForm, MessageForm, PhoneRegistrationForm, VisitorsForm
from .models import (
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
from .registration import ChangeNotAllowed
from .routes import register_from_form

bp = Blueprint("activities_staff", __name__, url_prefix="/staff/activities")

ROLES = ("admin", "reception", "professional")
TEXT_FIELDS = (
    "title_sv",
    "title_fi",
    "title_en",
    "description_sv",
    "description_fi",
    "description_en",
    "organiser_name",
    "place_sv",
    "place_fi",
    "place_en",
    "meeting_url",
)


def _activity(activity_id: int) -> Activity:
    activity = db.get_or_404(Activity, activity_id)
    if not permissions.can_manage(current_staff(), activity):
        abort(403)
    return activity


def _date(date_id: int) -> ActivityDate:
    activity_date = db.get_or_404(ActivityDate, date_id)
    if not permissions.can_manage(current_staff(), activity_date.activity):
        refuse(current_staff(), None, f"participants:{activity_date.id}", permissions.REFUSED)
    return activity_date


def _registration(registration_id: int) -> Registration:
    """The registration a staff member changes (attendance, cancelling); the change is audit-logged."""
    registration = db.get_or_404(Registration, registration_id)
    if not permissions.can_manage(current_staff(), registration.date.activity):
        refuse(current_staff(), registration.child_id, f"registration:{registration.id}", permissions.REFUSED)
    _log_shown([registration], "update")
    return registration


def _log_shown(rows: list[Registration], action: str) -> None:
    """Audit-log that the families' registrations were seen (or changed, or downloaded).

    A registration linked to a child's case is logged against the child, so the
    family's question "who has looked at my data" finds it.
    """
    if rows:
        basis = permissions.access_basis(current_staff(), rows[0].date.activity)
        record_each(current_staff(), [(row.child_id, f"registration:{row.id}") for row in rows], action, basis)


def _to_participants(activity_date: ActivityDate):
    return redirect(url_for("activities_staff.participants", date_id=activity_date.id))


def _report_unreached(unreached: list[Registration]) -> None:
    """Tell staff whom the email did not reach, so they can phone them."""
    if unreached:
        people = ", ".join(f"{item.guardian_name} ({display_phone(item.guardian_phone) or '–'})" for item in unreached)
        flash(
            _(
                "These families have no email address or could not be emailed; please call them: %(people)s",
                people=people,
            ),
            "info",
        )


# --- Activities ------------------------------------------------------------------------


@bp.route("/")
@staff(*ROLES)
def index():
    """The activities this staff member manages, with their next date."""
    activities = db.session.scalars(permissions.manageable(current_staff()).order_by(Activity.title_sv)).all()
    now = utcnow()
    next_dates = dict(
        db.session.execute(
            select(ActivityDate.activity_id, func.min(ActivityDate.starts_at))
            .where(
                ActivityDate.activity_id.in_([a.id for a in activities]),
                ActivityDate.starts_at > now,
                ActivityDate.cancelled.is_(False),
            )
            .group_by(ActivityDate.activity_id)
        ).all()
    )
    return render_template("activities/staff/index.html", activities=activities, next_dates=next_dates)


def _activity_form(activity: Activity | None) -> tuple[ActivityForm, bool]:
    """The activity form with the centres and professionals this staff member may choose."""
    form = ActivityForm(obj=activity)
    centres, none_allowed = permissions.centres_for(current_staff())
    form.centre.choices = ([SelectChoice("", _l("No family centre"))] if none_allowed else []) + [
        SelectChoice(str(centre.id), localized(centre, "name")) for centre in centres
    ]
    professionals = db.session.scalars(
        select(User).join(StaffRole).where(StaffRole.role == "professional", User.active).order_by(User.name)
    )
    form.leaders.choices = [SelectChoice(str(person.id), person.name) for person in professionals]
    if not form.is_submitted():
        form.centre.data = (
            str(activity.centre_id or "") if activity else (form.centre.choices[0].value if form.centre.choices else "")
        )
        form.languages.data = list(activity.language_codes) if activity else ["sv", "fi"]
        form.leaders.data = [str(leader.id) for leader in activity.leaders] if activity else []
    return form, none_allowed


def _save_activity(form: ActivityForm, activity: Activity | None) -> Activity:
    """Copy a valid form onto a new or existing activity (not committed)."""
    target = activity or Activity()
    for name in TEXT_FIELDS:
        setattr(target, name, getattr(form, name).data or "")
    target.kind = ActivityKind(form.kind.data)
    target.age_group = AgeGroup(form.age_group.data)
    target.organiser_kind = OrganiserKind(form.organiser_kind.data)
    target.languages = language_list(form.languages.data)
    target.centre_id = int(form.centre.data) if form.centre.data else None
    target.registration_required = form.registration_required.data
    target.capacity = form.capacity.data
    target.waiting_list = form.waiting_list.data
    target.registration_closes_hours = form.registration_closes_hours.data
    target.published = form.published.data
    chosen = {int(value) for value in form.leaders.data or []}
    if current_staff().has_role("professional") and not current_staff().has_role("admin") and activity is None:
        chosen.add(current_staff().id)  # who creates an activity leads it, or could not manage it
    target.leaders = list(db.session.scalars(select(User).where(User.id.in_(chosen)))) if chosen else []
    if activity is None:
        db.session.add(target)
    return target


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@staff(*ROLES)
def edit(activity_id: int | None = None):
    """Create an activity or change its texts, place, organiser and registration rules."""
    activity = _activity(activity_id) if activity_id else None
    form, none_allowed = _activity_form(activity)
    if form.validate_on_submit() and (form.centre.data or none_allowed):
        saved = _save_activity(form, activity)
        db.session.flush()
        promoted = registrations.promote_all(saved, utcnow()) if activity else []
        db.session.commit()
        notifications.notify_all(promoted, "promoted")
        flash(_("The activity %(title)s has been saved.", title=localized(saved, "title")), "success")
        if promoted:
            flash(
                ngettext(
                    "%(num)d family got a place from the waiting list and has been told.",
                    "%(num)d families got a place from the waiting list and have been told.",
                    len(promoted),
                ),
                "info",
            )
        return redirect(url_for("activities_staff.activity", activity_id=saved.id))
    if form.is_submitted() and not form.centre.data and not none_allowed:
        refuse_field(form.centre, _("Choose the family centre."))
    return render_form("activities/staff/activity_form.html", form, activity=activity)


def _activity_page(activity: Activity, dates_form: DatesForm | None = None, status: int = 200):
    now = utcnow()
    dates = list(
        db.session.scalars(
            select(ActivityDate).where(ActivityDate.activity_id == activity.id).order_by(ActivityDate.starts_at)
        )
    )
    coming = [item for item in dates if item.ends_at > now]
    past = [item for item in dates if item.ends_at <= now]
    return render_template(
        "activities/staff/activity.html",
        activity=activity,
        coming=coming,
        past=list(reversed(past)),
        availability=availability(dates, now),
        dates_form=dates_form or DatesForm(formdata=None, prefix="dates"),
    ), status


@bp.route("/<int:activity_id>")
@staff(*ROLES)
def activity(activity_id: int):
    """An activity's dates, coming and past, and the form for adding dates."""
    return _activity_page(_activity(activity_id))


@bp.route("/<int:activity_id>/dates", methods=["POST"])
@staff(*ROLES)
def add_dates(activity_id: int):
    """Add one date, or a weekly or every-other-week series."""
    activity = _activity(activity_id)
    form = DatesForm(prefix="dates")
    if not form.validate_on_submit():
        return _activity_page(activity, form, form_status(form))
    last_day = form.last_day.data or form.first_day.data
    every_weeks = int(form.every_weeks.data)
    days = series.series_days(form.first_day.data, last_day, every_weeks, form.skip_holidays.data)
    holidays = len(series.series_days(form.first_day.data, last_day, every_weeks, False)) - len(days)
    if not days:  # every day of it is a public holiday: say so rather than "0 dates have been added"
        form.skip_holidays.errors = [
            _("Every day of this series is a public holiday, so no date was added. Choose other days, or untick this.")
        ]
        return _activity_page(activity, form, form_status(form))
    added, existing = series.add_dates(activity, days, form.start.data, form.end.data)
    db.session.commit()
    flash(ngettext("%(num)d date has been added.", "%(num)d dates have been added.", added), "success")
    if holidays:
        flash(
            ngettext(
                "%(num)d public holiday was skipped.",
                "%(num)d public holidays were skipped.",
                holidays,
            ),
            "info",
        )
    if existing:
        flash(
            ngettext(
                "%(num)d date was there already and was left as it is.",
                "%(num)d dates were there already and were left as they are.",
                existing,
            ),
            "info",
        )
    return redirect(url_for("activities_staff.activity", activity_id=activity.id))


# --- One date: participants, attendance, changes ------------------------------------------


def _participants_context(activity_date: ActivityDate, **extra) -> dict:
    rows = db.session.scalars(
        select(Registration).where(Registration.date_id == activity_date.id).order_by(Registration.arrival)
    ).all()
    now = utcnow()
    confirmed = [row for row in rows if row.status == RegistrationStatus.CONFIRMED]
    return {
        "activity_date": activity_date,
        "activity": activity_date.activity,
        "confirmed": confirmed,
        "waiting": [row for row in rows if row.status == RegistrationStatus.WAITING],
        "cancelled": [row for row in rows if row.status == RegistrationStatus.CANCELLED],
        "taken": sum(row.people for row in confirmed),
        "state": availability([activity_date], now)[activity_date.id],
        "has_begun": activity_date.starts_at <= now,
        "messages": db.session.scalars(
            select(ActivityMessage).where(ActivityMessage.date_id == activity_date.id).order_by(ActivityMessage.sent_at)
        ).all(),
        "visitors_form": extra.pop("visitors_form", None)
        or VisitorsForm(
            formdata=None,
            prefix="visitors",
            adults=activity_date.visitors_adults,
            children=activity_date.visitors_children,
        ),
        "form": EmptyForm(),
        "my_children": linkable_children(current_staff()),
        **extra,
    }


@bp.route("/dates/<int:date_id>")
@staff(*ROLES)
def participants(date_id: int):
    """The participant list of a date: places, waiting list, attendance. Prints cleanly."""
    page = _participants_page(_date(date_id))
    db.session.commit()
    return page


def _participants_page(activity_date: ActivityDate, status: int = 200, **extra):
    """The participant list, audit-logged as a view of every family on it; the view commits."""
    context = _participants_context(activity_date, **extra)
    _log_shown(context["confirmed"] + context["waiting"] + context["cancelled"], "view")
    return render_template("activities/staff/participants.html", **context), status


@bp.route("/dates/<int:date_id>/participants.csv")
@staff(*ROLES)
def participants_csv(date_id: int):
    """The participant list as a CSV file for spreadsheets (semicolons and a BOM, as Excel in Finland expects)."""
    activity_date = _date(date_id)
    families = registrations.registered_families(activity_date.id)
    confirmed = [row for row in families if row.status == RegistrationStatus.CONFIRMED]
    waiting = [row for row in families if row.status == RegistrationStatus.WAITING]
    _log_shown(confirmed + waiting, "download")
    attendance = {Attendance.ATTENDED: _("Came"), Attendance.NO_SHOW: _("Did not come"), None: ""}
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";")
    writer.writerow(
        [
            _("Status"),
            _("Place in line"),
            _("Name"),
            _("Email address"),
            _("Phone"),
            _("Adults"),
            _("Children"),
            _("Language"),
            _("Registered at"),
            _("Attendance"),
        ]
    )
    rows = [(_("Has a place"), "", row) for row in confirmed] + [
        (_("Waiting list"), position, row) for position, row in enumerate(waiting, start=1)
    ]
    for status, position, row in rows:
        writer.writerow(
            [
                csv_cell(value)
                for value in (
                    status,
                    position,
                    row.display_name,
                    row.guardian_email,
                    display_phone(row.guardian_phone),
                    row.adults,
                    row.children,
                    row.language,
                    to_local(row.created_at).strftime("%d.%m.%Y %H.%M"),
                    attendance[row.attendance],
                )
            ]
        )
    filename = f"participants-{to_local(activity_date.starts_at).date().isoformat()}.csv"
    db.session.commit()
    return Response(
        "\ufeff" + output.getvalue(),
        mimetype="text/csv",
        headers=attachment_headers(filename),
    )


@bp.route("/registrations/<int:registration_id>/attendance", methods=["POST"])
@staff(*ROLES)
def attendance(registration_id: int):
    """Mark that a family came or did not come; pressing the marked button again removes the mark."""
    registration = _registration(registration_id)
    values = {"attended": Attendance.ATTENDED, "no_show": Attendance.NO_SHOW, "": None}
    wanted = request.form.get("attendance", "")
    if not EmptyForm().validate_on_submit() or wanted not in values:
        abort(400)
    try:
        registrations.set_attendance(registration, values[wanted], utcnow())
    except ChangeNotAllowed:
        message = _("Attendance can be marked once the date has begun, for families with a place.")
    else:
        message = {
            "attended": _("%(name)s: marked as came.", name=registration.display_name),
            "no_show": _("%(name)s: marked as did not come.", name=registration.display_name),
            "": _("%(name)s: the attendance mark was removed.", name=registration.display_name),
        }[wanted]
    db.session.commit()  # also the audit entry when the mark was refused
    if wants_fragment():
        return _participant_row(registration, message)
    flash(message, "success")
    return _to_participants(registration.date)


def _participant_row(registration: Registration, announcement: str):
    """One family's row of the participant list, for htmx to swap in, with what changed for the live region."""
    return render_template(
        "activities/staff/_participant_row.html",
        row=registration,
        has_begun=registration.date.starts_at <= utcnow(),
        form=EmptyForm(),
        my_children=linkable_children(current_staff()),
        announcement=announcement,
    )


@bp.route("/registrations/<int:registration_id>/child", methods=["POST"])
@staff("professional")
def link_child(registration_id: int):
    """Link a family's visit to a child's case, so the child's summary for the network meeting lists it."""
    registration = _registration(registration_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        child = case_to_link(current_staff(), request.form.get("child", type=parse_id))
        registrations.link_to_child(registration, child.id if child else None)
    except PermissionError:
        abort(403)
    except ChangeNotAllowed:
        message, category = _("Only a family with a place can be linked to a child's case."), "error"
    else:
        category = "success"
        message = (
            _("%(name)s: linked to %(child)s's case.", name=registration.display_name, child=child.label)
            if child
            else _("%(name)s: the link to the child's case was removed.", name=registration.display_name)
        )
        if child:
            _log_shown([registration], "update")
    db.session.commit()  # also the audit entry when the link was refused
    if wants_fragment():
        return _participant_row(registration, message)
    flash(message, category)
    return _to_participants(registration.date)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
@staff(*ROLES)
def cancel_registration(registration_id: int):
    """Cancel a family's registration for them (they phoned); the waiting list moves up."""
    registration = _registration(registration_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        cancellation = notifications.cancel(registration, utcnow(), by_staff=current_staff())
    except ChangeNotAllowed:
        cancellation = None
    db.session.commit()  # with the audit entry, also when there was nothing left to cancel
    if cancellation is None:
        flash(_("The registration has already been cancelled."), "error")
        return _to_participants(registration.date)
    emailed, unreached = notifications.tell_cancelled(cancellation)
    flash(
        _("The registration of %(name)s has been cancelled.", name=registration.display_name)
        + (" " + _("The family has been told by email.") if emailed else ""),
        "success",
    )
    if cancellation.promoted:
        flash(
            ngettext(
                "%(num)d family got a place from the waiting list and has been told.",
                "%(num)d families got a place from the waiting list and have been told.",
                len(cancellation.promoted),
            ),
            "info",
        )
    _report_unreached(unreached)
    return _to_participants(registration.date)


@bp.route("/dates/<int:date_id>/visitors", methods=["POST"])
@staff(*ROLES)
def visitors(date_id: int):
    """Record how many adults and children came (the head count of a drop-in date)."""
    activity_date = _date(date_id)
    form = VisitorsForm(prefix="visitors")
    if not form.validate_on_submit():
        page = _participants_page(activity_date, form_status(form), visitors_form=form)
        db.session.commit()  # the list was shown again: keep its audit entry
        return page
    try:
        series.set_visitors(activity_date, form.adults.data, form.children.data, utcnow())
    except ChangeNotAllowed:
        flash(_("The head count can be recorded once the date has begun."), "error")
    else:
        db.session.commit()
        flash(_("The head count has been saved."), "success")
    return _to_participants(activity_date)


@bp.route("/dates/<int:date_id>/register", methods=["GET", "POST"])
@staff(*ROLES)
def register(date_id: int):
    """Register a family who phoned or came to the desk (also after the online deadline)."""
    activity_date = _date(date_id)
    form = PhoneRegistrationForm()
    form.sms_offered = sms_enabled()
    if not form.is_submitted():
        form.language.data = (
            "fi"
            if "fi" in activity_date.activity.language_codes and "sv" not in activity_date.activity.language_codes
            else "sv"
        )
    status = None
    if form.validate_on_submit():
        registration = register_from_form(form, activity_date, registered_by=current_staff())
        if registration is not None:
            db.session.commit()
            emailed = notifications.notify_registered(registration)
            position = registrations.waiting_position(registration)
            if position:
                message = _(
                    "%(name)s is on the waiting list, number %(position)s.",
                    name=registration.display_name,
                    position=position,
                )
            else:
                message = _("%(name)s has a place.", name=registration.display_name)
            flash(message + (" " + _("The family has been sent a confirmation.") if emailed else ""), "success")
            return _to_participants(activity_date)
        status = 409
    return render_form(
        "activities/staff/register.html",
        form,
        status=status,
        activity_date=activity_date,
        activity=activity_date.activity,
    )


@bp.route("/dates/<int:date_id>/edit", methods=["GET", "POST"])
@staff(*ROLES)
def edit_date(date_id: int):
    """Move one date or change its topic; families with a place or in the queue are told of a new time."""
    activity_date = _date(date_id)
    form = DateForm(obj=activity_date)
    if not form.is_submitted():
        start, end = to_local(activity_date.starts_at), to_local(activity_date.ends_at)
        form.day.data, form.start.data, form.end.data = start.date(), start.time(), end.time()
    if form.validate_on_submit():
        topic = series.Topic(form.topic_sv.data or "", form.topic_fi.data or "", form.topic_en.data or "")
        starts_at, ends_at = local_to_utc(form.day.data, form.start.data), local_to_utc(form.day.data, form.end.data)
        try:
            moved = series.change_date(activity_date, starts_at, ends_at, topic)
        except ChangeNotAllowed:
            flash(_("A cancelled date cannot be changed."), "error")
            return _to_participants(activity_date)
        db.session.commit()
        flash(_("The date has been saved."), "success")
        if moved:
            unreached = notifications.notify_all(registrations.registered_families(activity_date.id), "date_changed")
            _report_unreached(unreached)
        return _to_participants(activity_date)
    return render_form(
        "activities/staff/date_form.html", form, activity_date=activity_date, activity=activity_date.activity
    )


@bp.route("/dates/<int:date_id>/cancel", methods=["GET", "POST"])
@staff(*ROLES)
def cancel_date(date_id: int):
    """Cancel one date; every family with a place or in the queue is emailed the reason."""
    activity_date = _date(date_id)
    form = CancelDateForm()
    if form.validate_on_submit():
        try:
            series.cancel_date(activity_date, form.reason.data, utcnow())
        except ChangeNotAllowed:
            flash(_("The date has already been cancelled."), "error")
            return _to_participants(activity_date)
        db.session.commit()
        families = registrations.registered_families(activity_date.id)
        unreached = notifications.notify_all(families, "date_cancelled")
        flash(
            _("The date has been cancelled.")
            + " "
            + ngettext(
                "%(num)d family has been told by email.",
                "%(num)d families have been told by email.",
                len(families) - len(unreached),
            ),
            "success",
        )
        _report_unreached(unreached)
        return _to_participants(activity_date)
    return render_form(
        "activities/staff/cancel_date.html",
        form,
        activity_date=activity_date,
        activity=activity_date.activity,
        families=registrations.registered_families(activity_date.id),
    )


@bp.route("/dates/<int:date_id>/message", methods=["GET", "POST"])
@staff(*ROLES)
def message(date_id: int):
    """Email the families registered for a date (and, if chosen, those waiting)."""
    activity_date = _date(date_id)
    form = MessageForm()
    if form.validate_on_submit():
        families = registrations.registered_families(activity_date.id, include_waiting=form.include_waiting.data)
        db.session.add(
            ActivityMessage(
                date_id=activity_date.id,
                sent_by_id=current_staff().id,
                sent_at=utcnow(),
                body=form.body.data.strip(),
                include_waiting=form.include_waiting.data,
                recipients=len(families),
            )
        )
        db.session.commit()
        unreached = notifications.notify_all(families, "message", message=form.body.data.strip())
        flash(
            ngettext(
                "The message has been emailed to %(num)d family.",
                "The message has been emailed to %(num)d families.",
                len(families) - len(unreached),
            ),
            "success",
        )
        _report_unreached(unreached)
        return _to_participants(activity_date)
    standing = registrations.registered_families(activity_date.id)
    return render_form(
        "activities/staff/message.html",
        form,
        activity_date=activity_date,
        activity=activity_date.activity,
        confirmed=sum(row.status == RegistrationStatus.CONFIRMED for row in standing),
        everyone=len(standing),
    )


# --- Figures ------------------------------------------------------------------------------


@bp.route("/figures")
@staff(*ROLES)
def figures():
    """Attendance figures per activity for one term: aggregate numbers only, for the municipality's reports."""
    now = utcnow()
    activity_ids = list(db.session.scalars(permissions.manageable(current_staff()).with_only_columns(Activity.id)))
    terms = figure_sums.terms_until(figure_sums.first_date(activity_ids), now)
    term = figure_sums.Term.parse(request.args.get("term"))
    if term not in terms:
        term = terms[0]
    rows = figure_sums.figures_for_term(activity_ids, term, now)
    activities = figure_sums.activities_by_id(list(rows))
    ordered = sorted(rows.items(), key=lambda item: localized(activities[item[0]], "title").lower())
    return render_template(
        "activities/staff/figures.html",
        terms=terms,
        term=term,
        rows=[(activities[activity_id], numbers) for activity_id, numbers in ordered],
        total=figure_sums.total(rows),
    )
