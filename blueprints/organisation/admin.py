"""Administration of the organisation: family centres and the services they offer (``/admin/centres``,
``/admin/services``).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.access import staff
from core.forms import save_with_slug
from core.i18n import localized
from core.views import render_form
from extensions import db

from ..auth.accounts import professionals
from ..auth.models import User
from .forms import CentreForm, ServiceForm
from .models import Centre, Service

bp = Blueprint("organisation_admin", __name__, url_prefix="/admin")


# --- Centres ---------------------------------------------------------------------------


@bp.route("/centres")
@staff("admin")
def centres():
    """All family centres."""
    return render_template(
        "organisation/admin/centres.html", centres=db.session.scalars(select(Centre).order_by(Centre.id)).all()
    )


@bp.route("/centres/new", methods=["GET", "POST"])
@bp.route("/centres/<int:centre_id>", methods=["GET", "POST"])
@staff("admin")
def centre(centre_id: int | None = None):
    """Create or edit a family centre."""
    item = db.get_or_404(Centre, centre_id) if centre_id else None
    form = CentreForm(obj=item)
    if form.validate_on_submit():
        saved = save_with_slug(Centre, form, item)
        if saved is not None:
            db.session.commit()
            flash(_("The family centre %(name)s has been saved.", name=localized(saved, "name")), "success")
            return redirect(url_for("organisation_admin.centres"))
    return render_form("organisation/admin/centre_form.html", form, item=item)


# --- Services ----------------------------------------------------------------------------


def _professional_choices() -> list[SelectChoice]:
    return [SelectChoice(str(person.id), person.name) for person in professionals()]


@bp.route("/services")
@staff("admin")
def services():
    """All services with their booking rules."""
    return render_template(
        "organisation/admin/services.html", services=db.session.scalars(select(Service).order_by(Service.id)).all()
    )


@bp.route("/services/new", methods=["GET", "POST"])
@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@staff("admin")
def service(service_id: int | None = None):
    """Create or edit a service and choose who gives it."""
    item = db.get_or_404(Service, service_id) if service_id else None
    form = ServiceForm(obj=item)
    if not form.is_submitted():
        form.professionals.data = [str(p.id) for p in item.professionals] if item else []
    form.professionals.choices = _professional_choices()
    if form.validate_on_submit():
        chosen = [int(value) for value in form.professionals.data or []]
        professionals = list(db.session.scalars(select(User).where(User.id.in_(chosen)))) if chosen else []
        saved = save_with_slug(Service, form, item, skip=("professionals",))
        if saved is not None:
            saved.professionals = professionals
            db.session.commit()
            flash(_("The service %(name)s has been saved.", name=localized(saved, "name")), "success")
            return redirect(url_for("organisation_admin.services"))
    return render_form("organisation/admin/service_form.html", form, item=item)
