"""Emails and text messages to families about their appointments, in the family's language.

Emails bring a calendar file; text messages say only the time and link to the appointment's page.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event

from core import mail
from core.calendar_files import email_attachment, single_event_file
from core.i18n import date_and_time, day_and_time, localized, pick
from core.mail import Notified
from core.phone import display_phone
from core.sms import send_family_text
from core.timeutil import utcnow
from extensions import db

from . import earlier_times, ics
from .appointments import changeable_until, manage_token
from .models import Appointment, AppointmentStatus, EarlierTimeRequest, HeldTime, ProfessionalProfile

KINDS = ("booked", "moved", "cancelled_by_family", "cancelled_by_staff", "reminder")
# The code word each kind of notice leaves in the text-message records.
SMS_PURPOSES = {
    "booked": "confirmation",
    "moved": "moved",
    "cancelled_by_family": "cancelled",
    "cancelled_by_staff": "cancelled",
    "reminder": "reminder",
}


def _subject(kind: str, appointment: Appointment) -> str:
    when = day_and_time(appointment.starts_at)
    service = localized(appointment.service, "name")
    subjects = {
        "booked": _("Appointment booked: %(service)s, %(when)s", service=service, when=when),
        "moved": _("Appointment moved: %(service)s, %(when)s", service=service, when=when),
        "cancelled_by_family": _("Appointment cancelled: %(service)s, %(when)s", service=service, when=when),
        "cancelled_by_staff": _(
            "Your appointment has been cancelled: %(service)s, %(when)s", service=service, when=when
        ),
        "reminder": _("Reminder: %(service)s, %(when)s", service=service, when=when),
    }
    return subjects[kind]


def appointment_summary(appointment: Appointment) -> str:
    """The calendar title of an appointment: service and professional."""
    return f"{localized(appointment.service, 'name')} – {appointment.professional.name}"


def appointment_place(appointment: Appointment) -> str:
    """Where the appointment happens, in the current language."""
    return ics.place_text(appointment, _("By phone: the professional calls you"), _("By video"))


def calendar_event(appointment: Appointment, description: str = "") -> Event:
    """The appointment as a calendar event in the current language (cancelled ones cancel the event)."""
    location = (
        appointment.video_url
        if appointment.mode == "video" and appointment.video_url
        else appointment_place(appointment)
    )
    return ics.appointment_event(appointment, appointment_summary(appointment), location, description, utcnow())


def calendar_file(appointment: Appointment, description: str = "") -> bytes:
    """The appointment as an .ics file in the current language."""
    return single_event_file(calendar_event(appointment, description))


def deadline_ahead(appointment: Appointment, now: datetime) -> datetime | None:
    """The moment until which the family can still change the appointment online, or None once it has passed.

    A notice quotes a deadline only while it lies ahead, so none says "until" a moment already past.
    """
    deadline = changeable_until(appointment)
    return deadline if appointment.status == AppointmentStatus.BOOKED and now < deadline else None


def notify_family(appointment: Appointment, kind: str) -> Notified:
    """Tell the family about their appointment by email, and by text message if they asked for that.

    Everything is written in the family's own language (``Appointment.written_language``). Call
    after committing: the text message's record is flushed, for the caller to commit.
    """
    if kind not in KINDS:
        raise ValueError(kind)
    now = utcnow()
    with force_locale(appointment.written_language):
        cancelled = kind.startswith("cancelled")
        manage_url = mail.external_url(
            "booking.manage", token=manage_token(appointment), lang=appointment.written_language
        )
        deadline = deadline_ahead(appointment, now)
        emailed = bool(appointment.guardian_email) and _email(appointment, kind, manage_url, deadline, cancelled)
        texted = appointment.sms_wanted and send_family_text(
            appointment.guardian_phone, text_message(appointment, kind, manage_url, deadline), SMS_PURPOSES[kind]
        )
    return Notified(emailed=emailed, texted=texted)


def flash_notified(appointment: Appointment, notified: Notified) -> None:
    """Tell the family on the next page where the confirmation went, or that the email could not be sent."""
    if appointment.guardian_email and not notified.emailed:
        flash(
            _("We could not send the email. Save the address of this page: it is your link to the appointment."),
            "error",
        )
    elif notified.emailed:
        flash(_("A confirmation has been sent to %(email)s.", email=appointment.guardian_email), "info")
    phone = display_phone(appointment.guardian_phone)
    if notified.texted:
        flash(_("A text message has been sent to %(phone)s.", phone=phone), "info")
    elif appointment.sms_wanted:
        flash(_("We could not send the text message to %(phone)s.", phone=phone), "error")


def _email(appointment: Appointment, kind: str, manage_url: str, deadline: datetime | None, cancelled: bool) -> bool:
    profile = db.session.get(ProfessionalProfile, appointment.professional_id)
    context = {
        "appointment": appointment,
        "kind": kind,
        "title": localized(profile, "title") if profile else "",
        "place": appointment_place(appointment),
        "manage_url": None if cancelled else manage_url,
        "deadline": deadline,
        "municipality": pick(current_app.config["MUNICIPALITY_NAME"]),
    }
    email = mail.Email(
        to=appointment.guardian_email,
        subject=_subject(kind, appointment),
        text=render_template("booking/email/appointment.txt", **context),
        html=render_template("booking/email/appointment.html", **context),
        attachments=[email_attachment("appointment.ics", calendar_event(appointment, context["manage_url"] or ""))],
    )
    return mail.send(email)


def text_message(appointment: Appointment, kind: str, manage_url: str, deadline: datetime | None) -> str:
    """The text message for a notice: the time and a link, never the service, the child or a reason.

    A text message may be read by anyone who sees the phone, so it says "family centre
    appointment" whatever the service is (a psychologist's name would tell a health matter).
    """
    when = day_and_time(appointment.starts_at)
    phone = current_app.config["SUPPORT_PHONE"]
    if kind == "booked":
        text = _("Famnen: your family centre appointment is booked for %(when)s.", when=when)
    elif kind == "moved":
        text = _("Famnen: your family centre appointment has been moved to %(when)s.", when=when)
    elif kind == "reminder":
        text = _("Famnen: a reminder of your family centre appointment %(when)s.", when=when)
    elif kind == "cancelled_by_family":
        return _("Famnen: your family centre appointment %(when)s has been cancelled as you asked.", when=when)
    else:
        return _(
            "Famnen: the family centre has had to cancel your appointment %(when)s. Read more: %(url)s",
            when=when,
            url=manage_url,
        )
    if deadline is not None:
        return (
            text
            + " "
            + _(
                "You can change or cancel it until %(deadline)s: %(url)s",
                deadline=date_and_time(deadline),
                url=manage_url,
            )
        )
    return text + " " + _("Details: %(url)s To change it, call %(phone)s.", url=manage_url, phone=phone)


def notify_offer(held: HeldTime) -> Notified:
    """Tell the family a time is held for them: when, until when, and the link to take it.

    An earlier time for a booked appointment, or a time for a family with no booking yet.
    Call after committing the hold; the text message's record is flushed, for the caller to commit.
    """
    request = held.request
    family = request.family
    with force_locale(family.written_language):
        url = mail.external_url(
            "booking.earlier_offer", token=earlier_times.offer_token(held), lang=family.written_language
        )
        when = day_and_time(held.starts_at)
        until = date_and_time(held.expires_at)
        booked = request.appointment is not None
        subject = (
            _("An earlier time is free: %(when)s", when=when)
            if booked
            else _("A time is free for you: %(when)s", when=when)
        )
        text = (
            _(
                "Famnen: an earlier family centre appointment is free, %(when)s. It is kept for you until "
                "%(until)s. Take it or keep your time: %(url)s",
                when=when,
                until=until,
                url=url,
            )
            if booked
            else _(
                "Famnen: a family centre appointment is free, %(when)s. It is kept for you until %(until)s. "
                "Book it or let it go: %(url)s",
                when=when,
                until=until,
                url=url,
            )
        )
        context = {"request": request, "family": family, "held": held, "offer_url": url, "until": until}
        return _tell(family, subject, "booking/email/earlier_offer.txt", context, text, "earlier-offer")


def notify_in_line(request: EarlierTimeRequest) -> Notified:
    """Confirm to a family with no booking that they are in line, with the link to their wish (to stop waiting)."""
    with force_locale(request.written_language):
        url = mail.external_url("booking.wish", token=earlier_times.wish_token(request), lang=request.written_language)
        text = _("Famnen: you are in line for a family centre appointment. See or stop waiting: %(url)s", url=url)
        context = {"request": request, "family": request, "wish_url": url}
        subject = _("You are in line for a time")
        # A text message only when there is no email address to confirm to.
        return _tell(
            request,
            subject,
            "booking/email/in_line.txt",
            context,
            text if not request.guardian_email else "",
            "in-line",
        )


def _tell(family, subject: str, template: str, context: dict, text: str, purpose: str) -> Notified:
    """Email ``family`` (rendered from ``template``) and, if they asked for text messages and ``text`` is given,
    text them; in the current language."""
    emailed = bool(family.guardian_email) and mail.send(
        mail.Email(to=family.guardian_email, subject=subject, text=render_template(template, **context))
    )
    texted = bool(text) and family.sms_wanted and send_family_text(family.guardian_phone, text, purpose)
    return Notified(emailed=emailed, texted=texted)
