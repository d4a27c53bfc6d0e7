"""Forms of the chat: starting a conversation and writing a message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired

from core.forms import KeyedMessageForm, language_choices, text_field

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
