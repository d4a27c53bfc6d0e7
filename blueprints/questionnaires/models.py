"""Stored instrument versions, and questionnaires in use: children, visits, responses, answers.

A version is written once and never changed, so a response answered on it can
always be scored again exactly as it was.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from flask_babel import gettext, lazy_gettext
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime
from core.i18n import short_date
from core.personal_id import PersonalId
from core.timeutil import utcnow
from extensions import db

from ..auth.models import User


class InstrumentVersion(db.Model):
    """One version of an instrument or package, as imported with ``flask questionnaires import``."""

    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("instrument_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    # The definition's canonical text (definition.canonical_text), included instruments embedded.
    definition_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Child(db.Model):
    """A child whose family answers questionnaires: the client, whose data is protected.

    First name, surname and date of birth let the professional recognise the child and tell
    two children of the same name apart; the personal identity code (optional, and switched off
    by ``PERSONAL_ID = False``) is stored canonical and only ever shown masked.
    Cases opened before surnames were kept have an empty surname.
    """

    __tablename__ = "child"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100), default="", server_default="")
    date_of_birth: Mapped[date]
    # The canonical code (core.personal_id), unique: one child, one case. Never in a URL, log or file name.
    personal_id: Mapped[str | None] = mapped_column(String(11), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[CaseMember]] = relationship(
        back_populates="child", cascade="all, delete-orphan", lazy="selectin"
    )
    guardianships: Mapped[list[Guardianship]] = relationship(
        back_populates="child", cascade="all, delete-orphan", lazy="selectin", order_by="Guardianship.position"
    )

    @property
    def display_name(self) -> str:
        """First name and surname, as the child is called on pages ("Ville Virtanen")."""
        return f"{self.first_name} {self.surname}".strip()

    @property
    def label(self) -> str:
        """The name with the date of birth, in the reader's language: what pick lists and PDFs show.

        Two children with the same name are told apart by the date of birth.
        """
        return gettext("%(name)s (b. %(date)s)", name=self.display_name, date=short_date(self.date_of_birth))

    @property
    def masked_personal_id(self) -> str:
        """The personal identity code as it may be shown (131052-****), or "" when none is stored."""
        return PersonalId(self.personal_id, self.date_of_birth).masked if self.personal_id else ""


class CaseMember(db.Model):
    """A professional who takes care of the child's matter and may read the family's answers."""

    __tablename__ = "case_member"

    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who shared the case; None for the professional who opened it.
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    child: Mapped[Child] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id], lazy="joined")


# How a guardian is related to the child; the keys are stored.
RELATIONS = {
    "mother": lazy_gettext("Mother"),
    "father": lazy_gettext("Father"),
    "parent": lazy_gettext("Parent"),
    "guardian": lazy_gettext("Other guardian"),
    "foster": lazy_gettext("Foster parent"),
}


class Guardian(db.Model):
    """A parent or other guardian: whom to contact about the child. One guardian may have several children."""

    __tablename__ = "guardian"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    guardianships: Mapped[list[Guardianship]] = relationship(back_populates="guardian", cascade="all, delete-orphan")


class Guardianship(db.Model):
    """A guardian linked to a child, with how they are related ("mother", "father", ...; see RELATIONS)."""

    __tablename__ = "child_guardian"

    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), primary_key=True)
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardian.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    relation: Mapped[str] = mapped_column(String(20))
    # The order the professional entered them in, for a stable list.
    position: Mapped[int] = mapped_column(default=1)

    @property
    def relation_label(self) -> str:
        """The relation in the reader's language."""
        return str(RELATIONS.get(self.relation, self.relation))

    child: Mapped[Child] = relationship(back_populates="guardianships")
    guardian: Mapped[Guardian] = relationship(back_populates="guardianships", lazy="joined")


class Visit(db.Model):
    """One link for the family: the questionnaires a professional asks them to fill in before a visit."""

    __tablename__ = "questionnaire_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the link was emailed, if it was; kept to resend it.
    email: Mapped[str] = mapped_column(String(254), default="")
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship(lazy="joined")
    professional: Mapped[User] = relationship(lazy="joined")
    responses: Mapped[list[Response]] = relationship(
        back_populates="visit", order_by="Response.position", lazy="selectin", cascade="all, delete-orphan"
    )


class Response(db.Model):
    """One questionnaire answered (or being answered) on a pinned version of its instrument.

    Invited responses belong to a visit; self-service ones (public instruments)
    have no visit and no child.
    """

    __tablename__ = "questionnaire_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_visit.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=1)
    instrument_id: Mapped[str] = mapped_column(String(80))
    instrument_version: Mapped[int]
    language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The child's age in whole months when the answers were sent (age-specific bands).
    age_months: Mapped[int | None]
    # The scored summary at sending (scoring.Result.summary()), for lists; pages score again.
    result_json: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notes_updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    # The parent's answer to an offer: "" (none made or not answered), "declined" or "booked".
    offer_status: Mapped[str] = mapped_column(String(20), default="")
    offer_appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id", ondelete="SET NULL"))
    # The review sign-off: a professional has gone through the result. The first one stands; the
    # name is kept as written, so closing the account later does not blank who reviewed it.
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    reviewed_by_name: Mapped[str] = mapped_column(String(200), default="")

    visit: Mapped[Visit | None] = relationship(back_populates="responses")
    answers: Mapped[list[ResponseAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", lazy="selectin"
    )
    notes_updated_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[notes_updated_by_id])
    # The coach call booked through the offer (booking's model, found by name in the registry).
    offer_appointment: Mapped[Appointment | None] = relationship(  # noqa: F821
        "Appointment", foreign_keys=[offer_appointment_id], lazy="selectin"
    )

    @property
    def answer_values(self) -> dict[str, Any]:
        """The saved answers, item id to value, as the scoring expects them."""
        return {answer.item_id: json.loads(answer.value_json) for answer in self.answers}

    @property
    def result_summary(self) -> dict[str, Any]:
        """The summary stored at sending, or an empty dict before that."""
        return json.loads(self.result_json) if self.result_json else {}


class ResponseAnswer(db.Model):
    """One saved answer. One row per item, so two tabs saving different items never overwrite each other."""

    __tablename__ = "questionnaire_answer"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaire_response.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    value_json: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")


class InstrumentSetting(db.Model):
    """How the family centre uses an instrument: whether anyone may take it anonymously on the site."""

    __tablename__ = "instrument_setting"

    instrument_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    public: Mapped[bool] = mapped_column(default=False)
