"""Professionals' profiles, working hours, absences and appointments."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime, partial_unique_index, value_enum
from core.timeutil import utcnow
from extensions import db

from ..auth.models import User
from ..organisation.models import Centre, Service


class ProfessionalProfile(db.Model):
    """What families see of a professional, and how they work."""

    __tablename__ = "professional_profile"

    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    title_sv: Mapped[str] = mapped_column(String(120), default="")
    title_fi: Mapped[str] = mapped_column(String(120), default="")
    title_en: Mapped[str] = mapped_column(String(120), default="")
    # The languages the professional serves in, e.g. "fi sv" (Language Act: families may choose).
    languages: Mapped[str] = mapped_column(String(20), default="sv fi")
    # The professional's own meeting room for video appointments.
    video_url: Mapped[str] = mapped_column(String(500), default="")
    # Reference of the personal calendar feed link (core.tokens); renewing it kills the old link.
    calendar_reference: Mapped[str] = mapped_column(String(32), default="")
    # The feed shows service and time only, unless the professional asks for children's first names.
    calendar_shows_names: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def language_codes(self) -> tuple[str, ...]:
        """The languages served, as codes."""
        return tuple(self.languages.split())


class WorkingHours(db.Model):
    """A weekly block of working time of one professional at one centre (Helsinki wall-clock time)."""

    __tablename__ = "working_hours"
    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("start_time < end_time", name="start_before_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id", ondelete="CASCADE"))
    weekday: Mapped[int]  # Monday = 0
    start_time: Mapped[time]
    end_time: Mapped[time]
    valid_from: Mapped[date | None]
    valid_until: Mapped[date | None]

    centre: Mapped[Centre] = relationship(lazy="joined")
    user: Mapped[User] = relationship()


class Absence(db.Model):
    """Time a professional cannot be booked: holiday, sick leave, a meeting, blocked time."""

    __tablename__ = "absence"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="start_before_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Internal note, never shown to families.
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class AppointmentStatus(enum.StrEnum):
    """Where an appointment stands."""

    BOOKED = "booked"
    CANCELLED_BY_FAMILY = "cancelled_by_family"
    CANCELLED_BY_STAFF = "cancelled_by_staff"
    ATTENDED = "attended"
    NO_SHOW = "no_show"


# Appointments in these states hold their time; cancelled ones free it.
ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


class WrittenToFamily:
    """Rows with ``language`` (of the visit) and ``family_language`` (the family's own, may be empty)."""

    @property
    def written_language(self) -> str:
        """The language emails, text messages and links to the family are in."""
        return self.family_language or self.language


class Appointment(WrittenToFamily, db.Model):
    """A booked appointment of a family with a professional."""

    __tablename__ = "appointment"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="start_before_end"),
        # The database's own guard against double booking: one active appointment
        # per professional and start time, whatever the application does.
        partial_unique_index(
            "uq_appointment_professional_start_active",
            "professional_id",
            "starts_at",
            where="status IN ('booked', 'attended', 'no_show')",
        ),
        Index("ix_appointment_professional_time", "professional_id", "starts_at", "ends_at"),
        # Led by reminder_sent_at, so that queries about a professional's time never pick it
        # over ix_appointment_professional_time (SQLite has no statistics to tell them apart).
        Index("ix_appointment_reminder", "reminder_sent_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    professional_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    # The centre where the professional works at that time; the meeting place for in-person visits.
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    mode: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The service's buffers at booking time, so later changes to the service do not move old ones.
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=0)
    status: Mapped[AppointmentStatus] = mapped_column(
        value_enum(AppointmentStatus, length=30),
        default=AppointmentStatus.BOOKED,
    )
    guardian_name: Mapped[str] = mapped_column(String(200))
    guardian_email: Mapped[str] = mapped_column(String(254), default="")
    guardian_phone: Mapped[str] = mapped_column(String(40), default="")
    child_first_name: Mapped[str] = mapped_column(String(100), default="")
    child_age_years: Mapped[int | None]
    # The language the appointment is held in (the professional's), and the one the family is
    # written to in (the language they booked in or chose): Swedish speakers may book a Finnish service.
    language: Mapped[str] = mapped_column(String(2))
    family_language: Mapped[str] = mapped_column(String(2), default="")
    # The family asked for confirmations and reminders by text message to guardian_phone too.
    sms_wanted: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    # Public part of the family's manage link (core.tokens): the link itself is signed.
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    # Raised whenever the time changes or the appointment is cancelled, for calendar updates.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The child's case the appointment belongs to, when known (booked from a questionnaire's
    # offer, or linked by the professional), so the child's summary can list it.
    child_id: Mapped[int | None] = mapped_column(ForeignKey("child.id", ondelete="SET NULL"), index=True)

    service: Mapped[Service] = relationship(lazy="joined")
    professional: Mapped[User] = relationship(foreign_keys=[professional_id], lazy="joined")
    centre: Mapped[Centre] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        """Whether the appointment still holds its time."""
        return self.status in ACTIVE_STATUSES


class EarlierTimeStatus(enum.StrEnum):
    """Where a family's wish for an earlier time stands."""

    WAITING = "waiting"  # in line for a time that fits
    OFFERED = "offered"  # a time is held for the family (HeldTime, status open)
    MOVED = "moved"  # the family took an offered time
    WITHDRAWN = "withdrawn"  # the family stopped waiting
    ENDED = "ended"  # the appointment was cancelled, moved otherwise, or the window passed


# A wish still in line or holding a time.
OPEN_EARLIER_STATUSES = (EarlierTimeStatus.WAITING, EarlierTimeStatus.OFFERED)


class EarlierTimeRequest(WrittenToFamily, db.Model):
    """A family's wish to be offered an earlier time for their booked appointment, within a window."""

    __tablename__ = "earlier_time_request"
    __table_args__ = (
        CheckConstraint("first_day <= last_day", name="first_before_last"),
        # One open wish per appointment.
        partial_unique_index(
            "uq_earlier_time_request_open", "appointment_id", where="status IN ('waiting', 'offered')"
        ),
        Index("ix_earlier_time_request_line", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The booked appointment to move; None for a family with no booking yet, waiting for any time
    # (then the fields below say whom to tell and what they searched for).
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointment.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    guardian_name: Mapped[str] = mapped_column(String(200), default="")
    guardian_email: Mapped[str] = mapped_column(String(254), default="")
    guardian_phone: Mapped[str] = mapped_column(String(40), default="")
    sms_wanted: Mapped[bool] = mapped_column(default=False)
    family_language: Mapped[str] = mapped_column(String(2), default="")
    language: Mapped[str] = mapped_column(String(2), default="")
    mode: Mapped[str] = mapped_column(String(20), default="")
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centre.id"))
    # Public part of the wish's own link (core.tokens), for families with no booking.
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    # The window, in Helsinki days, and the weekdays (Monday = 0, space-separated) and part of day wanted.
    first_day: Mapped[date]
    last_day: Mapped[date]
    weekdays: Mapped[str] = mapped_column(String(13), default="0 1 2 3 4 5 6")
    part_of_day: Mapped[str] = mapped_column(String(10), default="any")
    status: Mapped[EarlierTimeStatus] = mapped_column(
        value_enum(EarlierTimeStatus),
        default=EarlierTimeStatus.WAITING,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    appointment: Mapped[Appointment | None] = relationship()
    offers: Mapped[list[HeldTime]] = relationship(back_populates="request", order_by="HeldTime.id")

    @property
    def family(self) -> Appointment | EarlierTimeRequest:
        """Whom to tell and in which language: the appointment's family, or the details given with the wish.

        Both have guardian_name, guardian_email, guardian_phone, sms_wanted and written_language.
        """
        return self.appointment if self.appointment is not None else self

    @property
    def weekday_numbers(self) -> tuple[int, ...]:
        """The weekdays wanted, Monday = 0."""
        return tuple(int(day) for day in self.weekdays.split())


class HeldStatus(enum.StrEnum):
    """What became of an earlier time offered to a family."""

    OPEN = "open"  # held for the family until expires_at
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the wish or the appointment ended while the time was held


class HeldTime(db.Model):
    """An earlier time offered to one family and held for them: nobody else is shown it while it is open."""

    __tablename__ = "held_time"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="start_before_end"),
        # The database's own guard: one open hold per professional and start time.
        partial_unique_index(
            "uq_held_time_professional_start_open", "professional_id", "starts_at", where="status = 'open'"
        ),
        Index("ix_held_time_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("earlier_time_request.id", ondelete="CASCADE"), index=True)
    professional_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centre.id"))
    mode: Mapped[str] = mapped_column(String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=0)
    status: Mapped[HeldStatus] = mapped_column(
        value_enum(HeldStatus),
        default=HeldStatus.OPEN,
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Public part of the offer link (core.tokens): the link itself is signed.
    reference: Mapped[str] = mapped_column(String(32), unique=True)

    request: Mapped[EarlierTimeRequest] = relationship(back_populates="offers")
    professional: Mapped[User] = relationship(lazy="joined")
    centre: Mapped[Centre] = relationship(lazy="joined")
