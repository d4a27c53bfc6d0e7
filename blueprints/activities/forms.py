"""Forms of the activity pages: registering, changing numbers, and the staff's activity and date forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

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
from core.phone import phone_number
from core.timeutil import to_local, utcnow

from .models import AGE_GROUP_LABELS, KIND_LABELS, ORGANISER_LABELS, ActivityKind
from .registration import MAX_PARTY_MEMBERS
from .series import MAX_SERIES_DAYS

# How far ahead a new date may start: a term planned well ahead, not a mistyped year.
MAX_DAYS_AHEAD = 548

MAX_MESSAGE = 2000


class CountField(IntegerField):
    """A whole number typed by a person, with a clear message when it is not one.

    Shown as a text box with a numeric keyboard rather than ``type=number``,
    so that whatever was typed can be shown back with the message.
    """

    widget = TextInput()

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist) -> None:
        """Read the number, refusing decimals and words with a translated message."""
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as error:
            self.data = None
            raise ValueError(_l("Enter a whole number, for example 2.")) from error


def _count(label, low: int, high: int, default: int | None, message):
    return CountField(
        label,
        default=default,
        validators=[
            InputRequired(message=message),
            NumberRange(low, high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


class PartyForm(FlaskForm):
    """How many adults and children come; everyone takes a place."""

    adults = _count(_l("Adults"), 1, MAX_PARTY_MEMBERS, 1, _l("Enter how many adults come (at least one)."))
    children = _count(_l("Children"), 0, MAX_PARTY_MEMBERS, 0, _l("Enter how many children come (0 if none)."))


class RegistrationForm(PageOrder, PartyForm):
    """A family registers for a date: who they are, how to reach them and how many come."""

    guardian_name = StringField(
        _l("Your name"),
        filters=[tidy_text],
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=200, message=_l("The name is too long."))],
    )
    guardian_email = EmailField(
        _l("Email address"),
        validators=[
            InputRequired(
                message=_l(
                    "Enter your email address: the confirmation and your link to the registration come by email."
                )
            ),
            email_address(),
            Length(max=254),
        ],
    )
    guardian_phone = StringField(_l("Mobile phone number"), validators=[Optional(), phone_number])
    sms_wanted = BooleanField(_l("Also tell me about my place by text message"))
    language = RadioField(
        _l("Language of our emails"),
        choices=language_choices(),
        validators=[InputRequired(message=_l("Choose the language of our emails."))],
    )

    PAGE_ORDER = ("guardian_name", "guardian_email", "guardian_phone", "sms_wanted", "adults", "children", "language")
    # Set by the view: whether text messages can be sent (SMS_BACKEND is not "disabled").
    sms_offered: bool = False

    def validate(self, extra_validators=None) -> bool:
        """Also: text messages need a mobile number."""
        valid = super().validate(extra_validators)
        return sms_choice_fits(self) and valid


class PhoneRegistrationForm(RegistrationForm):
    """Staff register a family who phoned or came to the desk: an email address or a phone number will do."""

    guardian_name = StringField(
        _l("Name"),
        filters=[tidy_text],
        validators=[
            DataRequired(message=_l("Enter the guardian's name.")),
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

    def validate(self, extra_validators=None) -> bool:
        """Also require a way to reach the family."""
        valid = super().validate(extra_validators)
        return reachable(self, _l("Give an email address or a phone number, so we can reach the family.")) and valid


class ActivityForm(FlaskForm):
    """An activity's texts, place, organiser and registration rules."""

    title_sv = text_field(_l("Name in Swedish"), required=True)
    title_fi = text_field(_l("Name in Finnish"), required=True)
    title_en = text_field(_l("Name in English"))
    description_sv = text_field(_l("Description in Swedish"), max_length=4000, area=True)
    description_fi = text_field(_l("Description in Finnish"), max_length=4000, area=True)
    description_en = text_field(_l("Description in English"), max_length=4000, area=True)
    kind = SelectField(
        _l("Type"),
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired(message=_l("Choose the type of activity."))],
    )
    age_group = SelectField(
        _l("For whom"),
        choices=[SelectChoice(age.value, label) for age, label in AGE_GROUP_LABELS.items()],
        validators=[InputRequired(message=_l("Choose whom the activity is for."))],
    )
    languages = CheckboxesField(
        _l("Languages spoken"),
        choices=language_choices(),
        validators=[InputRequired(message=_l("Choose at least one language."))],
    )
    organiser_kind = SelectField(
        _l("Organiser"),
        choices=[SelectChoice(kind.value, label) for kind, label in ORGANISER_LABELS.items()],
        validators=[InputRequired(message=_l("Choose the organiser."))],
    )
    organiser_name = text_field(_l("Organiser's name"))
    centre = SelectField(_l("Family centre responsible"), validators=[Optional()])
    place_sv = text_field(_l("Place in Swedish"), max_length=300)
    place_fi = text_field(_l("Place in Finnish"), max_length=300)
    place_en = text_field(_l("Place in English"), max_length=300)
    meeting_url = URLField(
        _l("Online meeting room address"),
        validators=[
            Optional(),
            URL(require_tld=False, message=_l("Enter a full address starting with https://.")),
            Length(max=500),
        ],
        filters=[tidy_text],
    )
    registration_required = BooleanField(_l("Families register in advance"))
    capacity = CountField(
        _l("Places per date"),
        validators=[Optional(), NumberRange(1, 1000, message=_l("Enter a number from %(min)s to %(max)s."))],
    )
    waiting_list = BooleanField(_l("Keep a waiting list when the date is full"), default=True)
    registration_closes_hours = _count(
        _l("Registration closes (hours before the start)"), 0, 720, 0, _l("Enter a whole number.")
    )
    leaders = CheckboxesField(_l("Professionals who lead it"), validators=[Optional()])
    published = BooleanField(_l("Shown to families"), default=True)

    def validate(self, extra_validators=None) -> bool:
        """Also: a partner is named, and a virtual activity has an encrypted meeting room link.

        Checked here because empty optional fields skip their own validators.
        """
        valid = super().validate(extra_validators)
        problems = []
        if self.organiser_kind.data != "municipality" and not self.organiser_name.data:
            problems.append((self.organiser_name, _l("Give the name of the association, parish or other partner.")))
        if self.kind.data == ActivityKind.VIRTUAL.value and not self.meeting_url.data:
            problems.append((self.meeting_url, _l("Give the address of the online meeting room.")))
        elif self.meeting_url.data and not self.meeting_url.data.startswith("https://") and not self.meeting_url.errors:
            problems.append((self.meeting_url, _l("Enter a full address starting with https://.")))
        for field, message in problems:
            refuse_field(field, message)
        return valid and not problems


def _end_after_start(form, field) -> None:
    if form.start.data and field.data and field.data <= form.start.data:
        raise ValidationError(_l("The end must be after the start."))


class DatesForm(FlaskForm):
    """Add one date, or a weekly or every-other-week series over a term."""

    first_day = DayField(_l("First date"), validators=[InputRequired(message=_l("Enter the first date."))])
    last_day = DayField(_l("Last date of the series"), validators=[Optional()])
    every_weeks = RadioField(
        _l("Repeats"),
        choices=[SelectChoice("1", _l("Every week")), SelectChoice("2", _l("Every other week"))],
        default="1",
        validators=[InputRequired(message=_l("Choose how often the activity repeats."))],
    )
    start = TimeField(_l("From"), validators=[InputRequired(message=_l("Enter the start time, e.g. 09:30."))])
    end = TimeField(
        _l("Until"), validators=[InputRequired(message=_l("Enter the end time, e.g. 11:30.")), _end_after_start]
    )
    skip_holidays = BooleanField(_l("Skip public holidays"), default=True)

    def validate_first_day(self, field) -> None:
        """New dates start today or later, and at most a year and a half ahead (a mistyped year is caught)."""
        if field.data is None:
            return
        today = to_local(utcnow()).date()
        if field.data < today:
            raise ValidationError(_l("The first date has already passed. Enter today or a later day."))
        if (field.data - today).days > MAX_DAYS_AHEAD:
            raise ValidationError(_l("Dates can be added at most a year and a half ahead."))

    def validate_last_day(self, field) -> None:
        """The series ends after it starts, within a year."""
        if field.data and self.first_day.data:
            if field.data < self.first_day.data:
                raise ValidationError(_l("The last day cannot be before the first day."))
            if (field.data - self.first_day.data).days > MAX_SERIES_DAYS:
                raise ValidationError(_l("A series can last at most a year."))


class DateForm(FlaskForm):
    """Change one date: its day, time and topic."""

    day = DayField(_l("Date"), validators=[InputRequired(message=_l("Enter the date, for example 3.12.2026."))])
    start = TimeField(_l("From"), validators=[InputRequired(message=_l("Enter the start time, e.g. 09:30."))])
    end = TimeField(
        _l("Until"), validators=[InputRequired(message=_l("Enter the end time, e.g. 11:30.")), _end_after_start]
    )
    topic_sv = text_field(_l("Topic in Swedish"), max_length=300)
    topic_fi = text_field(_l("Topic in Finnish"), max_length=300)
    topic_en = text_field(_l("Topic in English"), max_length=300)


class CancelDateForm(FlaskForm):
    """Cancel a date and tell the families why."""

    reason = TextAreaField(
        _l("Reason, sent to the families"),
        validators=[
            InputRequired(message=_l("Tell the families why the date is cancelled.")),
            Length(max=500, message=_l("The message can be at most %(max)d characters long.")),
        ],
        filters=[tidy_text],
    )


class MessageForm(FlaskForm):
    """A message emailed to the families registered for a date."""

    body = TextAreaField(
        _l("Message"),
        validators=[
            InputRequired(message=_l("Write the message.")),
            Length(max=MAX_MESSAGE, message=_l("The message can be at most %(max)d characters long.")),
        ],
        filters=[tidy_text],
    )
    include_waiting = BooleanField(_l("Send it to the families on the waiting list too"))


class VisitorsForm(FlaskForm):
    """The head count of a date, for drop-in activities above all."""

    adults = CountField(
        _l("Adults who came"),
        validators=[Optional(), NumberRange(0, 1000, message=_l("Enter a number from %(min)s to %(max)s."))],
    )
    children = CountField(
        _l("Children who came"),
        validators=[Optional(), NumberRange(0, 1000, message=_l("Enter a number from %(min)s to %(max)s."))],
    )


class CalendarFilterForm(FlaskForm):
    """The family's filters on the calendar. Sent with GET: it changes nothing."""

    class Meta:
        csrf = False

    centre = SelectField(_l("Family centre"), validators=[Optional()])
    type = SelectField(_l("Type"), validators=[Optional()])
    language = SelectField(_l("Language"), validators=[Optional()])
    age = SelectField(_l("For whom"), validators=[Optional()])
