"""Forms for administering family centres and the services they offer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import Length, Optional, Regexp, ValidationError

from core.forms import (
    CheckboxesField,
    NamedAndDescribedForm,
    email_address,
    number_field,
    slug_field,
    text_field,
    tidy_text,
)


class CentreForm(FlaskForm):
    """A family centre's names, address and information for visitors."""

    slug = slug_field()
    name_sv = text_field(_l("Name in Swedish"), required=True)
    name_fi = text_field(_l("Name in Finnish"), required=True)
    name_en = text_field(_l("Name in English"))
    street_address = text_field(_l("Street address"))
    postal_code = StringField(
        _l("Postal code"),
        validators=[Optional(), Regexp(r"^\d{5}$", message=_l("A postal code has five digits."))],
        filters=[tidy_text],
    )
    city_sv = text_field(_l("Town in Swedish"), max_length=100)
    city_fi = text_field(_l("Town in Finnish"), max_length=100)
    city_en = text_field(_l("Town in English"), max_length=100)
    phone = text_field(_l("Phone"), max_length=40)
    email = EmailField(_l("Email address"), validators=[Optional(), email_address()], filters=[tidy_text])
    team_email = EmailField(
        _l("Team address for urgent flags"),
        validators=[Optional(), email_address(), Length(max=254)],
        filters=[tidy_text],
    )
    directions_sv = text_field(_l("Directions in Swedish"), max_length=2000, area=True)
    directions_fi = text_field(_l("Directions in Finnish"), max_length=2000, area=True)
    directions_en = text_field(_l("Directions in English"), max_length=2000, area=True)
    accessibility_sv = text_field(_l("Accessibility in Swedish"), max_length=2000, area=True)
    accessibility_fi = text_field(_l("Accessibility in Finnish"), max_length=2000, area=True)
    accessibility_en = text_field(_l("Accessibility in English"), max_length=2000, area=True)
    active = BooleanField(_l("Shown to families"), default=True)


class ServiceForm(NamedAndDescribedForm):
    """A service's names and the rules for booking it."""

    in_person = BooleanField(_l("At the family centre"), default=True)
    by_phone = BooleanField(_l("By phone"))
    by_video = BooleanField(_l("By video"))
    duration_minutes = number_field(_l("Length of an appointment (minutes)"), 5, 480, 45)
    buffer_before_minutes = number_field(_l("Free time before (minutes)"), 0, 120, 0)
    buffer_after_minutes = number_field(_l("Free time after (minutes)"), 0, 120, 0)
    slot_interval_minutes = number_field(_l("Times start every (minutes)"), 5, 240, 15)
    min_notice_hours = number_field(_l("Bookable at the earliest (hours ahead)"), 0, 720, 12)
    max_days_ahead = number_field(_l("Bookable at the latest (days ahead)"), 1, 365, 60)
    cancellation_deadline_hours = number_field(_l("Families can cancel until (hours before)"), 0, 720, 24)
    reserved = BooleanField(_l("Not listed for families (booked by staff or through an offer)"))
    active = BooleanField(_l("In use"), default=True)
    professionals = CheckboxesField(_l("Who gives the service"), validators=[Optional()])

    def validate_in_person(self, field) -> None:
        """At least one way of giving the service."""
        if not (self.in_person.data or self.by_phone.data or self.by_video.data):
            raise ValidationError(_l("Choose at least one way the service is given."))
