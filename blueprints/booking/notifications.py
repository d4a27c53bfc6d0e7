"""Emails to families about their appointments, in the language they booked in, with a calendar file."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Event

from core import mail
from core.calendar_files import email_attachment, single_event_file
from core.i18n import clock, localized, long_date, pick
from core.timeutil import utcnow
from extensions import db

from . import ics
from .appointments import changeable_until, manage_token
from .models import Appointment, ProfessionalProfile

KINDS = ("booked", "moved", "cancelled_by_family", "cancelled_by_staff", "reminder")


def _subject(kind: str, appointment: Appointment) -> str:
    when = f"{long_date(appointment.starts_at)} {clock(appointment.starts_at)}"
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


def notify_family(appointment: Appointment, kind: str) -> bool:
    """Email the family about their appointment; False when there is no address or sending failed."""
    if kind not in KINDS:
        raise ValueError(kind)
    if not appointment.guardian_email:
        return False
    with force_locale(appointment.language):
        profile = db.session.get(ProfessionalProfile, appointment.professional_id)
        cancelled = kind.startswith("cancelled")
        context = {
            "appointment": appointment,
            "kind": kind,
            "title": localized(profile, "title") if profile else "",
            "place": appointment_place(appointment),
            "manage_url": None if cancelled else mail.external_url("booking.manage", token=manage_token(appointment)),
            "deadline": changeable_until(appointment),
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
