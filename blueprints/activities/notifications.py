"""Emails (with a calendar file) and text messages to families about their registrations, in their language.

Always sent after the transaction that caused them has committed, so a
failing mail server never undoes a registration or a promotion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from core import mail
from core.calendar_files import email_attachment, single_event_file
from core.i18n import day_and_time, localized, pick
from core.mail import Notified
from core.sms import send_family_text
from core.timeutil import utcnow

from ..auth.models import User
from . import ics
from . import registration as registrations
from .calendar import organiser_text
from .models import Registration, RegistrationStatus
from .registration import closes_at, manage_token, waiting_position

KINDS = (
    "confirmed",
    "waiting",
    "promoted",
    "changed",
    "cancelled",
    "cancelled_by_staff",
    "date_cancelled",
    "date_changed",
    "message",
)
# Kinds after which the registration no longer holds a place: the calendar copy is cancelled, no manage link.
ENDING_KINDS = ("cancelled", "cancelled_by_staff", "date_cancelled")


def _subject(kind: str, registration: Registration) -> str:
    activity_date = registration.date
    values = {
        "title": localized(activity_date.activity, "title"),
        "when": day_and_time(activity_date.starts_at),
    }
    subjects = {
        "confirmed": _("Registration confirmed: %(title)s, %(when)s", **values),
        "waiting": _("On the waiting list: %(title)s, %(when)s", **values),
        "promoted": _("You got a place: %(title)s, %(when)s", **values),
        "changed": _("Registration changed: %(title)s, %(when)s", **values),
        "cancelled": _("Registration cancelled: %(title)s, %(when)s", **values),
        "cancelled_by_staff": _("Your registration has been cancelled: %(title)s, %(when)s", **values),
        "date_cancelled": _("Cancelled: %(title)s, %(when)s", **values),
        "date_changed": _("New time: %(title)s, %(when)s", **values),
        "message": _("Message about %(title)s, %(when)s", **values),
    }
    return subjects[kind]


def calendar_file(registration: Registration, description: str = "") -> bytes:
    """The family's copy of the date as an .ics file in the current language."""
    return single_event_file(ics.registration_event(registration, description, utcnow()))


def notify(registration: Registration, kind: str, had_place: bool = False, message: str = "") -> bool:
    """Email the family about their registration, and text them if they asked for that; whether the email went.

    ``had_place`` tells, for the kinds that end a registration, whether the
    family's calendar holds the date (then a cancelling .ics is attached).
    """
    return _notify(registration, kind, had_place, message).emailed


def _notify(registration: Registration, kind: str, had_place: bool, message: str) -> Notified:
    if kind not in KINDS:
        raise ValueError(kind)
    texted = registration.sms_wanted and kind in SMS_TEXTS and _text(registration, kind)
    if not registration.guardian_email:
        return Notified(emailed=False, texted=texted)
    ending = kind in ENDING_KINDS
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    with force_locale(registration.language):
        activity_date = registration.date
        manage_url = None if ending else mail.external_url("activities.manage", token=manage_token(registration))
        context = {
            "registration": registration,
            "activity_date": activity_date,
            "activity": activity_date.activity,
            "kind": kind,
            "message": message,
            # The meeting room is for families with a place only.
            "meeting_url": activity_date.activity.meeting_url if confirmed and not ending else "",
            "position": waiting_position(registration),
            "place": ics.place_text(activity_date.activity),
            "organiser": organiser_text(activity_date.activity),
            "title": ics.title_with_topic(activity_date),
            "manage_url": manage_url,
            "closes_at": closes_at(activity_date),
            "municipality": pick(current_app.config["MUNICIPALITY_NAME"]),
        }
        attachments = []
        if (confirmed and not ending) or (ending and had_place):
            attachments.append(
                email_attachment("activity.ics", ics.registration_event(registration, manage_url or "", utcnow()))
            )
        email = mail.Email(
            to=registration.guardian_email,
            subject=_subject(kind, registration),
            text=render_template("activities/email/registration.txt", **context),
            html=render_template("activities/email/registration.html", **context),
            attachments=attachments,
        )
    return Notified(emailed=mail.send(email), texted=texted)


# What a text message says, per kind of notice: the time and a link, never the activity (its name can tell
# a health matter: a group for parents of premature babies), the family or a staff member's message.
SMS_TEXTS = {
    "confirmed": lambda when: _("Famnen: you have a place at a family centre activity %(when)s.", when=when),
    "promoted": lambda when: _(
        "Famnen: a place freed up: you now have a place at a family centre activity %(when)s.", when=when
    ),
    "changed": lambda when: _(
        "Famnen: your registration for a family centre activity %(when)s has changed.", when=when
    ),
    "cancelled_by_staff": lambda when: _(
        "Famnen: your registration for a family centre activity %(when)s has been cancelled.", when=when
    ),
    "date_cancelled": lambda when: _("Famnen: the family centre activity %(when)s has been cancelled.", when=when),
    "date_changed": lambda when: _(
        "Famnen: the family centre activity you registered for has a new time: %(when)s.", when=when
    ),
    "message": lambda when: _("Famnen: the family centre has a message about the activity %(when)s.", when=when),
}


def _text(registration: Registration, kind: str) -> bool:
    """Send the family the text message for ``kind``, with a link to their registration, in their language."""
    with force_locale(registration.language):
        starts_at = registration.date.starts_at
        when = day_and_time(starts_at)
        url = mail.external_url("activities.manage", token=manage_token(registration), lang=registration.language)
        text = SMS_TEXTS[kind](when) + " " + _("Details: %(url)s", url=url)
    return send_family_text(registration.guardian_phone, text, f"activity-{kind.replace('_', '-')}")


def notify_all(registrations: list[Registration], kind: str, message: str = "") -> list[Registration]:
    """Email several families (promotions, a cancelled or moved date, a message); returns those not reached."""
    unreached = []
    for registration in registrations:
        had_place = registration.status == RegistrationStatus.CONFIRMED
        if not _notify(registration, kind, had_place, message).reached:
            unreached.append(registration)
    return unreached


def notify_registered(registration: Registration) -> bool:
    """Email a family who just registered: their place, or their position in the queue; call after the commit."""
    return notify(registration, "waiting" if registration.status == RegistrationStatus.WAITING else "confirmed")


@dataclass(frozen=True)
class Cancellation:
    """A registration just cancelled and the families who got its places, to be emailed once it has committed."""

    registration: Registration
    had_place: bool
    promoted: list[Registration]
    by_staff: bool


def cancel(registration: Registration, now: datetime, by_staff: User | None = None) -> Cancellation:
    """Cancel a registration (raises ``ChangeNotAllowed``) and give its places to the waiting list.

    Flushes; the caller commits, then calls ``tell_cancelled``.
    """
    had_place = registration.status == RegistrationStatus.CONFIRMED
    promoted = registrations.cancel(registration, now, by_staff=by_staff)
    return Cancellation(registration, had_place, promoted, by_staff is not None)


def tell_cancelled(cancellation: Cancellation) -> tuple[bool, list[Registration]]:
    """Email those who got the places and the family who cancelled; call only after the commit.

    Returns whether the family was emailed, and who of the promoted could not be emailed.
    """
    unreached = notify_all(cancellation.promoted, "promoted")
    kind = "cancelled_by_staff" if cancellation.by_staff else "cancelled"
    return notify(cancellation.registration, kind, had_place=cancellation.had_place), unreached
