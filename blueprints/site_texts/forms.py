"""The editor of a site text: one text area per language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from core.forms import tidy_text

from . import markup

MAX_LENGTH = 20_000


def _body(label, required_message=None):
    # DataRequired looks at the text after tidying, so a text of only spaces counts as empty.
    first = DataRequired(message=required_message) if required_message else Optional()
    return TextAreaField(
        label,
        validators=[first, Length(max=MAX_LENGTH, message=_l("At most %(max)d characters.")), markup.allowed_links],
        filters=[tidy_text],
    )


class SiteTextForm(FlaskForm):
    """The text of a document in Swedish, Finnish and (optionally) English."""

    body_sv = _body(_l("Text in Swedish"), _l("Write the text in Swedish."))
    body_fi = _body(_l("Text in Finnish"), _l("Write the text in Finnish."))
    body_en = _body(_l("Text in English"))
    # The saved version the editor started from (empty: the built-in text).
    version = HiddenField()
