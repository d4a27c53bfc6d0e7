"""Forms of message threads: the family's first message and later ones, and a professional's answer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from core.forms import KeyedMessageForm, email_address, reachable, refuse_field, sms_choice_fits, text_field, tidy_text
from core.phone import is_mobile, phone_number

from .threads import MAX_MESSAGE_LENGTH


class ReplyForm(KeyedMessageForm):
    """One message in a thread, by the family or by a professional."""

    body = text_field(_l("Message"), required=True, max_length=MAX_MESSAGE_LENGTH, area=True)


class DraftForm(FlaskForm):
    """A professional's unsent answer; empty is allowed (it removes the draft)."""

    body = text_field(_l("Message"), max_length=MAX_MESSAGE_LENGTH, area=True)


class NewThreadForm(ReplyForm):
    """A family's first message: who they are, how to tell them an answer awaits, and what they ask."""

    guardian_name = StringField(
        _l("Your name"),
        validators=[InputRequired(message=_l("Enter your name.")), Length(max=200)],
        filters=[tidy_text],
    )
    guardian_email = EmailField(_l("Email address"), validators=[Optional(), email_address(), Length(max=254)])
    guardian_phone = StringField(_l("Mobile phone number"), validators=[Optional(), phone_number])
    sms_wanted = BooleanField(_l("Tell me by text message when an answer awaits"))
    language = SelectField(_l("Language of the answer"), validators=[InputRequired()])
    subject = text_field(_l("Subject"), required=True, max_length=200)

    # Set by the view: whether text messages can be sent.
    sms_offered: bool = False

    def validate(self, extra_validators=None) -> bool:
        """Also require a way to tell the family that an answer awaits: an email address, or a mobile number
        when text messages can be sent (a mobile number without an email address then gets them)."""
        valid = super().validate(extra_validators)
        email = (self.guardian_email.data or "").strip()
        if self.sms_offered and not email and is_mobile(self.guardian_phone.data):
            self.sms_wanted.data = True
        if self.sms_offered:
            told = reachable(
                self, _l("Give an email address or a mobile phone number, so we can tell you when we have answered.")
            )
        else:
            told = bool(email) or refuse_field(
                self.guardian_email, _l("Give an email address, so we can tell you when we have answered.")
            )
        return sms_choice_fits(self) and valid and told
