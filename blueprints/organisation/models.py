"""Family centres, services and who works where. Texts are stored in Swedish, Finnish and English."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

# Which professionals give which service.
service_professional = Table(
    "service_professional",
    db.metadata,
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
)

# Which centres a staff member belongs to (reception manages the bookings of its centres).
staff_centre = Table(
    "staff_centre",
    db.metadata,
    Column("user_id", ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True),
    Column("centre_id", ForeignKey("centre.id", ondelete="CASCADE"), primary_key=True),
)

MODES = ("in_person", "phone", "video")


class Centre(db.Model):
    """A family centre (familjecenter / perhekeskus): a place families visit."""

    __tablename__ = "centre"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_fi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    street_address: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city_sv: Mapped[str] = mapped_column(String(100), default="")
    city_fi: Mapped[str] = mapped_column(String(100), default="")
    city_en: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    # The team's shared mailbox: told at once of an urgent flag, and again while nobody acknowledges it.
    team_email: Mapped[str] = mapped_column(String(254), default="")
    directions_sv: Mapped[str] = mapped_column(Text, default="")
    directions_fi: Mapped[str] = mapped_column(Text, default="")
    directions_en: Mapped[str] = mapped_column(Text, default="")
    accessibility_sv: Mapped[str] = mapped_column(Text, default="")
    accessibility_fi: Mapped[str] = mapped_column(Text, default="")
    accessibility_en: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    # Staff who belong to the centre; ``User.centres`` is the other side.
    staff: Mapped[list[User]] = relationship(  # noqa: F821 - defined in auth.models
        secondary=staff_centre, backref="centres", order_by="User.name"
    )


class NamedAndDescribed:
    """The name and description families read, in Swedish, Finnish and English (shown with ``localized``)."""

    name_sv: Mapped[str] = mapped_column(String(200))
    name_fi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    description_sv: Mapped[str] = mapped_column(Text, default="")
    description_fi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")


class Service(NamedAndDescribed, db.Model):
    """A service families can use, such as the child health clinic or speech therapy."""

    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    # How the service is given; at least one is on.
    in_person: Mapped[bool] = mapped_column(default=True)
    by_phone: Mapped[bool] = mapped_column(default=False)
    by_video: Mapped[bool] = mapped_column(default=False)
    duration_minutes: Mapped[int] = mapped_column(default=45)
    # Free time kept before and after each appointment (notes, airing the room).
    buffer_before_minutes: Mapped[int] = mapped_column(default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(default=0)
    # Families can book no sooner than this many hours ahead, and no further than this many days.
    min_notice_hours: Mapped[int] = mapped_column(default=12)
    max_days_ahead: Mapped[int] = mapped_column(default=60)
    slot_interval_minutes: Mapped[int] = mapped_column(default=15)
    # Families can cancel or move their appointment until this many hours before it.
    cancellation_deadline_hours: Mapped[int] = mapped_column(default=24)
    # A reserved service is not listed for families; it is booked through an offer
    # (e.g. the first coach call of the parent-training programme) or by staff.
    reserved: Mapped[bool] = mapped_column(default=False)
    # The questionnaire outcome (e.g. "parent_training_offer") whose offer books this service.
    offered_for_outcome: Mapped[str] = mapped_column(String(80), default="")

    professionals: Mapped[list[User]] = relationship(  # noqa: F821 - defined in auth.models
        secondary=service_professional, lazy="selectin", order_by="User.name"
    )

    @property
    def modes(self) -> tuple[str, ...]:
        """The ways the service is given, in a fixed order."""
        offered = {"in_person": self.in_person, "phone": self.by_phone, "video": self.by_video}
        return tuple(mode for mode in MODES if offered[mode])


def active_centres() -> list[Centre]:
    """The family centres in use, in the order they were added."""
    return list(db.session.scalars(select(Centre).where(Centre.active).order_by(Centre.id)))
