"""The start page every signed-in staff member lands on: Today, and acknowledging urgent flags.

The page gathers its sections with ``today.today_for`` (domain functions, no
HTTP); the views here only check access, write the audit log and commit.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.access import ALL_STAFF, current_staff, staff
from core.i18n import current_language, pick
from core.rendering import wants_fragment
from core.timeutil import to_local, utcnow
from extensions import db

from ..audit.log import record, record_each, refuse
from ..questionnaires.answering import definition_of
from ..questionnaires.invitations import access_basis
from . import today
from .forms import AcknowledgeForm

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.app_context_processor
def _urgent_flag_count() -> dict:
    """``urgent_flag_count()`` for the header of every page: one COUNT query, only when a page asks."""

    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        if "urgent_flag_count" not in g:
            g.urgent_flag_count = today.urgent_flag_count(current_user._get_current_object())
        return g.urgent_flag_count

    return {"urgent_flag_count": count}


def _render_today(**extra) -> str:
    """The Today page (or, for htmx, its urgent section), with every client shown audit-logged."""
    me = current_staff()
    now = utcnow()
    day = today.today_for(me, to_local(now).date(), now)
    for basis, shown in day.audit_entries(me).items():
        record_each(me, shown, "list", basis)
    g.urgent_flag_count = len(day.flags)
    template = "staff/_urgent.html" if wants_fragment() else "staff/index.html"
    return render_template(template, day=day, now=now, form=AcknowledgeForm(), is_fragment=wants_fragment(), **extra)


@bp.route("/")
@staff(*ALL_STAFF)
def index():
    """Today: urgent flags first, the day's appointments, new answers and group activities, then the menu."""
    page = _render_today()
    db.session.commit()  # the audit entries
    return page


@bp.route("/flags/<int:response_id>/acknowledge", methods=["POST"])
@staff("professional")
def acknowledge(response_id: int):
    """Record "I have acted on this" for a flagged response: it leaves everyone's Today page."""
    me = current_staff()
    try:
        response = today.flagged_response(response_id)
    except today.NotFlagged:
        abort(404)
    child = response.visit.child
    basis = access_basis(me, child)
    if basis is None:
        refuse(me, child.id, f"response:{response.id}", "no part in the child's case")
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        message = " ".join(map(str, form.note.errors)) or _("The form had expired. Try again.")
        if wants_fragment():
            page = _render_today(problem=message, problem_response=response.id)
            db.session.commit()  # the audit entries of what the fragment shows
            return page, 422
        flash(message, "error")
        return redirect(url_for("staff.index"))
    acknowledgement, new = today.acknowledge(response, me, utcnow(), form.note.data or "")
    record(me, child.id, f"response:{response.id}", "acknowledge", basis)
    title = pick(definition_of(response).title, current_language())
    if new:
        message = _("Marked as acted on: %(child)s, %(instrument)s.", child=child.first_name, instrument=title)
    else:
        message = _("%(name)s had already marked this as acted on.", name=acknowledgement.acknowledged_by_name)
    page = _render_today(announcement=message) if wants_fragment() else None
    db.session.commit()  # the acknowledgement and its audit entries, with those of the fragment shown
    if page is not None:
        return page
    flash(message, "success")
    return redirect(url_for("staff.index"))
