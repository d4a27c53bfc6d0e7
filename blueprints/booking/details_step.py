"""Step 3 of booking, the family's details and the booking itself: one page for families, staff and offers.

Families book through ``booking.routes``, staff book for a family who phoned
through ``booking.staff``, and the Kraftfamiljer offer books the coach's call
through ``questionnaires.routes``; a professional books from a chat through
``chat.staff``. Each view commits the booking (with what belongs with it) and
only then tells the family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from core.forms import language_choices
from core.i18n import current_language
from core.phone import normalise_phone
from core.sms import sms_enabled
from core.timeutil import utcnow
from core.views import render_form
from extensions import db

from ..auth.models import User
from ..organisation.models import Service
from . import appointments, times_page
from .appointments import FamilyDetails, SlotUnavailable
from .forms import DetailsForm, age_choices
from .models import Appointment
from .notifications import flash_notified, notify_family
from .time_search import SlotChoice, decode_slot, profiles_by_user


def details_form(service: Service, choice: SlotChoice, known: Mapping[str, Any] | None = None) -> DetailsForm:
    """The details form, offering the languages the chosen professional serves in.

    ``known`` fills fields Famnen already knows (the child's name and age when a
    questionnaire's offer leads here) when the page is first shown; the family may change them.
    """
    form = DetailsForm()
    profile = profiles_by_user([choice.professional_id]).get(choice.professional_id)
    codes = profile.language_codes if profile else ("sv", "fi")
    form.language.choices = language_choices(codes)
    form.family_language.choices = language_choices()
    form.child_age_years.choices = age_choices()
    form.visit_mode = choice.mode
    form.sms_offered = sms_enabled()
    # Marked required for the screen and the label; DetailsForm.validate checks it.
    if choice.mode == "phone":
        form.guardian_phone.flags.required = True
    elif choice.mode == "video" and not form.sms_offered:
        form.guardian_email.flags.required = True
    if not form.is_submitted():
        wanted = request.args.get("language") or current_language()
        form.language.data = wanted if wanted in codes else codes[0]
        form.family_language.data = current_language()
        form.slot.data = request.args.get("slot")
        for name, value in (known or {}).items():
            if name != "language" or value in codes:
                form[name].data = value
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
        family_language=form.family_language.data or current_language(),
        sms_wanted=bool(form.sms_wanted.data),
    )


def chosen_slot(service: Service) -> SlotChoice | None:
    """The slot a form sent, if it is well-formed for this service (availability is checked on booking)."""
    choice = decode_slot(request.values.get("slot"))
    if (
        choice is None
        or choice.mode not in service.modes
        or choice.professional_id not in {u.id for u in service.professionals}
    ):
        return None
    return choice


BOOKED_HERE = "booked_slots"
REMEMBERED_BOOKINGS = 5


def _remember_booking(slot: str, appointment: Appointment) -> None:
    """Keep the manage link of a time booked in this browser, so going back to its form leads to the booking."""
    remembered = dict(session.get(BOOKED_HERE, {}))
    remembered[slot] = appointments.manage_token(appointment)
    session[BOOKED_HERE] = dict(list(remembered.items())[-REMEMBERED_BOOKINGS:])


def _booked_here(slot: str | None) -> str | None:
    """The manage token of ``slot`` if this browser booked it, and the booking still exists."""
    token = session.get(BOOKED_HERE, {}).get(slot or "")
    return token if token and appointments.appointment_for_token(token) is not None else None


@dataclass
class DetailsStep:
    """What the details step came to: an appointment just booked, or the answer to send instead.

    ``booked`` is flushed, not committed: the view adds what belongs with it
    (the offer's status), commits once, then tells the family.
    """

    booked: Appointment | None = None
    answer: ResponseReturnValue | None = None


def details_step(
    service: Service,
    form_action: str,
    times_url: str,
    booked_by: User | None = None,
    known: Mapping[str, Any] | None = None,
) -> DetailsStep:
    """The details page, or on a valid submission the booking; families when ``booked_by`` is None, else staff.

    A time taken meanwhile gives 409 with the nearest free times and every
    detail kept; a time that cannot be booked sends the family back to the times.
    """
    family = booked_by is None
    choice = chosen_slot(service)
    if choice is None or (request.method == "GET" and not appointments.is_bookable(service, choice, utcnow(), family)):
        token = _booked_here(request.values.get("slot")) if family else None
        if token is not None:  # the back button after booking
            flash(_("You have booked this time."), "info")
            return DetailsStep(answer=redirect(url_for("booking.manage", token=token)))
        flash(_("That time cannot be booked. Choose a time from the list."), "error")
        return DetailsStep(answer=redirect(times_url))
    form = details_form(service, choice, known)
    status = None
    alternatives = []
    if form.validate_on_submit():
        now = utcnow()
        try:
            booked = appointments.book(service, choice, family_details(form), now, booked_by=booked_by)
        except SlotUnavailable:
            status = 409
            query = times_page.query_for_choice(service, choice.mode, choice.centre_id, form.language.data, family)
            alternatives = times_page.nearest_alternatives(query, choice.starts_at, now)
        else:
            if family:
                _remember_booking(form.slot.data, booked)
            return DetailsStep(booked=booked)
    return DetailsStep(
        answer=render_form(
            "booking/details.html",
            form,
            status=status,
            service=service,
            choice=times_page.shown_choice(service, choice),
            alternatives=alternatives,
            form_action=form_action,
            back_url=times_url,
            # Families can change a booking online only until the deadline: say so before they book.
            changeable_online=not family or utcnow() < appointments.change_deadline(service, choice.starts_at),
        )
    )


def service_or_404(slug: str, include_reserved: bool = False) -> Service:
    """The active service with ``slug``; reserved ones (booked only through an offer or by staff) if asked for."""
    # Professionals are loaded when used: a cached free-times page needs none of them.
    service = db.session.scalar(
        select(Service).where(Service.slug == slug, Service.active).options(lazyload(Service.professionals))
    )
    if service is None or (service.reserved and not include_reserved):
        abort(404)
    return service


def bookable_services() -> list[Service]:
    """The services staff can book (reserved ones included): active, with someone giving them."""
    services = db.session.scalars(select(Service).where(Service.active).order_by(Service.id)).all()
    return [service for service in services if service.professionals]


def confirm_family_booking(appointment: Appointment, booked_text: str) -> None:
    """Send the family the confirmation of a booking they made in a flow of its own (an offer, a programme's
    call; call after committing it; the view commits the text message's record after this) and tell them both."""
    notified = notify_family(appointment, "booked")
    flash(booked_text, "success")
    flash_notified(appointment, notified)


def confirm_staff_booking(appointment: Appointment, booked_text: str) -> None:
    """Send the family the confirmation of a booking staff made (call after committing it; the view commits
    the text message's record after this) and tell the staff member both."""
    notified = notify_family(appointment, "booked")
    flash(
        booked_text + (" " + _("The family has been sent a confirmation.") if notified.reached else ""),
        "success",
    )
