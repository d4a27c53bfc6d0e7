"""Form pieces shared by all blueprints."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email

from config import LANGUAGES
from core.i18n import LANGUAGE_NAMES
from core.timeutil import FIRST_DAY, LAST_DAY


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for button-only POSTs (sign out, cancel, mark attended)."""


def email_address() -> Email:
    """The email address check of every form: an example in the message, and no DNS lookup (it may be offline)."""
    return Email(message=_l("Enter an email address like name@example.fi."), check_deliverability=False)


def language_choices(codes: tuple[str, ...] = LANGUAGES) -> list[SelectChoice]:
    """Language options, each named in its own language."""
    return [SelectChoice(code, LANGUAGE_NAMES[code]) for code in codes]


class DayField(DateField):
    """A date input limited to FIRST_DAY..LAST_DAY, the days ``core.timeutil.parse_day`` accepts.

    A year like 9999 is a typing slip, and date arithmetic on it would overflow;
    the form says so instead.
    """

    def process_formdata(self, valuelist):
        """Parse the date, then refuse one outside the range with a translated message."""
        super().process_formdata(valuelist)
        if self.data is not None and not FIRST_DAY <= self.data <= LAST_DAY:
            self.data = None
            raise ValueError(_l("Enter a date between %(first)d and %(last)d.", first=FIRST_DAY.year, last=LAST_DAY.year))
