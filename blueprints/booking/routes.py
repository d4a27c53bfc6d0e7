"""The family's way: service, free times week by week, details, confirmation; then the manage link."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from core.access import public
from core.forms import EmptyForm, language_choices
from core.i18n import current_language
from core.mail import Notified
from core.phone import normalise_phone
from core.rendering import url_with
from core.sms import sms_enabled
from core.timeutil import to_local, utcnow
from core.views import render_form
from extensions import db

from ..organisation.models import Centre, Service
from . import appointments, earlier_times, notifications, times_page
from .appointments import ChangeNotAllowed, FamilyDetails, SlotUnavailable
from .details_step import chosen_slot, details_step, service_or_404
from .forms import EarlierTimeForm, WaitForm, weekday_choices
from .jobs import offer_earlier_times
from .models import OPEN_EARLIER_STATUSES, Appointment, HeldStatus
from .notifications import appointment_place, flash_notified, notify_family, notify_in_line
from .time_search import services_for_families

bp = Blueprint("booking", __name__, url_prefix="/book")


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
        wait_url=url_for("booking.wait", slug=service.slug),
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
    """A family's link (an appointment, an offer, a place in line) that points at nothing."""


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
    wish = earlier_times.open_request(appointment)
    offer = earlier_times.offer_on_hold(wish, now)
    return render_template(
        "booking/manage.html",
        wish=wish,
        offer=offer,
        offer_token=earlier_times.offer_token(offer) if offer is not None else None,
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
            offer_earlier_times(utcnow())  # the freed time may be someone's earlier time
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
            offer_earlier_times(utcnow())  # the freed time may be someone's earlier time
            return _to_manage_page(appointment, _("Your appointment has been moved."), notified)
    return render_template(
        "booking/move_confirm.html",
        appointment=appointment,
        token=token,
        choice=times_page.shown_choice(service, choice),
        alternatives=alternatives,
        form=form,
    ), status


@bp.route("/manage/<token>/earlier", methods=["GET", "POST"])
@public
def earlier(token: str):
    """Ask to be offered an earlier time (or change the window asked for); works without JavaScript."""
    appointment = _appointment_or_404(token)
    now = utcnow()
    if not appointments.family_can_change(appointment, now):
        flash(_("The appointment can no longer be moved here. Call us to move it."), "error")
        return redirect(url_for("booking.manage", token=token))
    wish = earlier_times.open_request(appointment)
    form = EarlierTimeForm()
    form.weekdays.choices = weekday_choices()
    form.today = to_local(now).date()
    form.latest_day = to_local(appointment.starts_at).date()
    if not form.is_submitted():
        form.first_day.data = max(wish.first_day, form.today) if wish else form.today
        form.last_day.data = wish.last_day if wish else form.latest_day
        form.weekdays.data = [str(day) for day in (wish.weekday_numbers if wish else range(5))]
    if form.validate_on_submit():
        earlier_times.ask(appointment, form.window(), now)
        db.session.commit()
        offer_earlier_times(now)  # a time that fits may be free already
        flash(
            _("You are now in line for an earlier time. We tell you by email or text message when one frees up."),
            "success",
        )
        return redirect(url_for("booking.manage", token=token))
    return render_form("booking/earlier.html", form, appointment=appointment, token=token, wish=wish)


@bp.route("/manage/<token>/earlier/stop", methods=["POST"])
@public
def earlier_stop(token: str):
    """Stop waiting for an earlier time."""
    appointment = _appointment_or_404(token)
    wish = earlier_times.open_request(appointment)
    if EmptyForm().validate_on_submit() and wish is not None:
        earlier_times.withdraw(wish, utcnow())
        db.session.commit()
        offer_earlier_times(utcnow())  # a time held for this family goes to the next one
        flash(_("You are no longer waiting for an earlier time. Your appointment stays as it is."), "success")
    return redirect(url_for("booking.manage", token=token))


@bp.route("/offer/<token>", methods=["GET", "POST"])
@public
def earlier_offer(token: str):
    """A time held for the family: take it (their appointment moves, or the time is booked) or let it go."""
    held = earlier_times.offer_for_token(token)
    if held is None:
        raise LinkInvalid()
    wish = held.request
    appointment = wish.appointment  # None: a family with no booking yet
    now = utcnow()
    back_url = (
        url_for("booking.manage", token=appointments.manage_token(appointment))
        if appointment is not None
        else url_for("booking.wish", token=earlier_times.wish_token(wish))
    )
    if request.method == "POST" and EmptyForm().validate_on_submit():
        take = request.form.get("decision") == "take"
        try:
            taken = earlier_times.accept(held, now) if take else None
            if not take:
                earlier_times.decline(held, now)
        except earlier_times.OfferUnavailable as refused:
            db.session.rollback()
            flash(OFFER_REFUSALS[refused.reason](), "error")
            return redirect(url_for("booking.earlier_offer", token=token))
        except (ChangeNotAllowed, SlotUnavailable):
            db.session.rollback()
            flash(_("The time can no longer be taken here. Call us to book it."), "error")
            return redirect(url_for("booking.earlier_offer", token=token))
        db.session.commit()
        if taken is not None:
            notified = notify_family(taken, "moved" if appointment is not None else "booked")
            db.session.commit()  # the text message's record
        offer_earlier_times(now)  # the freed time (or the one let go) goes to the next family
        if taken is not None:
            message = (
                _("Your appointment has been moved to the earlier time.")
                if appointment is not None
                else _("Your appointment is booked.")
            )
            return _to_manage_page(taken, message, notified)
        flash(
            _("You keep your current time and stay in line for an earlier one.")
            if appointment is not None
            else _("You let the time go and stay in line."),
            "success",
        )
        return redirect(back_url)
    return render_template(
        "booking/earlier_offer.html",
        held=held,
        appointment=appointment,
        token=token,
        open_now=held.status == HeldStatus.OPEN and held.expires_at > now,
        back_url=back_url,
        place=appointment_place(held),
        service=db.session.get(Service, wish.service_id),
    )


@bp.route("/<slug>/wait", methods=["GET", "POST"])
@public
def wait(slug: str):
    """No time that suits: a family with no booking gets in line to be told when one frees up."""
    service = service_or_404(slug)
    _times_form, search = times_page.build_form(service, family=True)
    now = utcnow()
    form = WaitForm()
    form.weekdays.choices = weekday_choices()
    form.family_language.choices = language_choices()
    form.sms_offered = sms_enabled()
    form.today = to_local(now).date()
    form.latest_day = form.today + timedelta(days=service.max_days_ahead)
    if not form.is_submitted():
        form.first_day.data, form.last_day.data = form.today, min(form.latest_day, form.today + timedelta(days=28))
        form.weekdays.data = [str(day) for day in range(5)]
        form.family_language.data = current_language()
    if form.validate_on_submit():
        family = FamilyDetails(
            guardian_name=form.guardian_name.data.strip(),
            guardian_email=(form.guardian_email.data or "").strip().lower(),
            guardian_phone=normalise_phone(form.guardian_phone.data or ""),
            child_first_name="",
            child_age_years=None,
            language=search.language or "",
            message="",
            family_language=form.family_language.data or current_language(),
            sms_wanted=bool(form.sms_wanted.data),
        )
        wish = earlier_times.join_line(service, search, family, form.window(), now)
        db.session.commit()
        notify_in_line(wish)
        db.session.commit()  # the text message's record
        offer_earlier_times(now)  # a time may have freed up meanwhile
        flash(_("You are now in line. We tell you when a time that suits you frees up."), "success")
        return redirect(url_for("booking.wish", token=earlier_times.wish_token(wish)))
    return render_form(
        "booking/wait.html",
        form,
        service=service,
        search=search,
        place=times_page.place_label(
            search.mode, db.session.get(Centre, search.centre_id) if search.centre_id else None
        ),
        back_url=url_with(url_for("booking.times", slug=service.slug)),
    )


@bp.route("/wait/<token>", methods=["GET", "POST"])
@public
def wish(token: str):
    """A family's place in line when they have no booking: what they wait for, a time held for them, stop waiting."""
    found = earlier_times.wish_for_token(token)
    if found is None:
        raise LinkInvalid()
    now = utcnow()
    if request.method == "POST" and EmptyForm().validate_on_submit():
        if found.status in OPEN_EARLIER_STATUSES:
            earlier_times.withdraw(found, now)
            db.session.commit()
            offer_earlier_times(now)  # a time held for this family goes to the next one
            flash(_("You are no longer waiting for a time."), "success")
        return redirect(url_for("booking.wish", token=token))
    offer = earlier_times.offer_on_hold(found, now)
    return render_template(
        "booking/wish.html",
        wish=found,
        token=token,
        service=db.session.get(Service, found.service_id),
        offer=offer,
        offer_token=earlier_times.offer_token(offer) if offer is not None else None,
        manage_token=appointments.manage_token(found.appointment) if found.appointment is not None else None,
    )


# Why an offer could not be decided, in the family's words (called when shown, for the language).
OFFER_REFUSALS = {
    "decided": lambda: _("This offer has already been answered."),
    "expired": lambda: _(
        "The time was kept for you until the deadline, which has passed. Your appointment stays as it was."
    ),
    "taken": lambda: _("That time is no longer free. Your appointment stays as it was."),
}
