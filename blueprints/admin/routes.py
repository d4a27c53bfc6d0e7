"""Administration pages: staff accounts, their roles and sign-in methods."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.access import staff
from core.forms import EmptyForm
from core.i18n import localized
from core.views import form_status, render_form
from extensions import db

from ..auth import accounts
from ..auth.models import User
from ..organisation.models import Centre
from .forms import NewStaffForm, StaffForm, TemporaryPasswordForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _form_data(user: User) -> dict:
    """The account's current values for the edit form."""
    return {
        "name": user.name,
        "email": user.email,
        "roles": sorted(user.role_names),
        "centres": [str(centre.id) for centre in user.centres],
        "active": user.active,
    }


def _with_centres(form: StaffForm) -> StaffForm:
    """Offer the family centres a staff member can belong to."""
    centres = db.session.scalars(select(Centre).order_by(Centre.id)).all()
    form.centres.choices = [SelectChoice(str(centre.id), localized(centre, "name")) for centre in centres]
    return form


def _chosen_centres(form: StaffForm) -> list[Centre]:
    ids = [int(value) for value in form.centres.data or []]
    return list(db.session.scalars(select(Centre).where(Centre.id.in_(ids)))) if ids else []


def _email_taken(email: str, other_than: User | None = None) -> bool:
    found = User.by_email(email)
    return found is not None and found is not other_than


@bp.route("/")
@staff("admin")
def index():
    """The administration start page."""
    return render_template("admin/index.html")


@bp.route("/staff")
@staff("admin")
def staff_list():
    """All staff accounts with their roles and whether their authenticator is set up."""
    users = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("admin/staff_list.html", users=users)


@bp.route("/staff/new", methods=["GET", "POST"])
@staff("admin")
def staff_new():
    """Create a staff account with a first password the person must change."""
    form = _with_centres(NewStaffForm())
    if form.is_submitted():
        # Every problem is reported at once: the form's own checks, then the ones that need the database.
        valid = form.validate()
        if form.email.data and not form.email.errors and _email_taken(form.email.data):
            form.email.errors.append(_("There is already an account with this email address."))
        if form.password.data and not form.password.errors:
            form.password.errors.extend(
                accounts.password_problems(form.password.data, form.email.data or "", form.name.data or "")
            )
        if valid and not form.errors:
            user = accounts.create_staff_user(form.email.data, form.name.data, form.password.data, set(form.roles.data))
            user.must_change_password = True
            user.active = form.active.data
            user.centres = _chosen_centres(form)
            db.session.commit()
            flash(
                _(
                    "The account for %(name)s has been created. Give them the first password in person or by phone.",
                    name=user.name,
                ),
                "success",
            )
            return redirect(url_for("admin.staff_list"))
    return render_form("admin/staff_form.html", form, user=None)


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@staff("admin")
def staff_edit(user_id: int):
    """Change a staff member's name, email address, roles or whether the account is in use."""
    user = db.get_or_404(User, user_id)
    form = _with_centres(StaffForm(data=_form_data(user)))
    if form.is_submitted():
        valid = form.validate()
        roles = set(form.roles.data or ())
        if form.email.data and not form.email.errors and _email_taken(form.email.data, other_than=user):
            form.email.errors.append(_("There is already an account with this email address."))
        if user.id == current_user.id and ("admin" not in roles or not form.active.data):
            form.roles.errors.append(_("You cannot remove your own administrator role or close your own account."))
        if valid and not form.errors:
            user.name = form.name.data.strip()
            user.email = form.email.data.strip().lower()
            user.set_roles(roles)
            user.centres = _chosen_centres(form)
            accounts.set_active(user, form.active.data)
            db.session.commit()
            flash(_("The changes to %(name)s's account have been saved.", name=user.name), "success")
            return redirect(url_for("admin.staff_list"))
    return render_form("admin/staff_form.html", form, user=user, password_form=TemporaryPasswordForm())


@bp.route("/staff/<int:user_id>/reset-authenticator", methods=["POST"])
@staff("admin")
def staff_reset_authenticator(user_id: int):
    """Make the person set up their authenticator app again (lost phone)."""
    user = db.get_or_404(User, user_id)
    if EmptyForm().validate_on_submit():
        accounts.reset_authenticator(user)
        db.session.commit()
        flash(_("%(name)s will set up a new authenticator app at their next sign-in.", name=user.name), "success")
    return redirect(url_for("admin.staff_edit", user_id=user.id))


@bp.route("/staff/<int:user_id>/password", methods=["POST"])
@staff("admin")
def staff_set_password(user_id: int):
    """Give the person a new password they must change at their next sign-in."""
    user = db.get_or_404(User, user_id)
    form = TemporaryPasswordForm()
    if form.validate_on_submit():
        problems = accounts.password_problems(form.password.data, user.email, user.name)
        if not problems:
            accounts.set_temporary_password(user, form.password.data)
            db.session.commit()
            flash(
                _("The new password for %(name)s has been set. They must change it when they sign in.", name=user.name),
                "success",
            )
            return redirect(url_for("admin.staff_edit", user_id=user.id))
        form.password.errors.extend(problems)
    return render_template(
        "admin/staff_form.html",
        form=_with_centres(StaffForm(formdata=None, data=_form_data(user))),
        user=user,
        password_form=form,
    ), form_status(form)
