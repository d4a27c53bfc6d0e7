"""Forms of the coach's programme pages: enrolling a family, notes, extending and ending."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from core.forms import email_address, language_choices, number_field, text_field, tidy_text
from core.phone import phone_number

from .enrolments import MAX_EXTRA_WEEKS, MAX_NOTE_LENGTH


class EnrolForm(FlaskForm):
    """Enrol a child's family in a coached programme (choices set by the view)."""

    programme = SelectField(_l("Programme"), validators=[InputRequired(message=_l("Choose a programme."))])
    coach = SelectField(_l("Coach"), validators=[InputRequired(message=_l("Choose the coach."))])
    language = SelectField(_l("The family's language"), choices=language_choices())
    email = EmailField(_l("Email address"), validators=[Optional(), email_address()], filters=[tidy_text])
    phone = StringField(_l("Mobile phone number"), validators=[Optional(), phone_number], filters=[tidy_text])


class NoteForm(FlaskForm):
    """The coach's note about a week or its call."""

    week = SelectField(_l("Week"), validators=[InputRequired(message=_l("Choose the week."))])
    text = text_field(_l("Note"), required=True, max_length=MAX_NOTE_LENGTH, area=True)


class ExtendForm(FlaskForm):
    """More weeks before the programme ends."""

    weeks = number_field(_l("Weeks to add"), 1, MAX_EXTRA_WEEKS, 1)


class EndForm(FlaskForm):
    """End the programme: completed, or stopped early."""

    outcome = RadioField(
        _l("How did the programme end?"),
        choices=[SelectChoice("completed", _l("Completed")), SelectChoice("stopped", _l("Stopped early"))],
        validators=[InputRequired(message=_l("Choose how the programme ended."))],
    )


class CoachForm(FlaskForm):
    """Another coach for the family (choices set by the view)."""

    coach = SelectField(_l("Coach"), validators=[InputRequired(message=_l("Choose the coach."))])
