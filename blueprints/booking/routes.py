"""The family's way: service, free times week by week, details, confirmation; then the manage link."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from core.access import public
from core.forms import EmptyForm, language_choices
from core.i18n import current_language
from core.phone import normalise_phone
from core.timeutil import utcnow
from extensions import db

from ..organisation.models import Service
from . import booking, finder
from .booking import ChangeNotAllowed, FamilyDetails, SlotUnavailable
from .forms import DetailsForm, age_choices
from .models import Appointment
from . import notifications
from .notifications import appointment_place, notify_family
from .slots import SlotChoice, decode_slot, profiles_by_user, services_for_families

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
    return finder.render_times(
        service,
        family=True,
        back_url=url_for("booking.services"),
        back_text=_("All services"),
        slot_action=url_for("booking.details", slug=service.slug),
        times_url=url_for("booking.times", slug=service.slug),
    )


def details_form(service: Service, choice: SlotChoice) -> DetailsForm:
    """The details form, offering the languages the chosen professional serves in."""
    form = DetailsForm()
    profile = profiles_by_user([choice.professional_id]).get(choice.professional_id)
    codes = profile.language_codes if profile else ("sv", "fi")
    form.language.choices = language_choices(codes)
    form.child_age_years.choices = age_choices()
    if not form.is_submitted():
        wanted = request.args.get("language") or current_language()
        form.language.data = wanted if wanted in codes else codes[0]
        form.slot.data = request.args.get("slot")
    return form


def family_details(form: DetailsForm) -> FamilyDetails:
    """The family's details from a valid form, tidied."""
    age = form.child_age_years.data
    return FamilyDetails(
        guardian_name=form.guardian_name.data.strip(),
        guardian_email=(form.guardian_email.data or "").strip().lower(),
        guardian_phone=normalise_phone(form.guardian_phone.data or ""),
        child_first_name=(form.child_first_name.data or "").strip(),
        child_age_years=int(age) if age not in (None, "") else None,
        language=form.language.data,
        message=(form.message.data or "").strip(),
    )


def chosen_slot(service: Service) -> SlotChoice | None:
    """The slot a form sent, if it is well-formed for this service (availability is checked on booking)."""
    choice = decode_slot(request.values.get("slot"))
    if choice is None or choice.mode not in service.modes or choice.professional_id not in {u.id for u in service.professionals}:
        return None
    return choice


def details_page(service: Service, form_action: str, times_url: str, on_booked, booked_by=None, along=None):
    """Step 3, shared by families and by staff booking for them: details, then the booking itself.

    A time taken meanwhile gives 409 with the nearest free times and every
    detail kept. ``along(appointment)``, if given, makes the changes that belong
    with the booking (the offer's status), in its transaction: both are committed
    together, and only then is the confirmation sent.
    ``on_booked(appointment, emailed)`` answers a successful booking.
    """
    family = booked_by is None
    choice = chosen_slot(service)
    if choice is None or (request.method == "GET" and not booking.is_bookable(service, choice, utcnow(), family)):
        flash(_("That time cannot be booked. Choose a time from the list."), "error")
        return redirect(times_url)
    form = details_form(service, choice)
    status = 200
    alternatives = []
    if form.validate_on_submit():
        now = utcnow()
        try:
            appointment = booking.book(service, choice, family_details(form), now, booked_by=booked_by)
        except SlotUnavailable:
            status = 409
            query = finder.query_for_choice(service, choice.mode, choice.centre_id, form.language.data, family)
            alternatives = finder.nearest_alternatives(query, choice.starts_at, now)
        else:
            if along is not None:
                along(appointment)
            db.session.commit()
            return on_booked(appointment, notify_family(appointment, "booked"))
    elif form.is_submitted():
        status = 422
    return render_template(
        "booking/details.html", service=service, form=form, choice=finder.shown_choice(service, choice),
        alternatives=alternatives, form_action=form_action, back_url=times_url,
    ), status


@bp.route("/<slug>/details", methods=["GET", "POST"])
@public
def details(slug: str):
    """Step 3: the family's details for the chosen time; booking happens here."""
    service = service_or_404(slug)
    return details_page(
        service,
        form_action=url_for("booking.details", slug=service.slug),
        times_url=url_for("booking.times", slug=service.slug),
        on_booked=lambda appointment, emailed: _to_manage_page(appointment, _("Your appointment is booked."), emailed),
    )


def _to_manage_page(appointment: Appointment, message: str, emailed: bool):
    flash(message, "success")
    if appointment.guardian_email and not emailed:
        flash(_("We could not send the email. Save the address of this page: it is your link to the appointment."), "error")
    elif emailed:
        flash(_("A confirmation has been sent to %(email)s.", email=appointment.guardian_email), "info")
    return redirect(url_for("booking.manage", token=booking.manage_token(appointment)))


class LinkInvalid(Exception):
    """A manage link that points at no appointment."""


@bp.errorhandler(LinkInvalid)
def _link_invalid(error: LinkInvalid):
    return render_template("booking/link_invalid.html"), 404


def _appointment_or_404(token: str) -> Appointment:
    appointment = booking.appointment_for_token(token)
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
        can_change=booking.family_can_change(appointment, now),
        is_past=appointment.ends_at <= now,
        deadline=booking.changeable_until(appointment),
        place=appointment_place(appointment),
    )


@bp.route("/manage/<token>/appointment.ics")
@public
def calendar_file(token: str):
    """The appointment as a calendar file, to add to the family's own calendar."""
    appointment = _appointment_or_404(token)
    with force_locale(appointment.language):
        content = notifications.calendar_file(appointment, url_for("booking.manage", token=token, _external=True))
    return Response(
        content,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="appointment.ics"'},
    )


@bp.route("/manage/<token>/cancel", methods=["POST"])
@public
def cancel(token: str):
    """The family cancels their appointment."""
    appointment = _appointment_or_404(token)
    if EmptyForm().validate_on_submit():
        try:
            booking.cancel(appointment, utcnow())
        except ChangeNotAllowed:
            flash(_("The appointment can no longer be cancelled here. Call us to cancel it."), "error")
        else:
            db.session.commit()
            sent = notify_family(appointment, "cancelled_by_family")
            flash(_("Your appointment has been cancelled."), "success")
            if sent:
                flash(_("A confirmation has been sent to %(email)s.", email=appointment.guardian_email), "info")
    return redirect(url_for("booking.manage", token=token))


@bp.route("/manage/<token>/move")
@public
def move_times(token: str):
    """Free times to move the appointment to (same service)."""
    appointment = _appointment_or_404(token)
    if not booking.family_can_change(appointment, utcnow()):
        flash(_("The appointment can no longer be moved here. Call us to move it."), "error")
        return redirect(url_for("booking.manage", token=token))
    return finder.render_times(
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
            booking.move(appointment, choice, now)
        except ChangeNotAllowed:
            flash(_("The appointment can no longer be moved here. Call us to move it."), "error")
            return redirect(url_for("booking.manage", token=token))
        except SlotUnavailable:
            status = 409
            query = finder.query_for_choice(service, choice.mode, choice.centre_id, appointment.language, family=True)
            alternatives = finder.nearest_alternatives(query, choice.starts_at, now, ignore_appointment=appointment.id)
        else:
            db.session.commit()
            sent = notify_family(appointment, "moved")
            return _to_manage_page(appointment, _("Your appointment has been moved."), sent)
    return render_template(
        "booking/move_confirm.html",
        appointment=appointment,
        token=token,
        choice=finder.shown_choice(service, choice),
        alternatives=alternatives,
        form=form,
    ), status

