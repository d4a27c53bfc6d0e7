"""Administration of programmes (``/admin/programmes``): which imported programmes the centre offers.

Programmes are imported with ``flask programmes import`` (docs/programmes.md); here an
administrator sees them and takes one out of use or back. Families already enrolled go on.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from core.access import staff
from core.forms import EmptyForm
from core.i18n import pick
from extensions import db

from . import store

bp = Blueprint("programmes_admin", __name__, url_prefix="/admin/programmes")


@bp.route("/")
@staff("admin")
def programmes():
    """Every imported programme, newest version, whether it is offered, and how many families it had."""
    return render_template(
        "programmes/admin/programmes.html", rows=store.overview(), form=EmptyForm(), command="flask programmes import"
    )


@bp.route("/<programme_id>/use", methods=["POST"])
@staff("admin")
def toggle_use(programme_id: str):
    """Offer a programme again, or take it out of use (enrolments on it go on)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    stored = store.newest_version_row(programme_id)
    if stored is None:
        abort(404)
    stored.in_use = not stored.in_use
    db.session.commit()
    title = pick(store.load_latest(programme_id).title)
    if stored.in_use:
        flash(_("%(title)s is offered again.", title=title), "success")
    else:
        flash(_("%(title)s is no longer offered. Families already in it go on.", title=title), "success")
    return redirect(url_for("programmes_admin.programmes"))
