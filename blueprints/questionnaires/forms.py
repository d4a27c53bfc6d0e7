"""Forms of the professional's questionnaire pages: a child's case, inviting a family, sharing a case, notes."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import CheckboxesField, DayField, email_address, tidy_text
from core.personal_id import InvalidPersonalId

from .cases import birth_date_problem, checked_personal_id
from .models import RELATIONS, Child

NEW_CHILD = "new"
# What is wrong with a personal identity code, by InvalidPersonalId.reason; never the code itself.
PERSONAL_ID_MESSAGES = {
    "format": _l(
        "A personal identity code has six digits, a century sign, three digits and a check character, for example "
        "131052-308T."
    ),
    "date": _l("The first six digits of the personal identity code are not a date."),
    "individual number": _l("The individual number (the three digits after the century sign) is not valid."),
    "control character": _l("The check character does not match: check the personal identity code for a typing error."),
    "birth date": _l("The personal identity code is of another date of birth than the one entered."),
    "in use": _l("Another child's case already has this personal identity code."),
}
NAME_LENGTH = Length(max=100, message=_l("The name is too long."))


class ChildFields(FlaskForm):
    """The child's name, date of birth and personal identity code, and their checks, shared by the forms.

    ``check_child`` adds every error at once; the checked code is left in ``personal_id_code``.
    The code field is removed when the installation does not keep codes (PERSONAL_ID off).
    """

    first_name = StringField(_l("Child's first name"), validators=[Optional(), NAME_LENGTH], filters=[tidy_text])
    surname = StringField(_l("Child's surname"), validators=[Optional(), NAME_LENGTH], filters=[tidy_text])
    date_of_birth = DayField(_l("Child's date of birth"), validators=[Optional()])
    personal_id = StringField(
        _l("Personal identity code"),
        validators=[Optional(), Length(max=40, message=_l("The personal identity code is too long."))],
        filters=[tidy_text],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not current_app.config["PERSONAL_ID"]:
            del self["personal_id"]
        self.personal_id_code: str | None = None

    def check_child(self, child: Child | None = None) -> bool:
        """Check the child's fields beyond their single-field validators; False when any is wrong."""
        valid = True
        for name_field, message in (
            (self.first_name, _l("Enter the child's first name.")),
            (self.surname, _l("Enter the child's surname.")),
        ):
            if not (name_field.data or "").strip() and not name_field.errors:
                name_field.errors = [*name_field.errors, message]
                valid = False
        born = self.date_of_birth.data
        if born is None:
            self.date_of_birth.errors = [_l("Enter the child's date of birth, for example 3.12.2022.")]
            valid = False
        elif birth_date_problem(born, date.today()):
            self.date_of_birth.errors = [_l("The date of birth must be in the past and under 18 years ago.")]
            valid = False
        if "personal_id" in self and not self.personal_id.errors and born is not None:
            try:
                self.personal_id_code = checked_personal_id(self.personal_id.data or "", born, child)
            except InvalidPersonalId as problem:
                self.personal_id.errors = [PERSONAL_ID_MESSAGES[problem.reason]]
                valid = False
        return valid and not any(self[name].errors for name in ("first_name", "surname", "date_of_birth"))


def relation_choices() -> list[SelectChoice]:
    """The relations a guardian may have to the child, in the reader's language."""
    return [SelectChoice(key, str(label)) for key, label in RELATIONS.items()]


class GuardianForm(Form):
    """One guardian row of the case form; an empty row is left out."""

    guardian_id = HiddenField()
    name = StringField(
        _l("Guardian's name"), validators=[Optional(), Length(max=200, message=_l("The name is too long."))]
    )
    relation = SelectField(_l("Relation to the child"), choices=relation_choices, validators=[Optional()])
    email = EmailField(
        _l("Email address"),
        validators=[Optional(), Length(max=254, message=_l("The email address is too long.")), email_address()],
        filters=[tidy_text],
    )
    phone = StringField(
        _l("Phone number"), validators=[Optional(), Length(max=40, message=_l("The phone number is too long."))]
    )

    @property
    def empty(self) -> bool:
        """Nothing typed in the row."""
        return not any((self[name].data or "").strip() for name in ("name", "email", "phone"))


class ChildCaseForm(ChildFields):
    """A child's case: the child, the guardians typed, and a guardian of a sibling's case to link."""

    guardians = FieldList(FormField(GuardianForm), min_entries=2, max_entries=8)
    known_guardian = SelectField(_l("A guardian already in a sibling's case"), validators=[Optional()])
    known_relation = SelectField(_l("Their relation to this child"), choices=relation_choices, validators=[Optional()])
    remove_personal_id = BooleanField(_l("Remove the stored personal identity code"))

    def validate(self, extra_validators=None) -> bool:
        """Every field checked and every error reported at once."""
        valid = super().validate(extra_validators)
        valid = self.check_child(getattr(self, "case", None)) and valid
        for row in self.guardians:
            if not row.empty and not (row.form.name.data or "").strip():
                row.form.name.errors = [*row.form.name.errors, _l("Enter the guardian's name.")]
                valid = False
        return valid


class InviteForm(ChildFields):
    """Whom to ask, which questionnaires, in which language, and how to send the link."""

    child = RadioField(_l("Child"), validators=[InputRequired(message=_l("Choose the child or add a new one."))])
    instruments = CheckboxesField(
        _l("Questionnaires"), validators=[InputRequired(message=_l("Choose at least one questionnaire."))]
    )
    language = RadioField(
        _l("Language of the questionnaires"), validators=[InputRequired(message=_l("Choose the language."))]
    )
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
        filters=[tidy_text],
    )

    def validate(self, extra_validators=None) -> bool:
        """A new child needs a name, surname and date of birth (in the past, under 18 years ago); a code is checked."""
        valid = super().validate(extra_validators)
        if self.child.data != NEW_CHILD:
            return valid
        return self.check_child() and valid


class ShareForm(FlaskForm):
    """Let a colleague read the child's answers too."""

    colleague = SelectField(_l("Colleague"), validators=[InputRequired(message=_l("Choose a colleague."))])


class NotesForm(FlaskForm):
    """The professional's notes on a response."""

    notes = TextAreaField(
        _l("Notes"),
        validators=[Optional(), Length(max=5000, message=_l("At most %(max)d characters."))],
        filters=[tidy_text],
    )


class EmailLinkForm(FlaskForm):
    """Send (or send again) the family's link by email."""

    email = EmailField(
        _l("Email address"),
        validators=[
            InputRequired(message=_l("Enter the family's email address.")),
            email_address(),
        ],
        filters=[tidy_text],
    )
