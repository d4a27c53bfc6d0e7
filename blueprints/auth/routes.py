"""Staff sign-in (password, then one-time code), sign-out, session keep-alive, password change and email settings."""

from __future__ import annotations

import math
import time
from datetime import timedelta

from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from core.access import ALL_STAFF, PUBLIC, declared_access, public, safe_next_url, staff
from core.database import request_reads_only
from core.forms import EmptyForm
from core.i18n import current_language, pick
from core.qr import qr_svg
from core.views import client_address, render_form
from extensions import db, login_manager

from . import accounts
from .forms import CodeForm, EmailSettingsForm, PasswordChangeForm, SignInForm
from .models import User

bp = Blueprint("auth", __name__, url_prefix="/staff")

SESSION_TOKEN_KEY = "staff_token"
PENDING_USER_KEY = "pending_user"
PENDING_AT_KEY = "pending_at"
NEXT_KEY = "after_sign_in"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: a user counts as signed in only while their server-side session lives.

    Renewing (or ending) the session is committed here, in a transaction of its
    own, so it counts even when the page then fails or only reads. That is safe
    because the loader runs before any view (``_load_staff_member``), while
    nothing else of the request is pending.
    """
    # A page's automatic waiting request (@reads_only) does not count as the person using Famnen.
    check = accounts.check_session(session.get(SESSION_TOKEN_KEY), user_id, renew=not request_reads_only())
    db.session.commit()
    if check.user is None:
        session.pop(SESSION_TOKEN_KEY, None)
        session.pop("_user_id", None)
        g.staff_session_expired = check.expired
    return check.user


@bp.before_app_request
def _load_staff_member():
    """Load the signed-in member before any view runs, so the loader's commit never commits a view's work."""
    current_user._get_current_object()


@bp.before_app_request
def _require_password_change():
    """Send staff whose password was set by an administrator to choose their own first."""
    allowed = {"auth.change_password", "auth.sign_out", "auth.keep_alive"}
    if request.endpoint is None or request.endpoint in allowed or declared_access(request.endpoint) in (PUBLIC, None):
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.must_change_password:
        flash(_("Choose your own password before you continue."), "info")
        return redirect(url_for("auth.change_password"))
    return None


def _wait_message(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts. Wait %(num)d minute and try again.",
        "Too many failed sign-in attempts. Wait %(num)d minutes and try again.",
        minutes,
    )


def _pending_user() -> User | None:
    """The user who gave a correct password in the last few minutes and still owes a code."""
    user_id = session.get(PENDING_USER_KEY)
    started = session.get(PENDING_AT_KEY, 0)
    if not user_id or time.time() - started > accounts.PENDING_SIGN_IN_SECONDS:
        return None
    return db.session.get(User, user_id)


def _after_sign_in_url() -> str:
    return safe_next_url(session.get(NEXT_KEY)) or url_for("staff.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    """First step: email address and password."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.index"))
    form = SignInForm()
    status = None
    if form.validate_on_submit():
        outcome = accounts.verify_password_step(form.email.data, form.password.data, client_address())
        db.session.commit()
        if outcome.wait:
            form.form_errors.append(_wait_message(outcome.wait))
            status = 429
        elif outcome.user is None:
            form.form_errors.append(_("The email address or password is not correct."))
        else:
            next_url = safe_next_url(request.args.get("next"))
            session.clear()
            session.update({PENDING_USER_KEY: outcome.user.id, PENDING_AT_KEY: time.time(), NEXT_KEY: next_url})
            step = "auth.enrol" if outcome.user.totp_secret is None else "auth.code"
            return redirect(url_for(step))
    return render_form("auth/sign_in.html", form, status=status)


def _code_step(template: str, extra_context=lambda user: {}):
    """Shared handling of the code form for both the usual step and first-time enrolment; the view commits."""
    user = _pending_user()
    if user is None:
        flash(_("The sign-in took too long. Start again with your email address and password."), "info")
        return redirect(url_for("auth.sign_in"))
    form = CodeForm()
    status = None
    if form.validate_on_submit():
        outcome = accounts.verify_code_step(user.id, form.code.data, client_address())
        if outcome.wait:
            form.code.errors.append(_wait_message(outcome.wait))
            status = 429
        elif outcome.user is None:
            form.code.errors.append(
                _("The code is not correct or has already been used. Wait for a new code and try again.")
            )
        else:
            target = _after_sign_in_url()
            session.clear()
            session[SESSION_TOKEN_KEY] = outcome.session_token
            login_user(outcome.user)
            if not outcome.user.email_language:  # until they choose, emails come in the language they sign in with
                outcome.user.email_language = current_language()
                db.session.commit()
            flash(_("You are signed in."), "success")
            return redirect(target)
    return render_form(template, form, status=status, user=user, **extra_context(user))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def code():
    """Second step for an enrolled user: the code from the authenticator app."""
    response = _code_step("auth/code.html")
    db.session.commit()
    return response


@bp.route("/sign-in/authenticator", methods=["GET", "POST"])
@public
def enrol():
    """Second step at the first sign-in: set up the authenticator app with a QR code."""
    user = _pending_user()
    if user is not None and user.totp_secret is not None:
        return redirect(url_for("auth.code"))
    response = _code_step("auth/enrol.html", _enrolment_context)
    db.session.commit()
    return response


def _enrolment_context(user: User) -> dict:
    """The QR code and the typed-out key for setting up an authenticator app."""
    names = current_app.config["MUNICIPALITY_NAME"]
    uri = accounts.totp_uri(user, user.totp_pending_secret or "", f"Famnen ({pick(names)})")
    return {
        "qr_svg": qr_svg(uri, _("QR code for your authenticator app")),
        "secret": accounts.grouped_secret(user.totp_pending_secret or ""),
    }


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    """End the session on the server, so the old cookie no longer works anywhere."""
    form = EmptyForm()
    if form.validate_on_submit():
        accounts.end_session(session.get(SESSION_TOKEN_KEY))
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You have signed out."), "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/session/keep-alive", methods=["POST"])
@staff(*ALL_STAFF)
def keep_alive():
    """Answer the "stay signed in" button; loading the user has already renewed the session."""
    if request.headers.get("HX-Request") or request.accept_mimetypes.best == "application/json":
        return "", 204
    return redirect(safe_next_url(request.form.get("next")) or url_for("staff.index"))


@bp.route("/account", methods=["GET", "POST"])
@staff(*ALL_STAFF)
def account():
    """One's own account: which emails Famnen sends and in which language; the way to change the password."""
    user = current_user._get_current_object()
    form = EmailSettingsForm(obj=user) if request.method == "GET" else EmailSettingsForm()
    if request.method == "GET" and not user.email_language:
        form.email_language.data = current_language()
    if form.validate_on_submit():
        if user.has_role("professional"):  # the only ones the choice is shown to
            user.notify_new_answers = form.notify_new_answers.data
        user.email_language = form.email_language.data
        db.session.commit()
        flash(_("Your email settings have been saved."), "success")
        return redirect(url_for("auth.account"))
    return render_form("auth/account.html", form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
@staff(*ALL_STAFF)
def change_password():
    """Change one's own password; every other session of the account ends."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not accounts.check_password(user, form.current_password.data):
            form.current_password.errors.append(_("The current password is not correct."))
        else:
            problems = accounts.password_problems(form.new_password.data, user.email, user.name)
            if problems:
                form.new_password.errors.extend(problems)
            else:
                accounts.change_password(user, form.new_password.data)
                session[SESSION_TOKEN_KEY] = accounts.start_session(user)
                db.session.commit()
                flash(
                    _("Your password has been changed. Any other sessions of your account have been ended."), "success"
                )
                return redirect(url_for("staff.index"))
    return render_form("auth/change_password.html", form)
