"""The family's way: service, free times week by week, details, confirmation; then the manage link."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from core.access import public
from core.forms import EmptyForm
from core.timeutil import utcnow
from extensions import db

from ..organisation.models import Service
from . import appointments, notifications, times_page
from .appointments import ChangeNotAllowed, SlotUnavailable
from .details_step import chosen_slot, details_step
from .models import Appointment
from .notifications import Notified, appointment_place, flash_notified, notify_family
from .time_search import services_for_families

bp = Blueprint("booking", __name__, url_prefix="/book")


def service_or_404(slug: str, include_reserved: bool = False) -> Service:
    """The active service with ``slug``; reserved ones (booked only through an offer or by staff) if asked for."""
    # Professionals are loaded when used: a cached free-times page needs none of them.
    service = db.session.scalar(
        select(Service).where(Service.slug == slug, Service.active).options(lazyload(Service.professionals))
    )
    if service is None or (service.reserved and not include_reserved):
        abort(404)
    return service


@bp.route("/")
@public
def services():
    """Step 1: which service the family wants to book."""
    return render_template("booking/services.html", services=services_for_families())


@bp.route("/<slug>")
@public
def times(slug: str):
    """Step 2: free times week by week, narrowed by centre, language, professional and mode."""
    service = service_or_404(slug)
    return times_page.render_times(
        service,
        family=True,
        back_url=url_for("booking.services"),
        back_text=_("All services"),
        slot_action=url_for("booking.details", slug=service.slug),
        times_url=url_for("booking.times", slug=service.slug),
    )


@bp.route("/<slug>/details", methods=["GET", "POST"])
@public
def details(slug: str):
    """Step 3: the family's details for the chosen time; booking happens here."""
    service = service_or_404(slug)
    step = details_step(
        service,
        form_action=url_for("booking.details", slug=service.slug),
        times_url=url_for("booking.times", slug=service.slug),
    )
    if step.booked is None:
        return step.answer
    db.session.commit()
    notified = notify_family(step.booked, "booked")
    db.session.commit()  # the text message's record
    return _to_manage_page(step.booked, _("Your appointment is booked."), notified)


def _to_manage_page(appointment: Appointment, message: str, notified: Notified):
    flash(message, "success")
    flash_notified(appointment, notified)
    return redirect(url_for("booking.manage", token=appointments.manage_token(appointment)))


class LinkInvalid(Exception):
    """A manage link that points at no appointment."""


@bp.errorhandler(LinkInvalid)
def _link_invalid(error: LinkInvalid):
    return render_template("booking/link_invalid.html"), 404


def _appointment_or_404(token: str) -> Appointment:
    appointment = appointments.appointment_for_token(token)
    if appointment is None:
        raise LinkInvalid()
    return appointment


@bp.route("/manage/<token>")
@public
def manage(token: str):
    """The family's own page for their appointment: see, cancel or move it, no account needed."""
    appointment = _appointment_or_404(token)
    now = utcnow()
    return render_template(
        "booking/manage.html",
        appointment=appointment,
        token=token,
        can_change=appointments.family_can_change(appointment, now),
        is_past=appointment.ends_at <= now,
        deadline=appointments.changeable_until(appointment),
        place=appointment_place(appointment),
    )


@bp.route("/manage/<token>/appointment.ics")
@public
def calendar_file(token: str):
    """The appointment as a calendar file, to add to the family's own calendar."""
    appointment = _appointment_or_404(token)
    with force_locale(appointment.written_language):
        content = notifications.calendar_file(appointment, url_for("booking.manage", token=token, _external=True))
    return Response(
        content,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="appointment.ics"'},
    )


@bp.route("/manage/<token>/cancel", methods=["GET", "POST"])
@public
def cancel(token: str):
    """The family cancels their appointment: a page that asks to confirm (GET), then the cancellation (POST)."""
    appointment = _appointment_or_404(token)
    if request.method == "GET":
        if not appointments.family_can_change(appointment, utcnow()):
            return redirect(url_for("booking.manage", token=token))
        return render_template(
            "booking/cancel_confirm.html", appointment=appointment, token=token, place=appointment_place(appointment)
        )
    if EmptyForm().validate_on_submit():
        try:
            appointments.cancel(appointment, utcnow())
        except ChangeNotAllowed:
            flash(_("The appointment can no longer be cancelled here. Call us to cancel it."), "error")
        else:
            db.session.commit()
            notified = notify_family(appointment, "cancelled_by_family")
            db.session.commit()  # the text message's record
            flash(_("Your appointment has been cancelled."), "success")
            flash_notified(appointment, notified)
    return redirect(url_for("booking.manage", token=token))


@bp.route("/manage/<token>/move")
@public
def move_times(token: str):
    """Free times to move the appointment to (same service)."""
    appointment = _appointment_or_404(token)
    if not appointments.family_can_change(appointment, utcnow()):
        flash(_("The appointment can no longer be moved here. Call us to move it."), "error")
        return redirect(url_for("booking.manage", token=token))
    return times_page.render_times(
        appointment.service,
        family=True,
        back_url=url_for("booking.manage", token=token),
        back_text=_("Back to your appointment"),
        slot_action=url_for("booking.move_confirm", token=token),
        times_url=url_for("booking.move_times", token=token),
        moving=appointment,
    )


@bp.route("/manage/<token>/move/confirm", methods=["GET", "POST"])
@public
def move_confirm(token: str):
    """Confirm the new time; moving happens on POST."""
    appointment = _appointment_or_404(token)
    service = appointment.service
    choice = chosen_slot(service)
    if choice is None:
        flash(_("That time cannot be booked. Choose a time from the list."), "error")
        return redirect(url_for("booking.move_times", token=token))
    form = EmptyForm()
    status = 200
    alternatives = []
    if form.validate_on_submit():
        now = utcnow()
        try:
            appointments.move(appointment, choice, now)
        except ChangeNotAllowed:
            flash(_("The appointment can no longer be moved here. Call us to move it."), "error")
            return redirect(url_for("booking.manage", token=token))
        except SlotUnavailable:
            status = 409
            query = times_page.query_for_choice(
                service, choice.mode, choice.centre_id, appointment.language, family=True
            )
            alternatives = times_page.nearest_alternatives(
                query, choice.starts_at, now, ignore_appointment=appointment.id
            )
        else:
            db.session.commit()
            notified = notify_family(appointment, "moved")
            db.session.commit()  # the text message's record
            return _to_manage_page(appointment, _("Your appointment has been moved."), notified)
    return render_template(
        "booking/move_confirm.html",
        appointment=appointment,
        token=token,
        choice=times_page.shown_choice(service, choice),
        alternatives=alternatives,
        form=form,
    ), status
