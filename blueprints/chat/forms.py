"""Forms of the chat: starting a conversation, writing a message, and an administrator's channel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, TimeField, ValidationError
from wtforms.validators import InputRequired, Optional

from core.forms import (
    CheckboxesField,
    KeyedMessageForm,
    NamedAndDescribedForm,
    email_address,
    language_choices,
    number_field,
    refuse_field,
    text_field,
    tidy_text,
)

from .conversations import MAX_MESSAGE_LENGTH

MAX_NICKNAME = 40
MAX_TOPIC = 300


class StartForm(FlaskForm):
    """A family joins a channel's queue: a first name or nickname, a language and what they want to ask."""

    nickname = text_field(_l("First name or nickname"), required=True, max_length=MAX_NICKNAME)
    language = SelectField(_l("Language of the chat"), validators=[InputRequired()])
    topic = text_field(_l("What would you like to ask?"), required=True, max_length=MAX_TOPIC, area=True)

    def offer_languages(self, codes: tuple[str, ...], preferred: str) -> None:
        """Offer the channel's languages, the page's own first when it is one of them."""
        self.language.choices = language_choices(codes)
        if not self.is_submitted():
            self.language.data = preferred if preferred in codes else codes[0]


class MessageForm(KeyedMessageForm):
    """One chat message."""

    body = text_field(_l("Message"), required=True, max_length=MAX_MESSAGE_LENGTH, area=True)


class TranscriptEmailForm(FlaskForm):
    """Where to email the link to download the conversation."""

    email = EmailField(
        _l("Email address"),
        validators=[InputRequired(message=_l("Enter an email address like name@example.fi.")), email_address()],
        filters=[tidy_text],
    )


class TransferForm(FlaskForm):
    """Passing a chat to a colleague of the channel, with a note for them."""

    colleague = SelectField(_l("Colleague"), validators=[InputRequired(message=_l("Choose a colleague."))])
    note = text_field(_l("Note to your colleague (the family does not see it)"), max_length=500, area=True)


class ChannelForm(NamedAndDescribedForm):
    """An administrator's chat channel: names, who answers, the languages, limits and weekly opening hours.

    The hours are one span per weekday (``opens_0``/``closes_0`` for Monday …); a day left empty is closed.
    Public holidays are closed whatever the week says.
    """

    professionals = CheckboxesField(_l("Who answers the chat"), validators=[Optional()])
    services = CheckboxesField(_l("Services behind the chat"), validators=[Optional()])
    languages = CheckboxesField(_l("Languages offered"))
    max_per_professional = number_field(_l("Chats one professional holds at once, at most"), 1, 10, 3)
    max_queue = number_field(_l("Families in the queue, at most"), 1, 100, 10)
    answer_days = number_field(_l("Written messages are answered within (working days)"), 1, 15, 2)
    active = BooleanField(_l("In use"), default=True)

    def validate_languages(self, field) -> None:
        """At least one language."""
        if not field.data:
            raise ValidationError(_l("Choose at least one language."))

    def days(self) -> list[tuple[int, TimeField, TimeField]]:
        """(weekday, opens, closes) for Monday to Sunday."""
        return [(day, self[f"opens_{day}"], self[f"closes_{day}"]) for day in range(7)]

    def validate(self, extra_validators=None) -> bool:
        """Also: a day given one time needs the other, and closes after it opens; some day is open."""
        valid = super().validate(extra_validators)
        for _day, opens, closes in self.days():
            if bool(opens.data) != bool(closes.data) and not (opens.errors or closes.errors):
                empty = closes if opens.data else opens
                valid = refuse_field(empty, _l("Give both times, or neither for a closed day.")) and valid
            elif opens.data and closes.data and closes.data <= opens.data:
                valid = refuse_field(closes, _l("The end must be after the start.")) and valid
        if valid and not any(opens.data for _day, opens, _closes in self.days()):
            valid = refuse_field(self.opens_0, _l("Open the chat on at least one day."))
        return valid


for _weekday in range(7):
    setattr(ChannelForm, f"opens_{_weekday}", TimeField(_l("Opens"), validators=[Optional()]))
    setattr(ChannelForm, f"closes_{_weekday}", TimeField(_l("Closes"), validators=[Optional()]))
