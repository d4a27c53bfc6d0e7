"""Administrators answer data requests (find, export, erase) and read the audit log.

Every search, export and erasure is itself written to the audit log, in the
view's transaction: each view commits once, after building its answer (so the
objects it shows are not reloaded one by one after the commit).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from core.access import current_staff, staff
from core.downloads import attachment_headers, csv_cell
from core.forms import EmptyForm
from core.i18n import current_language
from core.ids import parse_id
from core.timeutil import local_to_utc, parse_day, to_local, utcnow
from core.views import INVALID_SUBMISSION
from extensions import db

from ..activities import notifications
from ..activities.models import Registration
from ..audit.log import record, record_each
from ..audit.models import AuditEntry
from ..audit.words import on_what_basis, what_was_done
from ..auth.models import User
from ..reports.downloads import chosen_language, pdf_download
from .requests import Search, erase, export, find, views_of

bp = Blueprint("privacy", __name__, url_prefix="/admin")
for _helper in (what_was_done, on_what_basis):
    bp.add_app_template_global(_helper)
BASIS = "data request"
PAGE_SIZE = 100


SEARCH_FIELDS = ("email", "phone", "first_name", "date_of_birth")


def _search_query(values) -> dict[str, str]:
    """The search fields of a request, to carry into links and forms (not ``lang`` or anything else)."""
    return {key: value for key, value in values.items() if key in SEARCH_FIELDS}


def _search() -> Search:
    return Search(
        email=request.values.get("email", "").strip(),
        phone=request.values.get("phone", "").strip(),
        first_name=request.values.get("first_name", "").strip(),
        date_of_birth=parse_day(request.values.get("date_of_birth")),
    )


def _log(found, action: str) -> None:
    """One audit entry per child concerned (or one without a child for bookings only)."""
    record_each(current_staff(), [(child_id, "data-request") for child_id in found.child_ids or [None]], action, BASIS)


@bp.route("/data-requests")
@staff("admin")
def data_requests():
    """Find everything about a guardian (email, phone) or a child (first name and date of birth)."""
    search = _search()
    searched = any(key in request.args for key in SEARCH_FIELDS)
    found = find(search)
    if searched and not search.empty:
        _log(found, "search")
    page = render_template(
        "privacy/data_requests.html",
        search=search,
        searched=searched,
        found=found,
        views=views_of(found),
        query=_search_query(request.args),
        form=EmptyForm(),
    )
    db.session.commit()
    return page, INVALID_SUBMISSION if searched and search.empty else 200


@bp.route("/data-requests/export.json")
@staff("admin")
def export_json():
    """Everything found, as a JSON file for the person who asked."""
    found = find(_search())
    if found.nothing:
        abort(404)
    _log(found, "export")
    body = json.dumps(export(found, current_language()), ensure_ascii=False, indent=2)
    db.session.commit()
    return Response(
        body, mimetype="application/json", headers=attachment_headers(f"famnen-data-{to_local(utcnow()):%Y%m%d}.json")
    )


@bp.route("/data-requests/export.pdf")
@staff("admin")
def export_pdf():
    """Everything found, as a readable PDF in the chosen language."""
    found = find(_search())
    if found.nothing:
        abort(404)
    language = chosen_language()
    _log(found, "export")
    with force_locale(language):
        title = _("Data held about the person who asked")
        data = export(found, language)
    download = pdf_download(
        "privacy/export.html", f"famnen-data-{to_local(utcnow()):%Y%m%d}.pdf", title, language, data=data
    )
    db.session.commit()
    return download


@bp.route("/data-requests/erase", methods=["POST"])
@staff("admin")
def erase_data():
    """Erase everything found, after the administrator has typed the confirmation word."""
    search = _search()
    found = find(search)
    query = _search_query(request.form)
    if not EmptyForm().validate_on_submit() or found.nothing:
        abort(400)
    if request.form.get("confirm", "").strip().lower() != _("erase").lower():
        flash(_("Nothing was erased. Type the word %(word)s to confirm.", word=_("erase")), "error")
        return redirect(url_for("privacy.data_requests", **query))
    _log(found, "erase")
    counts, promoted = erase(found, utcnow(), current_staff())
    db.session.commit()
    # Only now that the erasure is committed: tell the families who got the freed places.
    notifications.notify_all(
        [db.session.get(Registration, registration_id) for registration_id in promoted], "promoted"
    )
    flash(
        _(
            "Erased: %(appointments)s appointments, %(registrations)s group activity registrations, "
            "%(questionnaires)s questionnaires and %(children)s children's cases. The audit log is kept.",
            **counts,
        ),
        "success",
    )
    if counts["programmes"]:
        flash(
            ngettext(
                "Also erased: %(num)d programme with its answers and notes.",
                "Also erased: %(num)d programmes with their answers and notes.",
                counts["programmes"],
            ),
            "success",
        )
    if counts["threads"] or counts["conversations"]:
        flash(
            _(
                "Also erased: message threads %(threads)s, chat conversations %(conversations)s.",
                threads=counts["threads"],
                conversations=counts["conversations"],
            ),
            "success",
        )
    if counts["time_wishes"]:
        flash(
            ngettext(
                "Also erased: %(num)d place in line for a time.",
                "Also erased: %(num)d places in line for a time.",
                counts["time_wishes"],
            ),
            "success",
        )
    return redirect(url_for("privacy.data_requests", **query))


def _audit_query():
    """The audit log entries matching the filters in the query string, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    actor = request.args.get("actor", type=parse_id)
    child = request.args.get("child", type=parse_id)
    if actor:
        query = query.where(AuditEntry.actor_id == actor)
    if child:
        query = query.where(AuditEntry.child_id == child)
    for key, compare in (
        ("from", lambda when: AuditEntry.at >= when),
        ("until", lambda when: AuditEntry.at < when + timedelta(days=1)),
    ):
        day = parse_day(request.args.get(key))
        if day is None:
            continue
        query = query.where(compare(local_to_utc(day, time(0))))
    return query


@bp.route("/audit")
@staff("admin")
def audit_log():
    """The audit log: who looked at whose data, when, where and on what basis."""
    page = max(request.args.get("page", 1, type=parse_id), 1)
    entries = db.session.scalars(_audit_query().limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    record(
        current_staff(),
        request.args.get("child", type=parse_id),
        "audit-log",
        "view",
        "administration of the audit log",
    )
    staff_members = db.session.scalars(select(User).order_by(User.name)).all()
    shown = render_template(
        "privacy/audit.html",
        entries=entries[:PAGE_SIZE],
        more=len(entries) > PAGE_SIZE,
        page=page,
        staff_members=staff_members,
        filters=request.args.to_dict(),
    )
    db.session.commit()
    return shown


@bp.route("/audit.csv")
@staff("admin")
def audit_csv():
    """The filtered audit log as a CSV file."""
    record(
        current_staff(),
        request.args.get("child", type=parse_id),
        "audit-log",
        "export",
        "administration of the audit log",
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["time_utc", "staff_id", "staff_name", "child_id", "subject", "action", "page", "basis"])
    for entry in db.session.scalars(_audit_query()):
        writer.writerow(
            [
                entry.at.isoformat(),
                entry.actor_id,
                csv_cell(entry.actor_name),
                entry.child_id or "",
                entry.subject,
                entry.action,
                entry.page,
                csv_cell(entry.basis),
            ]
        )
    db.session.commit()
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers=attachment_headers(f"famnen-audit-{to_local(utcnow()):%Y%m%d}.csv"),
    )
