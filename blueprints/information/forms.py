"""The administrator's article form: texts in three languages (English optional), topic, audiences and ages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import CheckboxesField, refuse_field, slug_field, text_field, tidy_text

from ..site_texts import markup
from .topics import AUDIENCES, OLDEST, TOPICS, YOUNGEST

MAX_BODY = 20_000
MAX_SUMMARY = 400


def _body(label, required_message=None) -> TextAreaField:
    # DataRequired looks at the text after tidying, so a text of only spaces counts as empty.
    first = DataRequired(message=required_message) if required_message else Optional()
    return TextAreaField(
        label,
        validators=[first, Length(max=MAX_BODY, message=_l("At most %(max)d characters.")), markup.allowed_links],
        filters=[tidy_text],
    )


def _age(label) -> IntegerField:
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(YOUNGEST, OLDEST, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


class ArticleForm(FlaskForm):
    """An information article. Swedish and Finnish are required; English may be left out as a whole."""

    slug = slug_field()
    topic = SelectField(
        _l("Topic"),
        choices=[SelectChoice(code, name) for code, name in TOPICS.items()],
        validators=[InputRequired(message=_l("Choose a topic."))],
    )
    audiences = CheckboxesField(
        _l("Written for"),
        choices=[SelectChoice(code, name) for code, name in AUDIENCES.items()],
    )
    age_from = _age(_l("Children's age from (years)"))
    age_to = _age(_l("Children's age to (years)"))
    title_sv = text_field(_l("Title in Swedish"), required=True)
    summary_sv = text_field(_l("Summary in Swedish"), max_length=MAX_SUMMARY, area=True)
    body_sv = _body(_l("Text in Swedish"), _l("Write the text in Swedish."))
    title_fi = text_field(_l("Title in Finnish"), required=True)
    summary_fi = text_field(_l("Summary in Finnish"), max_length=MAX_SUMMARY, area=True)
    body_fi = _body(_l("Text in Finnish"), _l("Write the text in Finnish."))
    title_en = text_field(_l("Title in English"))
    summary_en = text_field(_l("Summary in English"), max_length=MAX_SUMMARY, area=True)
    body_en = _body(_l("Text in English"))

    def validate_audiences(self, field) -> None:
        """At least one audience."""
        if not field.data:
            raise ValidationError(_l("Choose at least one group the article is written for."))

    def validate(self, extra_validators=None) -> bool:
        """Also: the ages in order, and an English title and text together or neither."""
        valid = super().validate(extra_validators)
        low, high = self.age_from.data, self.age_to.data
        if low is not None and high is not None and low > high and not (self.age_from.errors or self.age_to.errors):
            valid = refuse_field(self.age_to, _l("The upper age cannot be below the lower age.")) and valid
        english = (self.title_en.data, self.summary_en.data, self.body_en.data)
        if any(english) and not self.title_en.data and not self.title_en.errors:
            valid = refuse_field(self.title_en, _l("Give the English title too, or leave all English empty.")) and valid
        if any(english) and not self.body_en.data and not self.body_en.errors:
            valid = refuse_field(self.body_en, _l("Write the English text too, or leave all English empty.")) and valid
        return valid
