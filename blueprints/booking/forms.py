"""Forms of the booking pages: finding a time, the family's details, cancelling."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from core.forms import DayField, email_address, reachable
from core.i18n import time_range
from core.phone import phone_number

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
        validators=[InputRequired(message=_l("Enter your name.")), Length(max=200, message=_l("The name is too long."))],
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
    child_first_name = StringField(
        _l("Child's first name"), validators=[Optional(), Length(max=100, message=_l("The name is too long."))]
    )
    child_age_years = SelectField(_l("Child's age"), validators=[Optional()])
    language = RadioField(
        _l("Language of the appointment"), validators=[InputRequired(message=_l("Choose the language of the appointment."))]
    )
    message = TextAreaField(
        _l("Message to the professional"),
        validators=[Optional(), Length(max=MAX_MESSAGE, message=_l("The message can be at most %(max)d characters long."))],
    )

    def validate(self, extra_validators=None) -> bool:
        """Also require a way to reach the family: an email address, a phone number or both."""
        valid = super().validate(extra_validators)
        return reachable(self, _l("Give an email address or a phone number, so we can reach you.")) and valid


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
    return _("That time overlaps the absence %(span)s. Remove or change it first.", span=time_range(absence.starts_at, absence.ends_at))
