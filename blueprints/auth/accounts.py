"""Staff account rules: passwords, one-time codes, sign-in throttling and sessions.

Plain functions with no HTTP in them; the views in ``routes.py`` call these.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, text, update

from core.timeutil import utcnow
from extensions import db

from .models import LoginAttempt, StaffRole, StaffSession, User, normalise_email

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
TOTP_STEP_SECONDS = 30
# Pending sign-in (password accepted, code not yet given) lasts this long.
PENDING_SIGN_IN_SECONDS = 300
_COMMON_PASSWORDS_FILE = Path(__file__).parent / "data" / "common-passwords.txt"


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
    # A hash of nothing, verified for unknown email addresses so that they take
    # as long as known ones and do not reveal which accounts exist.
    return hasher, hasher.hash(secrets.token_hex(16))


def password_hasher() -> PasswordHasher:
    """Return the argon2id hasher with the configured cost (tests use a cheaper one)."""
    return _configured_hasher()[0]


def _configured_hasher() -> tuple[PasswordHasher, str]:
    config = current_app.config
    return _hasher(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return password_hasher().hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Verify ``password`` for ``user``, spending similar time when the user does not exist."""
    hasher, dummy_hash = _configured_hasher()
    if user is None:
        try:
            hasher.verify(dummy_hash, password)
        except VerificationError:
            pass
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords and password stems, lower case."""
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _stem(password: str) -> str:
    """Strip leading and trailing digits and symbols: "Salasana2026!" becomes "salasana"."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())


def password_problems(password: str, email: str = "", name: str = "") -> list[str]:
    """Return what is wrong with a new password, as translated sentences (empty when fine)."""
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("The password must be at least %(count)d characters long.", count=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(_("The password can be at most %(count)d characters long.", count=MAX_PASSWORD_LENGTH))
    lowered = password.lower()
    listed = common_passwords()
    if lowered in listed or _stem(password) in listed or len(set(lowered)) <= 2:
        problems.append(_("This password is too common and easy to guess. Choose another one."))
    personal = [normalise_email(email).split("@")[0]] + name.lower().split()
    if any(len(part) >= 4 and part in lowered for part in personal):
        problems.append(_("The password must not contain your name or email address."))
    return problems


# --- One-time codes (TOTP) -------------------------------------------------


def new_totp_secret() -> str:
    """Generate a random 160-bit base32 secret for an authenticator app."""
    return pyotp.random_base32(32)


def totp_uri(user: User, secret: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def grouped_secret(secret: str) -> str:
    """Write a secret in groups of four characters so it can be typed by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def accept_totp(user: User, secret: str, code: str, now: datetime | None = None) -> bool:
    """Check a six-digit code against ``secret``, accepting each time step only once.

    Codes from the previous and next 30-second step are allowed for clock drift.
    The step is claimed with one conditional UPDATE ("only if no later step was
    used"), so the database lets exactly one of two simultaneous uses of a code
    through, whatever else the caller locked: on PostgreSQL the second UPDATE
    waits for the first to commit and then matches no row.
    """
    code = re.sub(r"\s", "", code or "")
    if not re.fullmatch(r"\d{6}", code):
        return False
    now = now or utcnow()
    totp = pyotp.TOTP(secret)
    current_step = int(now.timestamp()) // TOTP_STEP_SECONDS
    for step in (current_step - 1, current_step, current_step + 1):
        if hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            claimed = db.session.execute(
                update(User)
                .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
                .values(totp_last_step=step)
                .execution_options(synchronize_session="fetch")
            )
            return claimed.rowcount == 1
    return False


# --- Throttling ----------------------------------------------------------------


def record_attempt(email: str, ip_address: str, succeeded: bool) -> LoginAttempt:
    """Store one sign-in attempt; throttling counts the failed ones."""
    attempt = LoginAttempt(email=normalise_email(email), ip_address=ip_address, succeeded=succeeded, at=utcnow())
    db.session.add(attempt)
    return attempt


def _lock_throttle(email: str, ip_address: str) -> None:
    """Serialise the attempts of one account and of one address until the transaction ends (PostgreSQL).

    Transaction-level advisory locks, because the address throttle also covers
    email addresses with no account (no row to lock). Always the account first,
    then the address, each in its own key space, so two requests never wait for
    each other in a circle. SQLite requests already hold the write lock.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key_space, value in ((1, normalise_email(email)), (2, ip_address)):
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:value))"), {"space": key_space, "value": value}
        )


def begin_attempt(email: str, ip_address: str) -> tuple[timedelta | None, LoginAttempt | None]:
    """Let one attempt go ahead unless throttled: (how long to wait, None) or (None, the attempt).

    The check and the recording of the attempt - as failed until the caller marks
    it succeeded - happen in one transaction under the throttle's lock, and are
    committed before the password or code is checked. So of any number of
    simultaneous attempts exactly as many are checked as the limit allows, and
    the slow password hash does not hold the lock.

    This commit is one of the documented exceptions to "the view commits once"
    (``tests/platform/test_transactions.py`` names it): it is the point of the function,
    and it runs at the start of a sign-in step, before anything else of the
    request is pending. The view commits the step's outcome afterwards.
    """
    _lock_throttle(email, ip_address)
    wait = throttle_wait(email, ip_address)
    attempt = None if wait else record_attempt(email, ip_address, False)
    db.session.commit()
    return wait, attempt


def throttle_wait(email: str, ip_address: str, now: datetime | None = None) -> timedelta | None:
    """Return how long this account or address must still wait, or None when it may try.

    After ``LOGIN_MAX_FAILURES`` failures within ``LOGIN_FAILURE_WINDOW_MINUTES``,
    the wait lasts until enough of those failures have left the window.
    """
    now = now or utcnow()
    limit = int(current_app.config["LOGIN_MAX_FAILURES"])
    window = timedelta(minutes=int(current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]))
    longest: timedelta | None = None
    for column, value in ((LoginAttempt.email, normalise_email(email)), (LoginAttempt.ip_address, ip_address)):
        failures = db.session.scalars(
            select(LoginAttempt.at)
            .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at > now - window)
            .order_by(LoginAttempt.at)
        ).all()
        if len(failures) >= limit:
            wait = failures[len(failures) - limit] + window - now
            longest = max(longest or wait, wait)
    return longest


# --- Server-side sessions -----------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SessionCheck:
    """The outcome of looking up a session token."""

    user: User | None
    expired: bool


def start_session(user: User) -> str:
    """Open a server-side session for ``user`` and return the token to keep in the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(StaffSession(token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now))
    user.last_sign_in_at = now
    return token


def check_session(token: str | None, user_id: str, renew: bool = True) -> SessionCheck:
    """Find the user of a live session and mark it as used now; the caller commits.

    A session is live when it has not been ended, its user is active and it was
    used within ``STAFF_IDLE_MINUTES``; an idle one is ended on the way. On
    SQLite the request of a signed-in member holds the write lock from its first
    read (``core/database.py``), so reading, then marking, needs no upgrade.
    With ``renew`` False (a ``@reads_only`` request) nothing is written: the
    session is checked but not marked as used, and an idle one is only refused.
    """
    if not token:
        return SessionCheck(None, expired=False)
    now = utcnow()
    staff_session = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _token_hash(token)))
    if staff_session is None or staff_session.ended_at is not None or str(staff_session.user_id) != user_id:
        return SessionCheck(None, expired=True)
    idle_limit = timedelta(minutes=int(current_app.config["STAFF_IDLE_MINUTES"]))
    idle = now - staff_session.last_seen_at > idle_limit
    session_id, user = staff_session.id, staff_session.user
    if not user.is_active:
        return SessionCheck(None, expired=True)
    if renew:
        values = {"ended_at": now} if idle else {"last_seen_at": now}
        db.session.execute(update(StaffSession).where(StaffSession.id == session_id).values(**values))
    if idle:
        return SessionCheck(None, expired=True)
    return SessionCheck(db.session.get(User, int(user_id)), expired=False)


def end_session(token: str | None) -> None:
    """End the session with this token (signing out)."""
    if token:
        db.session.execute(
            update(StaffSession)
            .where(StaffSession.token_hash == _token_hash(token), StaffSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def end_all_sessions(user: User) -> None:
    """End every session of ``user`` (password change, deactivation, MFA reset)."""
    db.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end all of the user's sessions."""
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    end_all_sessions(user)


def create_staff_user(email: str, name: str, password: str, roles: set[str], is_demo: bool = False) -> User:
    """Create a staff account; the caller has checked the password with ``password_problems``."""
    user = User(email=normalise_email(email), name=name.strip(), password_hash=hash_password(password), is_demo=is_demo)
    user.set_roles(roles)
    db.session.add(user)
    return user


# --- The two sign-in steps ------------------------------------------------------------


@dataclass(frozen=True)
class StepOutcome:
    """What one sign-in step decided: the user on success, or how long to wait."""

    user: User | None = None
    wait: timedelta | None = None
    session_token: str | None = None


def verify_password_step(email: str, password: str, ip_address: str) -> StepOutcome:
    """First step: check the password, unless this account or address is throttled.

    While throttled even a correct password is refused, so guessing cannot go on;
    the answer is the same whether or not the account exists. The attempt is
    committed by ``begin_attempt``; the caller commits the outcome.
    """
    wait, attempt = begin_attempt(email, ip_address)
    if wait:
        return StepOutcome(wait=wait)
    user = User.by_email(email)
    ok = check_password(user, password) and user is not None and user.is_active
    if ok:
        attempt.succeeded = True
        if user.totp_secret is None and not user.totp_pending_secret:
            # First sign-in: offer a new authenticator secret, kept until confirmed.
            user.totp_pending_secret = new_totp_secret()
    return StepOutcome(user=user if ok else None)


def verify_code_step(user_id: int, code: str, ip_address: str) -> StepOutcome:
    """Second step: check the one-time code (or confirm a new authenticator) and open a session.

    The attempt is committed by ``begin_attempt``; the caller commits the outcome.
    """
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return StepOutcome()
    wait, attempt = begin_attempt(user.email, ip_address)
    if wait:
        return StepOutcome(wait=wait)
    enrolling = user.totp_secret is None
    secret = user.totp_pending_secret if enrolling else user.totp_secret
    ok = bool(secret) and accept_totp(user, secret, code)
    token = None
    if ok:
        attempt.succeeded = True
        if enrolling:
            user.totp_secret, user.totp_pending_secret = secret, None
        token = start_session(user)
    return StepOutcome(user=user if ok else None, session_token=token)


def reset_authenticator(user: User) -> None:
    """Forget the user's authenticator; they set up a new one at their next sign-in."""
    user.totp_secret = None
    user.totp_pending_secret = None
    user.totp_last_step = None
    end_all_sessions(user)


def set_temporary_password(user: User, password: str) -> None:
    """Set a password chosen by an administrator; the user must replace it after signing in."""
    change_password(user, password)
    user.must_change_password = True


def set_active(user: User, active: bool) -> None:
    """Activate or deactivate an account; deactivating ends its sessions at once."""
    user.active = active
    if not active:
        end_all_sessions(user)


def professionals() -> list[User]:
    """Everyone with the professional role, by name (for choosing who gives a service or answers a chat)."""
    return list(
        db.session.scalars(select(User).join(StaffRole).where(StaffRole.role == "professional").order_by(User.name))
    )
