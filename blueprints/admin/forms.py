"""Forms for managing staff accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from core.access import ROLE_LABELS
from core.forms import CheckboxesField, email_address, tidy_text


class StaffForm(FlaskForm):
    """Name, email address and roles of a staff member."""

    name = StringField(
        _l("Name"),
        validators=[InputRequired(message=_l("Enter the person's name.")), Length(max=200)],
        filters=[tidy_text],
    )
    email = EmailField(
        _l("Email address"),
        validators=[
            InputRequired(message=_l("Enter the person's work email address.")),
            email_address(),
            Length(max=254),
        ],
        filters=[tidy_text],
    )
    roles = CheckboxesField(
        _l("Roles"),
        choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message=_l("Choose at least one role."))],
    )
    centres = CheckboxesField(_l("Family centres"), validators=[Optional()])
    active = BooleanField(_l("The account is in use"), default=True)


class NewStaffForm(StaffForm):
    """A new staff member also gets a first password, which they must change."""

    password = PasswordField(
        _l("First password"),
        validators=[InputRequired(message=_l("Enter a first password for the person.")), Length(max=256)],
    )


class TemporaryPasswordForm(FlaskForm):
    """A new password chosen by an administrator for someone who forgot theirs."""

    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Enter a new password.")), Length(max=256)],
    )
