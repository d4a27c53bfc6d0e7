"""Stored programme versions and their images, and families enrolled: weeks, answers, calls, coach's notes.

A version is written once and never changed, so an enrolment pinned to it always shows what
the family worked on. A family's programme page is reached by a secret link: a reference
signed for its purpose (``core.tokens``), as questionnaire links are.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, ForeignKeyConstraint, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime
from core.timeutil import utcnow
from extensions import db

from ..auth.models import User
from ..questionnaires.models import Child

# An enrolment's state: going on, paused by the coach, or ended (completed or stopped early).
ACTIVE, PAUSED, COMPLETED, STOPPED = "active", "paused", "completed", "stopped"
STATES = (ACTIVE, PAUSED, COMPLETED, STOPPED)


class ProgrammeVersion(db.Model):
    """One version of a programme, as imported with ``flask programmes import``."""

    __tablename__ = "programme_version"
    __table_args__ = (UniqueConstraint("programme_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int]
    definition_text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Whether the centre offers it (administrators may withdraw one; enrolments on it go on).
    in_use: Mapped[bool] = mapped_column(default=True)

    images: Mapped[list[ProgrammeImage]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ProgrammeImage(db.Model):
    """An image a programme version shows, stored with it so the folder is not needed after import."""

    __tablename__ = "programme_image"

    version_id: Mapped[int] = mapped_column(ForeignKey("programme_version.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Enrolment(db.Model):
    """A family taking a coached programme for one child, with one coach."""

    __tablename__ = "programme_enrolment"
    # The version an enrolment is pinned to can never be deleted from under it.
    __table_args__ = (
        ForeignKeyConstraint(
            ["programme_id", "programme_version"],
            ["programme_version.programme_id", "programme_version.version"],
            name="fk_programme_enrolment_version",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    programme_id: Mapped[str] = mapped_column(String(80), index=True)
    programme_version: Mapped[int]
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # The screening that led here (the offer), if any: the "before" of the before/after.
    screening_response_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_response.id", ondelete="SET NULL")
    )
    # Follow-up questionnaires sent (half-way and at the end), as visits of the questionnaire engine.
    midway_visit_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_visit.id", ondelete="SET NULL"))
    final_visit_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_visit.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(12), default=ACTIVE)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Week n opens at schedule_start + (n-1) weeks, unless paused; a pause moves the start on.
    schedule_start: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Weeks the coach opened ahead of the schedule (the highest such week).
    opened_through: Mapped[int] = mapped_column(default=0)
    # Extra weeks the coach added before the programme ends (to catch up).
    extra_weeks: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship(lazy="joined")
    coach: Mapped[User | None] = relationship(lazy="joined")
    weeks: Mapped[list[WeekProgress]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="WeekProgress.week"
    )
    answers: Mapped[list[ExerciseAnswer]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    calls: Mapped[list[CoachCall]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CoachCall.week"
    )
    notes: Mapped[list[CoachNote]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CoachNote.written_at.desc()"
    )


class WeekProgress(db.Model):
    """What the family did with one week: when they first opened it and when they marked it done."""

    __tablename__ = "programme_week"

    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("programme_enrolment.id", ondelete="CASCADE"), primary_key=True
    )
    week: Mapped[int] = mapped_column(primary_key=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExerciseAnswer(db.Model):
    """One answer: a reflection question written or a checklist item ticked. One row each, saved on its own."""

    __tablename__ = "programme_answer"

    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("programme_enrolment.id", ondelete="CASCADE"), primary_key=True
    )
    block_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    prompt_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoachCall(db.Model):
    """A weekly call with the coach, booked through booking as an appointment."""

    __tablename__ = "programme_call"

    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("programme_enrolment.id", ondelete="CASCADE"), primary_key=True
    )
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id", ondelete="CASCADE"), primary_key=True)
    week: Mapped[int]

    appointment: Mapped[Appointment] = relationship(lazy="joined")  # noqa: F821 - booking's model, by name


class CoachNote(db.Model):
    """The coach's note about a week or a call: for the professionals of the case only."""

    __tablename__ = "programme_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("programme_enrolment.id", ondelete="CASCADE"), index=True)
    week: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    written_by_name: Mapped[str] = mapped_column(String(200), default="")
