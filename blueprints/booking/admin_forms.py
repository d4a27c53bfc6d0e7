"""Forms for setting up booking: centres, services, professionals, working hours and absences."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TimeField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, URL, ValidationError

from core.forms import CheckboxesField, DayField, email_address, language_choices, text_field

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lower-case letters a–z, digits and hyphens, e.g. gammelbacka."))
WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))


def _required(message):
    return InputRequired(message=message)


def _number(label, low: int, high: int, default: int):
    return IntegerField(
        label,
        default=default,
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(low, high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


class CentreForm(FlaskForm):
    """A family centre's names, address and information for visitors."""

    slug = StringField(_l("Short name in addresses"), validators=[_required(_l("Fill in this field.")), SLUG, Length(max=80)])
    name_sv = text_field(_l("Name in Swedish"), required=True)
    name_fi = text_field(_l("Name in Finnish"), required=True)
    name_en = text_field(_l("Name in English"))
    street_address = text_field(_l("Street address"))
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Regexp(r"^\d{5}$", message=_l("A postal code has five digits."))])
    city_sv = text_field(_l("Town in Swedish"), max_length=100)
    city_fi = text_field(_l("Town in Finnish"), max_length=100)
    city_en = text_field(_l("Town in English"), max_length=100)
    phone = text_field(_l("Phone"), max_length=40)
    email = EmailField(_l("Email address"), validators=[Optional(), email_address()])
    directions_sv = text_field(_l("Directions in Swedish"), max_length=2000, area=True)
    directions_fi = text_field(_l("Directions in Finnish"), max_length=2000, area=True)
    directions_en = text_field(_l("Directions in English"), max_length=2000, area=True)
    accessibility_sv = text_field(_l("Accessibility in Swedish"), max_length=2000, area=True)
    accessibility_fi = text_field(_l("Accessibility in Finnish"), max_length=2000, area=True)
    accessibility_en = text_field(_l("Accessibility in English"), max_length=2000, area=True)
    active = BooleanField(_l("Shown to families"), default=True)


class ServiceForm(FlaskForm):
    """A service's names and the rules for booking it."""

    slug = StringField(_l("Short name in addresses"), validators=[_required(_l("Fill in this field.")), SLUG, Length(max=80)])
    name_sv = text_field(_l("Name in Swedish"), required=True)
    name_fi = text_field(_l("Name in Finnish"), required=True)
    name_en = text_field(_l("Name in English"))
    description_sv = text_field(_l("Description in Swedish"), max_length=2000, area=True)
    description_fi = text_field(_l("Description in Finnish"), max_length=2000, area=True)
    description_en = text_field(_l("Description in English"), max_length=2000, area=True)
    in_person = BooleanField(_l("At the family centre"), default=True)
    by_phone = BooleanField(_l("By phone"))
    by_video = BooleanField(_l("By video"))
    duration_minutes = _number(_l("Length of an appointment (minutes)"), 5, 480, 45)
    buffer_before_minutes = _number(_l("Free time before (minutes)"), 0, 120, 0)
    buffer_after_minutes = _number(_l("Free time after (minutes)"), 0, 120, 0)
    slot_interval_minutes = _number(_l("Times start every (minutes)"), 5, 240, 15)
    min_notice_hours = _number(_l("Bookable at the earliest (hours ahead)"), 0, 720, 12)
    max_days_ahead = _number(_l("Bookable at the latest (days ahead)"), 1, 365, 60)
    cancellation_deadline_hours = _number(_l("Families can cancel until (hours before)"), 0, 720, 24)
    reserved = BooleanField(_l("Not listed for families (booked by staff or through an offer)"))
    active = BooleanField(_l("In use"), default=True)
    professionals = CheckboxesField(_l("Who gives the service"), validators=[Optional()])

    def validate_in_person(self, field) -> None:
        """At least one way of giving the service."""
        if not (self.in_person.data or self.by_phone.data or self.by_video.data):
            raise ValidationError(_l("Choose at least one way the service is given."))


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
        validators=[Optional(), URL(require_tld=False, message=_l("Enter a full address starting with https://.")), Length(max=500)],
    )

    def validate_video_url(self, field) -> None:
        """Families get the link by email, so only encrypted links are accepted."""
        if field.data and not field.data.startswith("https://"):
            raise ValidationError(_l("Enter a full address starting with https://."))


class WorkingHoursForm(FlaskForm):
    """A weekly block of working time at one centre."""

    centre = SelectField(_l("Family centre"), validators=[_required(_l("Choose the family centre."))])
    weekday = SelectField(
        _l("Weekday"),
        choices=[SelectChoice(str(number), name) for number, name in enumerate(WEEKDAYS)],
        validators=[_required(_l("Choose the weekday."))],
    )
    start = TimeField(_l("From"), validators=[_required(_l("Enter the start time, e.g. 08:00."))])
    end = TimeField(_l("Until"), validators=[_required(_l("Enter the end time, e.g. 16:00."))])
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

    first_day = DayField(_l("First day"), validators=[_required(_l("Enter the first day."))])
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
