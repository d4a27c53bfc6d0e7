"""Form pieces shared by all blueprints."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email

from config import LANGUAGES
from core.i18n import LANGUAGE_NAMES


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for button-only POSTs (sign out, cancel, mark attended)."""


def email_address() -> Email:
    """The email address check of every form: an example in the message, and no DNS lookup (it may be offline)."""
    return Email(message=_l("Enter an email address like name@example.fi."), check_deliverability=False)


def language_choices(codes: tuple[str, ...] = LANGUAGES) -> list[SelectChoice]:
    """Language options, each named in its own language."""
    return [SelectChoice(code, LANGUAGE_NAMES[code]) for code in codes]
