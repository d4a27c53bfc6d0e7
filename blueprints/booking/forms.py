"""Forms of booking: finding a time, the family's details, cancelling, blocking time, and setting up professionals.

The last three (profile, working hours, absences) are the administrators' forms.
"""

from __future__ import annotations

from datetime import date

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, InputRequired, Length, Optional, ValidationError

from core.forms import (
    CheckboxesField,
    DayField,
    PageOrder,
    email_address,
    language_choices,
    reachable,
    refuse_field,
    sms_choice_fits,
    text_field,
    tidy_text,
)
from core.i18n import time_range
from core.phone import is_mobile, phone_number

from .earlier_times import Window
from .models import Absence

MAX_MESSAGE = 500


class TimesForm(FlaskForm):
    """The family's wishes for a time: where, in which language, with whom, how. Sent with GET."""

    class Meta:
        csrf = False  # a search form: it changes nothing

    mode = RadioField(_l("How"), validators=[Optional()])
    centre = SelectField(_l("Family centre"), validators=[Optional()])
    language = SelectField(_l("Language of the appointment"), validators=[Optional()])
    professional = SelectField(_l("Professional"), validators=[Optional()])
    week = HiddenField()


class DetailsForm(FlaskForm):
    """Who is coming and how to reach them."""

    slot = HiddenField()
    guardian_name = StringField(
        _l("Your name"),
        validators=[
            InputRequired(message=_l("Enter your name.")),
            Length(max=200, message=_l("The name is too long.")),
        ],
    )
    guardian_email = EmailField(
        _l("Email address"),
        validators=[
            Optional(),
            email_address(),
            Length(max=254),
        ],
    )
    guardian_phone = StringField(_l("Mobile phone number"), validators=[Optional(), phone_number])
    sms_wanted = BooleanField(_l("Also send the confirmation and a reminder by text message"))
    child_first_name = StringField(
        _l("Child's first name"), validators=[Optional(), Length(max=100, message=_l("The name is too long."))]
    )
    child_age_years = SelectField(_l("Child's age"), validators=[Optional()])
    language = RadioField(
        _l("Language of the appointment"),
        validators=[InputRequired(message=_l("Choose the language of the appointment."))],
    )
    family_language = SelectField(_l("Language of our emails and text messages to you"), validators=[Optional()])
    message = TextAreaField(
        _l("Message to the professional"),
        validators=[
            Optional(),
            Length(max=MAX_MESSAGE, message=_l("The message can be at most %(max)d characters long.")),
        ],
    )

    # Set by the view: the kind of visit ("phone", "video", "in_person") and whether text messages can be sent.
    visit_mode: str = ""
    sms_offered: bool = False

    def validate(self, extra_validators=None) -> bool:
        """Also require the contact details the visit needs: a mobile number to be called, a way to get a video link.

        A family who gives a mobile number and no email address gets text messages, so that the
        confirmation reaches them.
        """
        valid = super().validate(extra_validators)
        return self._contact_fits_visit() and valid

    def _contact_fits_visit(self) -> bool:
        if self.guardian_email.errors or self.guardian_phone.errors:
            return False  # already explained on the field
        email = (self.guardian_email.data or "").strip()
        phone = (self.guardian_phone.data or "").strip()
        mobile = is_mobile(phone)
        if self.sms_offered and mobile and not email:
            self.sms_wanted.data = True
        if self.visit_mode == "phone" and not mobile:
            message = (
                _l("A phone appointment needs your mobile phone number: the professional calls you on it.")
                if not phone
                else _l("Give a mobile phone number: the professional calls you on it.")
            )
            return refuse_field(self.guardian_phone, message)
        if self.visit_mode == "video" and not email and not (self.sms_offered and mobile):
            message = (
                _l("A video appointment needs an email address or a mobile number, where we send the link to the call.")
                if self.sms_offered
                else _l("A video appointment needs an email address, where we send the link to the call.")
            )
            return refuse_field(self.guardian_email, message)
        if not sms_choice_fits(self):
            return False
        return reachable(self, _l("Give an email address or a phone number, so we can reach you."))


def age_choices() -> list[SelectChoice]:
    """Ages 0-17 for the child's age select, with "not told" first."""
    choices = [SelectChoice("", _l("I'd rather not say")), SelectChoice("0", _l("Under 1 year"))]
    choices += [SelectChoice(str(age), str(age)) for age in range(1, 18)]
    return choices


class CancelForm(FlaskForm):
    """Staff cancel an appointment and tell the family why."""

    reason = TextAreaField(
        _l("Reason, sent to the family"),
        validators=[
            InputRequired(message=_l("Tell the family why the appointment is cancelled.")),
            Length(max=MAX_MESSAGE, message=_l("The message can be at most %(max)d characters long.")),
        ],
        filters=[tidy_text],
    )


class BlockTimeForm(FlaskForm):
    """Staff block time in a professional's calendar so families cannot book it."""

    professional = SelectField(_l("Whose time"), validators=[InputRequired(message=_l("Choose a professional."))])
    day = DayField(_l("Date"), validators=[InputRequired(message=_l("Enter the date, for example 3.12.2026."))])
    whole_day = BooleanField(_l("The whole day"))
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("Until"), validators=[Optional()])
    note = StringField(
        _l("Note for staff"),
        validators=[Optional(), Length(max=200, message=_l("The note can be at most %(max)d characters long."))],
        filters=[tidy_text],
    )

    def validate(self, extra_validators=None) -> bool:
        """A part of a day needs both times, the end after the start."""
        valid = super().validate(extra_validators)
        if valid and not self.whole_day.data:
            if self.start.data is None or self.end.data is None:
                self.start.errors.append(_l("Give the start and end times, or choose the whole day."))
                return False
            if self.end.data <= self.start.data:
                self.end.errors.append(_l("The end must be after the start."))
                return False
        return valid


def already_blocked_message(absence: Absence) -> str:
    """Why time cannot be blocked again, naming the absence it overlaps."""
    return _(
        "That time overlaps the absence %(span)s. Remove or change it first.",
        span=time_range(absence.starts_at, absence.ends_at),
    )


# --- Administrators: professionals' profiles, working hours and absences ----------------------

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))


class ProfileForm(FlaskForm):
    """A professional's title, languages and video room."""

    title_sv = text_field(_l("Title in Swedish"), max_length=120)
    title_fi = text_field(_l("Title in Finnish"), max_length=120)
    title_en = text_field(_l("Title in English"), max_length=120)
    languages = CheckboxesField(
        _l("Languages served in"),
        choices=language_choices(),
        validators=[InputRequired(message=_l("Choose at least one language."))],
    )
    video_url = URLField(
        _l("Video meeting room address"),
        validators=[
            Optional(),
            URL(require_tld=False, message=_l("Enter a full address starting with https://.")),
            Length(max=500),
        ],
        filters=[tidy_text],
    )

    def validate_video_url(self, field) -> None:
        """Families get the link by email, so only encrypted links are accepted."""
        if field.data and not field.data.startswith("https://"):
            raise ValidationError(_l("Enter a full address starting with https://."))


class WorkingHoursForm(FlaskForm):
    """A weekly block of working time at one centre."""

    centre = SelectField(_l("Family centre"), validators=[InputRequired(message=_l("Choose the family centre."))])
    weekday = SelectField(
        _l("Weekday"),
        choices=[SelectChoice(str(number), name) for number, name in enumerate(WEEKDAYS)],
        validators=[InputRequired(message=_l("Choose the weekday."))],
    )
    start = TimeField(_l("From"), validators=[InputRequired(message=_l("Enter the start time, e.g. 08:00."))])
    end = TimeField(_l("Until"), validators=[InputRequired(message=_l("Enter the end time, e.g. 16:00."))])
    valid_from = DayField(_l("Valid from"), validators=[Optional()])
    valid_until = DayField(_l("Valid until"), validators=[Optional()])

    def validate_end(self, field) -> None:
        """The block ends after it starts."""
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_valid_until(self, field) -> None:
        """The validity period does not end before it begins."""
        if self.valid_from.data and field.data and field.data < self.valid_from.data:
            raise ValidationError(_l("The last day cannot be before the first day."))


class AbsenceForm(FlaskForm):
    """Leave over one or more days, or part of a day."""

    first_day = DayField(_l("First day"), validators=[InputRequired(message=_l("Enter the first day."))])
    last_day = DayField(_l("Last day"), validators=[Optional()])
    start = TimeField(_l("From (leave empty for whole days)"), validators=[Optional()])
    end = TimeField(_l("Until (leave empty for whole days)"), validators=[Optional()])
    note = text_field(_l("Note for staff"))

    def validate_last_day(self, field) -> None:
        """The absence does not end before it begins."""
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def validate(self, extra_validators=None) -> bool:
        """Times come in pairs, and on a single day the end is after the start.

        Checked on the whole form: an empty optional field skips its own validators,
        so a start without an end would otherwise pass unnoticed.
        """
        valid = super().validate(extra_validators)
        start, end = self.start.data, self.end.data
        if bool(start) != bool(end):
            missing = self.end if start else self.start
            missing.errors = [*missing.errors, _l("Give both times, or neither for whole days.")]
            return False
        single_day = not self.last_day.data or self.last_day.data == self.first_day.data
        if start and end and single_day and end <= start:
            self.end.errors = [*self.end.errors, _l("The end must be after the start.")]
            return False
        return valid


def weekday_choices() -> list[SelectChoice]:
    """Monday to Sunday in the current language, as checkbox choices with values 0-6."""
    names = get_day_names("wide", context="stand-alone", locale=str(get_locale()))
    return [SelectChoice(str(day), names[day].capitalize()) for day in range(7)]


class EarlierTimeForm(FlaskForm):
    """A family's wish for an earlier time: between which days, on which weekdays, at which part of the day."""

    first_day = DayField(
        _l("From"), validators=[InputRequired(message=_l("Enter the first day, for example 3.12.2026."))]
    )
    last_day = DayField(
        _l("Until"), validators=[InputRequired(message=_l("Enter the last day, for example 3.12.2026."))]
    )
    weekdays = CheckboxesField(
        _l("Weekdays that suit you"), validators=[InputRequired(message=_l("Choose at least one weekday."))]
    )
    part_of_day = RadioField(
        _l("Part of the day"),
        choices=[
            SelectChoice("any", _l("Any time")),
            SelectChoice("morning", _l("Mornings (before 12)")),
            SelectChoice("afternoon", _l("Afternoons (from 12)")),
        ],
        default="any",
        validators=[InputRequired(message=_l("Choose a part of the day."))],
    )

    # Set by the view: the window must lie between today and the latest day (of the current appointment,
    # or as far ahead as the service can be booked).
    today: date | None = None
    latest_day: date | None = None
    too_late = _l("Choose days before your current appointment.")

    def validate(self, extra_validators=None) -> bool:
        """Also: the window is not in the past, starts by the latest day, and starts before it ends."""
        valid = super().validate(extra_validators)
        first, last = self.first_day.data, self.last_day.data
        if first is None or last is None or self.today is None or self.latest_day is None:
            return valid
        if last < self.today:
            return refuse_field(self.last_day, _l("The last day has already passed. Choose days from today on."))
        if first > self.latest_day:
            return refuse_field(self.first_day, self.too_late)
        if last < first:
            return refuse_field(self.last_day, _l("The last day must be on or after the first day."))
        return valid

    def window(self) -> Window:
        """The window a valid form asks for, within today and the latest day."""
        return Window(
            max(self.first_day.data, self.today),
            min(self.last_day.data, self.latest_day),
            tuple(int(day) for day in self.weekdays.data),
            self.part_of_day.data,
        )


class WaitForm(PageOrder, EarlierTimeForm):
    """A family with no booking asks to be told when a time that suits them frees up: who they are, how to reach
    them, and which days and times suit."""

    PAGE_ORDER = (
        "guardian_name",
        "guardian_email",
        "guardian_phone",
        "sms_wanted",
        "family_language",
        "first_day",
        "last_day",
        "weekdays",
        "part_of_day",
    )
    too_late = _l("Times cannot be booked that far ahead yet. Choose earlier days.")

    guardian_name = DetailsForm.guardian_name
    guardian_email = DetailsForm.guardian_email
    guardian_phone = DetailsForm.guardian_phone
    sms_wanted = BooleanField(_l("Tell me by text message"))
    family_language = SelectField(_l("Language of our emails and text messages to you"), validators=[Optional()])

    # Set by the view: whether text messages can be sent.
    sms_offered: bool = False

    def validate(self, extra_validators=None) -> bool:
        """Also: there is a way to tell the family, an email address or a mobile number for text messages."""
        valid = super().validate(extra_validators) and sms_choice_fits(self)
        if not valid or (self.guardian_email.data or "").strip() or self.sms_wanted.data:
            return valid
        message = (
            _l("Give an email address, or a mobile number and choose text messages, so we can tell you.")
            if self.sms_offered
            else _l("Give an email address, so we can tell you.")
        )
        return refuse_field(self.guardian_email, message)
