"""Forms of the chat: starting a conversation and writing a message."""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import InputRequired, Length, Regexp

from core.forms import language_choices, text_field

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


class MessageForm(FlaskForm):
    """One message. ``client_key`` is new each time the form is shown, so a send repeated after a lost
    connection is recognised and stored once."""

    body = text_field(_l("Message"), required=True, max_length=MAX_MESSAGE_LENGTH, area=True)
    client_key = HiddenField(validators=[Length(max=40), Regexp(r"^[A-Za-z0-9_-]*$")])

    def fresh(self) -> MessageForm:
        """Give the next send a key of its own (after a message was stored)."""
        self.client_key.data = secrets.token_urlsafe(16)
        self.body.data = ""
        return self
