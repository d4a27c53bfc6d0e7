"""The Today page's form: acknowledging an urgent flag, with an optional note."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from core.forms import tidy_text

from .models import NOTE_MAX_LENGTH


class AcknowledgeForm(FlaskForm):
    """ "I have acted on this": the note says what was done, for colleagues (optional)."""

    note = StringField(
        _l("What was done (optional)"),
        validators=[Optional(), Length(max=NOTE_MAX_LENGTH, message=_l("At most %(max)d characters."))],
        filters=[tidy_text],
    )
