"""Forms for signing in, the one-time code, changing the password and one's email settings."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Regexp

from core.forms import language_choices


class SignInForm(FlaskForm):
    """Email address and password: the first step of signing in."""

    email = EmailField(
        _l("Email address"),
        validators=[InputRequired(message=_l("Enter your email address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password.")), Length(max=256)],
    )


class CodeForm(FlaskForm):
    """The six-digit code from the authenticator app: the second step."""

    code = StringField(
        _l("Six-digit code"),
        validators=[
            InputRequired(message=_l("Enter the six-digit code from your authenticator app.")),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("The code has six digits, for example 123456.")),
        ],
    )


class PasswordChangeForm(FlaskForm):
    """Change one's own password; the new one is checked against the password rules in the view."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password."))],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[InputRequired(message=_l("Enter a new password.")), Length(max=256)],
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(message=_l("Enter the new password again.")),
            EqualTo("new_password", message=_l("The two new passwords are not the same.")),
        ],
    )


class EmailSettingsForm(FlaskForm):
    """Which emails a staff member gets from Famnen, and in which language (urgent flags always go)."""

    notify_new_answers = BooleanField(_l("Email me when a family sends answers to a questionnaire I sent"))
    email_language = RadioField(
        _l("Language of emails from Famnen"),
        choices=language_choices(),
        validators=[InputRequired(message=_l("Choose the language of emails from Famnen."))],
    )
