"""Form pieces shared by all blueprints."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import Email


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for button-only POSTs (sign out, cancel, mark attended)."""


def email_address() -> Email:
    """The email address check of every form: an example in the message, and no DNS lookup (it may be offline)."""
    return Email(message=_l("Enter an email address like name@example.fi."), check_deliverability=False)
