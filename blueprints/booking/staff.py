"""The staff's way: agenda by day and week, attendance, cancelling, moving, phone bookings, blocked time."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from core.access import current_staff, public, safe_next_url, staff
from core.calendar_files import FEED_AHEAD, FEED_PAST, feed
from core.forms import EmptyForm
from core.i18n import localized
from core.ids import parse_id
from core.mail import external_url
from core.phone import display_phone
from core.rendering import render_page_or_fragment, wants_fragment
from core.timeutil import local_days, local_to_utc, parse_day, to_local, utcnow
from core.tokens import make_token, new_reference, row_for_token
from core.views import render_form
from extensions import db

from ..audit.log import record_each, refuse
from ..auth.models import User
from ..organisation.models import Service
from ..questionnaires.invitations import case_to_link, linkable_children
from ..questionnaires.results import screenings_leading_to
from . import appointments, earlier_times, ics, permissions, times_page
from .agenda_days import schedule
from .appointments import AlreadyBlocked, ChangeNotAllowed, SlotUnavailable, TimeNotFree
from .details_step import bookable_services, chosen_slot, confirm_staff_booking, details_step, service_or_404
from .forms import BlockTimeForm, CancelForm, already_blocked_message
from .jobs import offer_earlier_times
from .models import Absence, Appointment, AppointmentStatus, ProfessionalProfile
from .notifications import appointment_place, notify_family

bp = Blueprint("booking_staff", __name__, url_prefix="/staff")

BOOKING_ROLES = ("professional", "reception", "admin")


def _parse_day(value: str | None) -> date:
    return parse_day(value) or to_local(utcnow()).date()


def _appointment(appointment_id: int) -> Appointment:
    """The appointment a staff member opens or changes; audit-logged as a view or an update."""
    appointment = db.get_or_404(Appointment, appointment_id)
    if not permissions.can_manage(current_staff(), appointment):
        refuse(current_staff(), appointment.child_id, f"appointment:{appointment.id}", permissions.REFUSED)
    _log_shown([appointment], "view" if request.method == "GET" else "update")
    return appointment


def _log_shown(appointments: list[Appointment], action: str) -> None:
    """Audit-log that these appointments (the family's details and message) were seen or changed."""
    for professional_id in {appointment.professional_id for appointment in appointments}:
        record_each(
            current_staff(),
            [(a.child_id, f"appointment:{a.id}") for a in appointments if a.professional_id == professional_id],
            action,
            permissions.access_basis(current_staff(), professional_id),
        )


def _chosen_professional(visible: list[User]) -> int:
    """The professional whose agenda is shown, of those ``visible``: asked for, else oneself, else the first."""
    if not visible:
        raise NoAgenda()
    asked = request.args.get("professional", type=parse_id)
    if asked is not None:
        if not any(person.id == asked for person in visible):
            refuse(current_staff(), None, f"agenda:{asked}", permissions.REFUSED)
        return asked
    return current_staff().id if any(person.id == current_staff().id for person in visible) else visible[0].id


class NoAgenda(Exception):
    """The staff member sees no professional's agenda (reception not yet placed at a centre)."""


@bp.errorhandler(NoAgenda)
def _no_agenda(error: NoAgenda):
    flash(_("No agendas are open to you yet. An administrator adds you to your family centre."), "info")
    return redirect(url_for("staff.index"))


@bp.route("/agenda")
@staff(*BOOKING_ROLES)
def agenda():
    """A professional's appointments for a day or a week."""
    visible = permissions.professionals_visible_to(current_staff())
    professional_id = _chosen_professional(visible)
    day = _parse_day(request.args.get("day"))
    view = "week" if request.args.get("view") == "week" else "day"
    first = day - timedelta(days=day.weekday()) if view == "week" else day
    last = first + timedelta(days=6 if view == "week" else 0)
    step = timedelta(days=7 if view == "week" else 1)
    days = schedule(professional_id, first, last)
    _log_shown([appointment for agenda_day in days for appointment in agenda_day.appointments], "view")
    shown_ids = [appointment.id for agenda_day in days for appointment in agenda_day.appointments]
    page = render_page_or_fragment(
        "booking/staff/agenda.html",
        "booking/staff/_agenda.html",
        days=days,
        professional_id=professional_id,
        professionals=visible,
        view=view,
        day=day,
        previous_day=day - step,
        next_day=day + step,
        today=to_local(utcnow()).date(),
        now=utcnow(),
        form=EmptyForm(),
        my_children=linkable_children(current_staff()),
        screenings=screenings_leading_to(shown_ids),
        waiting_earlier=earlier_times.waiting_for_earlier(shown_ids),
    )
    db.session.commit()  # the audit entries of the appointments shown
    return page


@bp.route("/appointments/<int:appointment_id>/child", methods=["POST"])
@staff("professional")
def link_child(appointment_id: int):
    """Link an appointment to a child's case, so the child's summary lists it."""
    appointment = _appointment(appointment_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        child = case_to_link(current_staff(), request.form.get("child", type=parse_id))
    except PermissionError:
        abort(403)
    appointment.child_id = child.id if child else None
    db.session.commit()
    flash(
        _("The appointment is linked to %(child)s's case.", child=child.label)
        if child
        else _("The link to the child's case was removed."),
        "success",
    )
    return _back_to_agenda(appointment)


def _back_to_agenda(appointment: Appointment):
    return redirect(
        url_for(
            "booking_staff.agenda",
            professional=appointment.professional_id,
            day=to_local(appointment.starts_at).date().isoformat(),
        )
    )


@bp.route("/appointments/<int:appointment_id>/outcome", methods=["POST"])
@staff(*BOOKING_ROLES)
def outcome(appointment_id: int):
    """Record that the family came, or did not come."""
    appointment = _appointment(appointment_id)
    wanted = request.form.get("status")
    allowed = {
        status.value: status
        for status in (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW, AppointmentStatus.BOOKED)
    }
    message = None
    if EmptyForm().validate_on_submit() and wanted in allowed:
        try:
            appointments.record_outcome(appointment, allowed[wanted], utcnow())
        except ChangeNotAllowed:
            message = _("Attendance can be recorded once the appointment has begun.")
        else:
            message = {
                "attended": _("Marked as attended."),
                "no_show": _("Marked as not attended."),
                "booked": _("The attendance mark was removed."),
            }[wanted]
    else:
        abort(400)
    db.session.commit()
    if wants_fragment():
        return render_template(
            "booking/staff/_appointment_row.html",
            appointment=appointment,
            now=utcnow(),
            form=EmptyForm(),
            announcement=message,
            my_children=linkable_children(current_staff()),
            screenings=screenings_leading_to([appointment.id]),
        )
    flash(message, "success")
    return _back_to_agenda(appointment)


@bp.route("/appointments/<int:appointment_id>/cancel", methods=["GET", "POST"])
@staff(*BOOKING_ROLES)
def cancel(appointment_id: int):
    """Cancel an appointment with a reason that is sent to the family."""
    appointment = _appointment(appointment_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            appointments.cancel(appointment, utcnow(), by_staff=current_staff(), reason=form.reason.data)
        except ChangeNotAllowed:
            db.session.commit()  # the audit entry
            flash(_("Only booked appointments can be cancelled."), "error")
        else:
            db.session.commit()
            notified = notify_family(appointment, "cancelled_by_staff")
            db.session.commit()  # the text message's record
            offer_earlier_times(utcnow())  # the freed time may be someone's earlier time
            if notified.reached:
                flash(_("The appointment has been cancelled and the family has been told."), "success")
            else:
                flash(
                    _(
                        "The appointment has been cancelled. The family has no email address or it could not be "
                        "sent: call them on %(phone)s.",
                        phone=display_phone(appointment.guardian_phone) or "–",
                    ),
                    "info",
                )
        return _back_to_agenda(appointment)
    page = render_form("booking/staff/cancel.html", form, appointment=appointment)
    db.session.commit()  # the audit entry
    return page


@bp.route("/appointments/<int:appointment_id>/move", methods=["GET", "POST"])
@staff(*BOOKING_ROLES)
def move(appointment_id: int):
    """Move an appointment to another free time; the family is told by email."""
    appointment = _appointment(appointment_id)
    if request.method == "POST":
        choice = chosen_slot(appointment.service)
        if choice is None or not EmptyForm().validate_on_submit():
            abort(400)
        try:
            appointments.move(appointment, choice, utcnow(), by_staff=current_staff())
        except (SlotUnavailable, ChangeNotAllowed):
            db.session.commit()  # the audit entry; the move itself was undone
            flash(_("That time is no longer free. Choose another one."), "error")
            return redirect(url_for("booking_staff.move", appointment_id=appointment.id, **request.args))
        db.session.commit()
        notify_family(appointment, "moved")
        db.session.commit()  # the text message's record
        offer_earlier_times(utcnow())  # the freed time may be someone's earlier time
        flash(_("The appointment has been moved and the family has been told."), "success")
        return _back_to_agenda(appointment)
    page = times_page.render_times(
        appointment.service,
        family=False,
        back_url=url_for(
            "booking_staff.agenda",
            professional=appointment.professional_id,
            day=to_local(appointment.starts_at).date().isoformat(),
        ),
        back_text=_("Back to the agenda"),
        slot_action=url_for("booking_staff.move", appointment_id=appointment.id),
        times_url=url_for("booking_staff.move", appointment_id=appointment.id),
        slot_method="post",
        moving=appointment,
    )
    db.session.commit()  # the audit entry
    return page


@bp.route("/book")
@staff(*BOOKING_ROLES)
def book_services():
    """Book for a family who phoned: choose the service (reserved ones included)."""
    return render_template(
        "booking/staff/services.html",
        services=bookable_services(),
        times_endpoint="booking_staff.book_times",
        back_url=url_for("booking_staff.agenda"),
        back_text=_("Back to the agenda"),
        lead=_("For a family who phoned or came to the desk. Choose the service."),
    )


@bp.route("/book/<slug>")
@staff(*BOOKING_ROLES)
def book_times(slug: str):
    """Free times for a phone booking; staff are not held to the minimum notice."""
    service = service_or_404(slug, include_reserved=True)
    return times_page.render_times(
        service,
        family=False,
        back_url=url_for("booking_staff.book_services"),
        back_text=_("All services"),
        slot_action=url_for("booking_staff.book_details", slug=service.slug),
        times_url=url_for("booking_staff.book_times", slug=service.slug),
    )


@bp.route("/book/<slug>/details", methods=["GET", "POST"])
@staff(*BOOKING_ROLES)
def book_details(slug: str):
    """The family's details, taken on the phone; booking happens here."""
    service = service_or_404(slug, include_reserved=True)
    step = details_step(
        service,
        form_action=url_for("booking_staff.book_details", slug=service.slug),
        times_url=url_for("booking_staff.book_times", slug=service.slug),
        booked_by=current_staff(),
    )
    if step.booked is None:
        return step.answer
    db.session.commit()
    confirm_staff_booking(step.booked, _("The appointment is booked."))
    db.session.commit()  # the text message's record
    return _back_to_agenda(step.booked)


@bp.route("/agenda/block", methods=["GET", "POST"])
@staff(*BOOKING_ROLES)
def block():
    """Block time so that families cannot book it."""
    visible = permissions.professionals_visible_to(current_staff())
    form = BlockTimeForm()
    form.professional.choices = [(str(person.id), person.name) for person in visible]
    if not form.is_submitted():
        form.professional.data = request.args.get("professional") or (
            str(current_staff().id) if any(p.id == current_staff().id for p in visible) else None
        )
        form.day.data = _parse_day(request.args.get("day"))
    status = None
    conflicts: list[Appointment] = []
    if form.validate_on_submit():
        professional_id = int(form.professional.data)
        if form.whole_day.data:
            starts_at, ends_at = local_days(form.day.data, form.day.data)
        else:
            starts_at, ends_at = (
                local_to_utc(form.day.data, form.start.data),
                local_to_utc(form.day.data, form.end.data),
            )
        try:
            appointments.block_time(professional_id, starts_at, ends_at, form.note.data or "", current_staff())
        except TimeNotFree as error:
            conflicts = error.appointments
            form.start.errors.append(_("There are booked appointments in that time. Move or cancel them first."))
            status = 409
        except AlreadyBlocked as error:
            form.start.errors.append(already_blocked_message(error.absence))
            status = 409
        else:
            db.session.commit()
            flash(_("The time has been blocked. Families cannot book it."), "success")
            return redirect(
                url_for("booking_staff.agenda", professional=professional_id, day=form.day.data.isoformat())
            )
    return render_form("booking/staff/block.html", form, status=status, conflicts=conflicts)


@bp.route("/absences/<int:absence_id>/delete", methods=["POST"])
@staff(*BOOKING_ROLES)
def unblock(absence_id: int):
    """Remove blocked time, so the time can be booked again."""
    absence = db.get_or_404(Absence, absence_id)
    if not permissions.can_open_agenda(current_staff(), absence.user_id):
        abort(403)
    if not EmptyForm().validate_on_submit():
        abort(400)
    day = to_local(absence.starts_at).date()
    user_id = absence.user_id
    db.session.delete(absence)
    db.session.commit()
    flash(_("The blocked time has been removed."), "success")
    back = safe_next_url(request.args.get("next"))
    return redirect(back or url_for("booking_staff.agenda", professional=user_id, day=day.isoformat()))


# --- Personal calendar feed -------------------------------------------------------------

FEED_PURPOSE = "calendar-feed"


def _own_profile() -> ProfessionalProfile:
    profile = db.session.get(ProfessionalProfile, current_staff().id)
    if profile is None:
        profile = ProfessionalProfile(user_id=current_staff().id)
        db.session.add(profile)
    return profile


@bp.route("/calendar", methods=["GET", "POST"])
@staff("professional")
def calendar():
    """The professional's calendar feed link: create or renew it, and choose whether names show."""
    profile = db.session.get(ProfessionalProfile, current_staff().id)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        profile = _own_profile()
        if request.form.get("action") == "renew":
            profile.calendar_reference = new_reference()
            flash(
                _("Your calendar has a new address. The old one no longer works: update your calendar app."), "success"
            )
        elif request.form.get("action") == "stop":
            profile.calendar_reference = ""
            flash(_("The calendar address has been turned off."), "success")
        else:
            profile.calendar_shows_names = request.form.get("show_names") == "yes"
            flash(_("Saved."), "success")
        db.session.commit()
        return redirect(url_for("booking_staff.calendar"))
    feed_url = (
        external_url("booking_staff.calendar_feed", token=make_token(FEED_PURPOSE, profile.calendar_reference))
        if profile and profile.calendar_reference
        else None
    )
    return render_template("booking/staff/calendar.html", profile=profile, feed_url=feed_url, form=EmptyForm())


@bp.route("/calendar/<token>.ics")
@public
def calendar_feed(token: str):
    """A professional's appointments as a calendar feed: service and time, names only if chosen."""
    profile = row_for_token(ProfessionalProfile.calendar_reference, FEED_PURPOSE, token)
    if profile is None:
        abort(404)
    now = utcnow()
    appointments = db.session.scalars(
        select(Appointment)
        .where(
            Appointment.professional_id == profile.user_id,
            Appointment.starts_at >= now - FEED_PAST,
            Appointment.starts_at < now + FEED_AHEAD,
        )
        .order_by(Appointment.starts_at)
    )
    events = []
    for appointment in appointments:
        title = localized(appointment.service, "name")
        if profile.calendar_shows_names and appointment.child_first_name:
            title = f"{title}: {appointment.child_first_name}"
        events.append(ics.appointment_event(appointment, title, appointment_place(appointment), "", now))
    body = feed(events, f"Famnen – {profile.user.name}")
    return Response(body, mimetype="text/calendar", headers={"Content-Disposition": 'inline; filename="famnen.ics"'})


@bp.route("/earlier-times")
@staff(*BOOKING_ROLES)
def earlier_times_list():
    """The earlier-time waiting list per service: who waits, in which order, and the times held for them."""
    me = current_staff()
    services = db.session.scalars(select(Service).order_by(Service.id)).all()
    lines = []
    shown = []
    for service in services:
        wishes = [w for w in earlier_times.line_for_service(service.id) if permissions.can_see_wish(me, w)]
        if wishes:
            lines.append((service, [(wish, earlier_times.open_offer(wish)) for wish in wishes]))
            shown.extend(wish.appointment for wish in wishes if wish.appointment is not None)
    _log_shown(shown, "view")
    no_booking = [wish for _service, wishes in lines for wish, _offer in wishes if wish.appointment is None]
    if no_booking:
        record_each(me, [(None, f"time-wish:{wish.id}") for wish in no_booking], "view", "earlier-time waiting list")
    page = render_template("booking/staff/earlier_times.html", lines=lines)
    db.session.commit()  # the audit entries
    return page
