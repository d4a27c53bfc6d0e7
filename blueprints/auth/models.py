"""Staff accounts, their roles and server-side sessions, and sign-in attempts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.database import UTCDateTime
from core.timeutil import utcnow
from extensions import db


class User(UserMixin, db.Model):
    """A member of staff: professional, reception or administrator (or several of these)."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    # Set once the user has confirmed a code from their authenticator app.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # Offered at first sign-in and kept until confirmed, so a reload shows the same QR code.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    # The 30-second time step of the last accepted code: a code is accepted only once.
    totp_last_step: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Set when an administrator chose the password: the user must pick their own.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Demo accounts may print their current code with `flask demo-code`.
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Email when a family sends answers to a questionnaire they sent (urgent flags are always emailed).
    notify_new_answers: Mapped[bool] = mapped_column(default=True)
    # The language of emails to them: "" until they choose one or first sign in (then the page's language).
    email_language: Mapped[str] = mapped_column(String(2), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[StaffRole]] = relationship(back_populates="user", cascade="all, delete-orphan", lazy="selectin")

    @property
    def role_names(self) -> frozenset[str]:
        """The names of the roles this user holds."""
        return frozenset(role.role for role in self.roles)

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    def has_role(self, role: str) -> bool:
        """Tell whether the user holds ``role``."""
        return role in self.role_names

    def set_roles(self, names: set[str] | frozenset[str]) -> None:
        """Replace the user's roles with ``names``."""
        current = {role.role: role for role in self.roles}
        for name in set(current) - set(names):
            self.roles.remove(current[name])
        for name in sorted(set(names) - set(current)):
            self.roles.append(StaffRole(role=name))

    @classmethod
    def by_email(cls, email: str) -> User | None:
        """Find a user by email address, ignoring case and surrounding spaces."""
        return db.session.scalar(select(cls).where(func.lower(cls.email) == normalise_email(email)))


class StaffRole(db.Model):
    """One role held by one staff member."""

    __tablename__ = "staff_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")


class StaffSession(db.Model):
    """A signed-in browser session, kept on the server so that signing out really ends it.

    The cookie holds a random token; only its SHA-256 hash is stored here.
    """

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """A sign-in attempt (password or code), kept for throttling across worker processes."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_ip_at", "ip_address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email: Mapped[str] = mapped_column(String(254))
    ip_address: Mapped[str] = mapped_column(String(45))
    succeeded: Mapped[bool]


def normalise_email(email: str) -> str:
    """Lower-case and trim an email address so that lookups ignore case."""
    return email.strip().lower()
