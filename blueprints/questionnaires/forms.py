"""Forms of the professional's questionnaire pages: inviting a family, sharing a case, notes."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import CheckboxesField, DayField, email_address

NEW_CHILD = "new"


class InviteForm(FlaskForm):
    """Whom to ask, which questionnaires, in which language, and how to send the link."""

    child = RadioField(_l("Child"), validators=[InputRequired(message=_l("Choose the child or add a new one."))])
    first_name = StringField(_l("Child's first name"), validators=[Optional(), Length(max=100, message=_l("The name is too long."))])
    date_of_birth = DayField(_l("Child's date of birth"), validators=[Optional()])
    instruments = CheckboxesField(_l("Questionnaires"), validators=[InputRequired(message=_l("Choose at least one questionnaire."))])
    language = RadioField(_l("Language of the questionnaires"), validators=[InputRequired(message=_l("Choose the language."))])
    valid_days = IntegerField(
        _l("The link works for (days)"),
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(1, 90, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )
    email = EmailField(
        _l("Send the link to this email address"),
        validators=[Optional(), email_address()],
    )

    def validate(self, extra_validators=None) -> bool:
        """A new child needs a first name and a date of birth, in the past and under 18 years ago."""
        valid = super().validate(extra_validators)
        if self.child.data != NEW_CHILD:
            return valid
        if not (self.first_name.data or "").strip():
            self.first_name.errors = [*self.first_name.errors, _l("Enter the child's first name.")]
            valid = False
        born = self.date_of_birth.data
        today = date.today()
        if born is None:
            self.date_of_birth.errors = [_l("Enter the child's date of birth, for example 3.12.2022.")]
            valid = False
        elif born > today or born < date(today.year - 18, today.month, 1):
            self.date_of_birth.errors = [_l("The date of birth must be in the past and under 18 years ago.")]
            valid = False
        return valid


class ShareForm(FlaskForm):
    """Let a colleague read the child's answers too."""

    colleague = SelectField(_l("Colleague"), validators=[InputRequired(message=_l("Choose a colleague."))])


class NotesForm(FlaskForm):
    """The professional's notes on a response."""

    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000, message=_l("At most %(max)d characters."))])


class EmailLinkForm(FlaskForm):
    """Send (or send again) the family's link by email."""

    email = EmailField(
        _l("Email address"),
        validators=[
            InputRequired(message=_l("Enter the family's email address.")),
            email_address(),
        ],
    )
