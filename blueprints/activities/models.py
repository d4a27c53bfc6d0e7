"""Group activities, their dates, the families registered for them and messages sent to those families."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime, value_enum
from core.timeutil import utcnow
from extensions import db

from ..auth.models import User
from ..organisation.models import Centre


class ActivityKind(enum.StrEnum):
    """What sort of activity it is; families filter by it."""

    FAMILY_CAFE = "family_cafe"
    PARENT_GROUP = "parent_group"
    BABY_GROUP = "baby_group"
    PARK = "park"
    CLUB = "club"
    VIRTUAL = "virtual"
    OTHER = "other"


KIND_LABELS = {
    ActivityKind.FAMILY_CAFE: _l("Family café"),
    ActivityKind.PARENT_GROUP: _l("Parent group"),
    ActivityKind.BABY_GROUP: _l("Baby group"),
    ActivityKind.PARK: _l("Park activity"),
    ActivityKind.CLUB: _l("Children's club"),
    ActivityKind.VIRTUAL: _l("Virtual meeting"),
    ActivityKind.OTHER: _l("Other activity"),
}


class OrganiserKind(enum.StrEnum):
    """Who arranges the activity: the municipality itself or a partner."""

    MUNICIPALITY = "municipality"
    ASSOCIATION = "association"
    PARISH = "parish"
    OTHER = "other"


ORGANISER_LABELS = {
    OrganiserKind.MUNICIPALITY: _l("The municipality"),
    OrganiserKind.ASSOCIATION: _l("An association"),
    OrganiserKind.PARISH: _l("A parish"),
    OrganiserKind.OTHER: _l("Another partner"),
}


class AgeGroup(enum.StrEnum):
    """Whom the activity is meant for."""

    ALL = "all"
    EXPECTING = "expecting"
    BABIES = "babies"
    TODDLERS = "toddlers"
    PRESCHOOL = "preschool"
    SCHOOL = "school"


AGE_GROUP_LABELS = {
    AgeGroup.ALL: _l("Families with children of all ages"),
    AgeGroup.EXPECTING: _l("Expecting families"),
    AgeGroup.BABIES: _l("Babies under 1 year"),
    AgeGroup.TODDLERS: _l("Children aged 1–3"),
    AgeGroup.PRESCHOOL: _l("Children aged 3–6"),
    AgeGroup.SCHOOL: _l("School-age children"),
}


class RegistrationStatus(enum.StrEnum):
    """Where a registration stands."""

    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class Attendance(enum.StrEnum):
    """What staff marked after the date: the family came, or did not."""

    ATTENDED = "attended"
    NO_SHOW = "no_show"


# Professionals who lead an activity; they manage its dates and see its participants.
activity_leader = Table(
    "activity_leader",
    db.metadata,
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
)


class Activity(db.Model):
    """A group activity, usually a series of dates over a term (e.g. the family café on Tuesdays)."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("registration_closes_hours >= 0", name="closes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_sv: Mapped[str] = mapped_column(String(200))
    title_fi: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_fi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[ActivityKind] = mapped_column(value_enum(ActivityKind))
    organiser_kind: Mapped[OrganiserKind] = mapped_column(value_enum(OrganiserKind), default=OrganiserKind.MUNICIPALITY)
    # The partner's own name (e.g. "Demostadens familjeförening rf"); empty for the municipality.
    organiser_name: Mapped[str] = mapped_column(String(200), default="")
    # The family centre responsible; its reception manages the activity. None for activities run elsewhere.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id", ondelete="SET NULL"), index=True)
    # Where exactly: a room at the centre, a park, a library. Empty means "at the centre".
    place_sv: Mapped[str] = mapped_column(String(300), default="")
    place_fi: Mapped[str] = mapped_column(String(300), default="")
    place_en: Mapped[str] = mapped_column(String(300), default="")
    # The online meeting room of a virtual activity.
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    # The languages spoken, e.g. "sv fi".
    languages: Mapped[str] = mapped_column(String(20), default="sv fi")
    age_group: Mapped[AgeGroup] = mapped_column(value_enum(AgeGroup), default=AgeGroup.ALL)
    # Drop-in activities (False) are listed but take no registrations.
    registration_required: Mapped[bool] = mapped_column(default=False)
    # Places per date, counting adults and children; None means no limit.
    capacity: Mapped[int | None]
    waiting_list: Mapped[bool] = mapped_column(default=True)
    # Registration for a date closes this many hours before it starts.
    registration_closes_hours: Mapped[int] = mapped_column(default=0)
    published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    centre: Mapped[Centre | None] = relationship(lazy="joined")
    leaders: Mapped[list[User]] = relationship(secondary=activity_leader, lazy="selectin", order_by="User.name")
    dates: Mapped[list[ActivityDate]] = relationship(
        back_populates="activity", order_by="ActivityDate.starts_at", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def language_codes(self) -> tuple[str, ...]:
        """The languages spoken, as codes."""
        return tuple(self.languages.split())

    @property
    def is_virtual(self) -> bool:
        """Whether the activity is held online."""
        return self.kind == ActivityKind.VIRTUAL


class ActivityDate(db.Model):
    """One date of an activity, with its own topic; it can be moved or cancelled on its own."""

    __tablename__ = "activity_date"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="start_before_end"),
        CheckConstraint("visitors_adults IS NULL OR visitors_adults >= 0", name="visitors_adults_not_negative"),
        CheckConstraint("visitors_children IS NULL OR visitors_children >= 0", name="visitors_children_not_negative"),
        Index("ix_activity_date_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    topic_sv: Mapped[str] = mapped_column(String(300), default="")
    topic_fi: Mapped[str] = mapped_column(String(300), default="")
    topic_en: Mapped[str] = mapped_column(String(300), default="")
    cancelled: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised when the time changes or the date is cancelled, so calendars update their copy.
    sequence: Mapped[int] = mapped_column(default=0)
    # Head count on the day, entered by staff (the only figure a drop-in activity has).
    visitors_adults: Mapped[int | None]
    visitors_children: Mapped[int | None]

    activity: Mapped[Activity] = relationship(back_populates="dates", lazy="joined", innerjoin=True)


class Registration(db.Model):
    """A family's registration for one date: a confirmed place, a place in the queue, or cancelled.

    ``arrival`` numbers the registrations of a date in the order they were
    accepted (under the date's lock), which is the order of the waiting list.
    """

    __tablename__ = "activity_registration"
    __table_args__ = (
        UniqueConstraint("date_id", "arrival"),
        CheckConstraint("adults >= 1", name="at_least_one_adult"),
        CheckConstraint("children >= 0", name="children_not_negative"),
        Index("ix_activity_registration_date_status", "date_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    date_id: Mapped[int] = mapped_column(ForeignKey("activity_date.id", ondelete="CASCADE"))
    arrival: Mapped[int]
    status: Mapped[RegistrationStatus] = mapped_column(value_enum(RegistrationStatus))
    adults: Mapped[int]
    children: Mapped[int] = mapped_column(default=0)
    guardian_name: Mapped[str] = mapped_column(String(200))
    guardian_email: Mapped[str] = mapped_column(String(254), default="")
    # E.164 (core.phone) for numbers given since migration 0017; older rows as typed.
    guardian_phone: Mapped[str] = mapped_column(String(40), default="")
    # The family asked for text messages about their place too (to guardian_phone).
    sms_wanted: Mapped[bool] = mapped_column(default=False)
    # The language the family registered in: their emails and text messages come in it.
    language: Mapped[str] = mapped_column(String(2))
    # Public part of the family's manage link (core.tokens): the link itself is signed.
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    # Raised on every change the family's calendar copy should follow.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    attendance: Mapped[Attendance | None] = mapped_column(value_enum(Attendance, length=10))
    # The child's case a professional linked the family's visit to, so the child's summary lists it.
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="SET NULL"), index=True)

    date: Mapped[ActivityDate] = relationship(lazy="joined", innerjoin=True)

    @property
    def people(self) -> int:
        """How many places the registration takes: adults and children."""
        return self.adults + self.children

    @property
    def display_name(self) -> str:
        """The guardian's name, or a note that it was removed (retention or a data request)."""
        return self.guardian_name or str(_l("Name removed"))


class ActivityMessage(db.Model):
    """A message staff emailed to the families registered for a date (kept as a record of what was said)."""

    __tablename__ = "activity_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    date_id: Mapped[int] = mapped_column(ForeignKey("activity_date.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    include_waiting: Mapped[bool] = mapped_column(default=False)
    recipients: Mapped[int] = mapped_column(default=0)

    sent_by: Mapped[User | None] = relationship()
