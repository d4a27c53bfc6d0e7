"""Form pieces shared by all blueprints: fields, validators and filters more than one feature uses."""

import re
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from config import LANGUAGES
from core.i18n import LANGUAGE_NAMES
from core.phone import is_mobile
from core.timeutil import FIRST_DAY, LAST_DAY
from extensions import db


class KeyedMessageForm(FlaskForm):
    """A form sending one message (its ``body`` is the subclass's), stored once however often it is sent.

    ``client_key`` is new each time the form is shown, so a send repeated after a lost connection,
    a double click or the back button is recognised and stored once.
    """

    client_key = HiddenField(validators=[Length(max=40), Regexp(r"^[A-Za-z0-9_-]*$")])

    def fresh(self):
        """An empty box with a key of its own for the next message (after one was stored)."""
        self.client_key.data = secrets.token_urlsafe(16)
        self.body.data = ""
        return self


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for button-only POSTs (sign out, cancel, mark attended)."""


def email_address() -> Email:
    """The email address check of every form: an example in the message, and no DNS lookup (it may be offline)."""
    return Email(message=_l("Enter an email address like name@example.fi."), check_deliverability=False)


def language_choices(codes: tuple[str, ...] = LANGUAGES) -> list[SelectChoice]:
    """Language options, each named in its own language."""
    return [SelectChoice(code, LANGUAGE_NAMES[code]) for code in codes]


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
            raise ValueError(
                _l("Enter a date between %(first)d and %(last)d.", first=FIRST_DAY.year, last=LAST_DAY.year)
            )

    def _value(self) -> str:
        """The value of the date input: a date the input can hold, or empty (it cannot show "32.13.2026")."""
        value = super()._value()
        return value if ISO_DAY.fullmatch(value or "") else ""


class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def tidy_text(value: str | None) -> str:
    """A field's filter: missing text becomes empty text, surrounding spaces go, and line breaks are plain.

    Browsers send a text area's line breaks as CRLF; they are stored as LF.
    """
    return (value or "").replace("\r\n", "\n").strip()


def text_field(label, required: bool = False, max_length: int = 200, area: bool = False) -> StringField | TextAreaField:
    """A tidied text box (or text area), required or optional, at most ``max_length`` characters."""
    # DataRequired checks the tidied text, so a box of only spaces counts as empty.
    validators = [DataRequired(message=_l("Fill in this field."))] if required else [Optional()]
    validators.append(Length(max=max_length, message=_l("At most %(max)d characters.")))
    return (TextAreaField if area else StringField)(label, validators=validators, filters=[tidy_text])


def reachable(form, message) -> bool:
    """Whether a family's form gives an email address or a phone number; if not, ``message`` goes on the email field.

    The form has ``guardian_email`` and ``guardian_phone`` fields (booking and activity registration).
    """
    if (form.guardian_email.data or "").strip() or (form.guardian_phone.data or "").strip():
        return True
    return refuse_field(form.guardian_email, message)


def refuse_field(field, message) -> bool:
    """Put ``message`` on ``field`` and fail a form's validation (for checks across fields in ``validate``)."""
    field.errors = list(field.errors) + [message]
    return False


def sms_choice_fits(form) -> bool:
    """When a family asks for text messages (``sms_wanted``), ``guardian_phone`` must be a mobile number.

    Forms that offer the choice have ``sms_offered`` set by the view; without it the choice is dropped.
    """
    if not getattr(form, "sms_offered", False):
        form.sms_wanted.data = False
    if not form.sms_wanted.data or form.guardian_phone.errors or is_mobile(form.guardian_phone.data):
        return True
    message = (
        _l("Give your mobile phone number for the text messages.")
        if not (form.guardian_phone.data or "").strip()
        else _l("Text messages can only be sent to a mobile phone number.")
    )
    return refuse_field(form.guardian_phone, message)


class PageOrder:
    """A form mixin: the fields (and so the error summary) follow ``PAGE_ORDER``, the order of the page, where a
    form built from several classes would list a base class's fields first."""

    PAGE_ORDER: tuple[str, ...] = ()

    def __iter__(self):
        """The fields in the order the page shows them (others, such as the CSRF token, first)."""
        place = {name: index for index, name in enumerate(self.PAGE_ORDER)}
        return iter(sorted(self._fields.values(), key=lambda field: place.get(field.name, -1)))


SLUG = Regexp(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message=_l("Use lower-case letters a–z, digits and hyphens, e.g. gammelbacka.")
)


def slug_field() -> StringField:
    """The short name of a centre, service or chat channel in web addresses."""
    return StringField(
        _l("Short name in addresses"),
        validators=[InputRequired(message=_l("Fill in this field.")), SLUG, Length(max=80)],
        filters=[tidy_text],
    )


def number_field(label, low: int, high: int, default: int) -> IntegerField:
    """A required whole number from ``low`` to ``high``."""
    return IntegerField(
        label,
        default=default,
        validators=[
            InputRequired(message=_l("Enter a whole number.")),
            NumberRange(low, high, message=_l("Enter a number from %(min)s to %(max)s.")),
        ],
    )


class NamedAndDescribedForm(FlaskForm):
    """The short name, names and descriptions in three languages of something families choose (a service, a chat)."""

    slug = slug_field()
    name_sv = text_field(_l("Name in Swedish"), required=True)
    name_fi = text_field(_l("Name in Finnish"), required=True)
    name_en = text_field(_l("Name in English"))
    description_sv = text_field(_l("Description in Swedish"), max_length=2000, area=True)
    description_fi = text_field(_l("Description in Finnish"), max_length=2000, area=True)
    description_en = text_field(_l("Description in English"), max_length=2000, area=True)


def save_with_slug(model, form: FlaskForm, item, skip: tuple[str, ...] = ()):
    """Create or update ``item`` (a ``model`` with a unique ``slug``) from an administrator's form.

    Returns the saved row, added to the session but not committed; None (with the error on the
    slug field) when another row already uses the short name. Fields in ``skip`` are the caller's.
    """
    found = db.session.scalar(db.select(model).where(model.slug == form.slug.data))
    if found is not None and found is not item:
        form.slug.errors.append(_l("Another one already uses this short name."))
        return None
    target = item or model()
    for name, field in form._fields.items():
        if name != "csrf_token" and name not in skip:
            field.populate_obj(target, name)
    if item is None:
        db.session.add(target)
    return target
