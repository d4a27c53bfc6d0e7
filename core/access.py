"""One access guard for every URL, failing closed.

Each view declares who may use it, with ``@public`` or ``@staff(...roles)``.
A view that declares nothing is refused for everyone (403), so forgetting the
declaration can never open a page; a test also lists every route and requires
a declaration. Staff who are not signed in are sent to the sign-in page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar, runtime_checkable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

ROLES = ("admin", "professional", "reception")
ROLE_LABELS = {
    "professional": _l("Professional"),
    "reception": _l("Reception"),
    "admin": _l("Administrator"),
}
ALL_STAFF = ROLES
PUBLIC = "public"
ACCESS_ATTRIBUTE = "famnen_access"

View = TypeVar("View", bound=Callable)


@runtime_checkable
class StaffMember(Protocol):
    """What the guard needs of a signed-in staff member.

    The auth blueprint's ``User`` is one; core names only this shape, so it
    stands below the features and imports none of them.
    """

    id: int
    is_authenticated: bool

    @property
    def role_names(self) -> frozenset[str]:
        """The names of the roles the member holds."""

    def has_role(self, role: str) -> bool:
        """Tell whether the member holds ``role``."""


def public(view: View) -> View:
    """Mark a view as open to everyone, signed in or not."""
    setattr(view, ACCESS_ATTRIBUTE, PUBLIC)
    return view


def staff(*roles: str) -> Callable[[View], View]:
    """Mark a view as open to signed-in staff holding at least one of ``roles``."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"staff() needs roles from {ROLES}, got {roles}")

    def decorate(view: View) -> View:
        setattr(view, ACCESS_ATTRIBUTE, frozenset(roles))
        return view

    return decorate


def declared_access(endpoint: str) -> object:
    """Return what a view declared (PUBLIC, a set of roles) or None when it declared nothing."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, ACCESS_ATTRIBUTE, None)


def current_staff() -> StaffMember:
    """The signed-in staff member (the object itself, not the request-bound proxy), for views behind ``@staff``."""
    return current_user._get_current_object()


def safe_next_url(target: str | None) -> str | None:
    """Accept only a local path as a redirect target, so links cannot send users elsewhere.

    Control characters are refused too: a line break cannot go into a Location
    header, and browsers drop tabs and line breaks from URLs, which could turn
    a slash, a tab and ``/evil.example`` into ``//evil.example``.
    """
    if not target or any(ord(character) < 0x20 or ord(character) == 0x7F for character in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def _enforce_access():
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None  # unknown URLs become 404s; static files are public
    access = declared_access(endpoint)
    if access == PUBLIC:
        return None
    if access is None:
        current_app.logger.error("View %s declares no access rule; refused", endpoint)
        abort(403)
    if not current_user.is_authenticated:
        return _send_to_sign_in()
    if not (current_user.role_names & access):
        abort(403)
    return None


def _send_to_sign_in():
    if g.get("staff_session_expired"):
        flash(_("You were signed out after a period of inactivity. Sign in again to continue."), "info")
    else:
        flash(_("Sign in to continue."), "info")
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    if request.headers.get("HX-Request"):
        # Back to the page after signing in, not to the fragment it asked for.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        next_url = safe_next_url(current.path + (f"?{current.query}" if current.query else "")) or None
    target = url_for("auth.sign_in", next=next_url)
    if request.headers.get("HX-Request"):
        # An htmx request would swap the sign-in page into a fragment; load it as a page instead.
        response = make_response("", 204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def role_labels(names: frozenset[str] | set[str]) -> str:
    """The translated names of ``names``, in a fixed order, for display."""
    return ", ".join(str(ROLE_LABELS[role]) for role in ROLE_LABELS if role in names)


def init_app(app: Flask) -> None:
    """Run the guard before every request."""
    app.before_request(_enforce_access)
    app.jinja_env.globals["role_labels"] = role_labels
