"""Administration of booking: professionals' profiles, weekly working hours and absences."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.access import current_staff, staff
from core.forms import EmptyForm
from core.i18n import language_list, localized
from core.timeutil import local_days, local_to_utc, utcnow
from core.views import form_status
from extensions import db

from ..auth.models import StaffRole, User
from ..organisation.models import Centre, active_centres
from . import appointments
from .appointments import AlreadyBlocked, TimeNotFree
from .forms import WEEKDAYS, AbsenceForm, ProfileForm, WorkingHoursForm, already_blocked_message
from .models import Absence, ProfessionalProfile, WorkingHours
from .working_hours import overlapping_hours

bp = Blueprint("booking_admin", __name__, url_prefix="/admin")


def _professional(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not user.has_role("professional"):
        abort(404)
    return user


@bp.route("/professionals")
@staff("admin")
def professionals():
    """Professionals with their titles, languages and working hours."""
    people = db.session.scalars(
        select(User).join(StaffRole).where(StaffRole.role == "professional").order_by(User.name)
    ).all()
    profiles = {p.user_id: p for p in db.session.scalars(select(ProfessionalProfile))}
    hours = {}
    for block in db.session.scalars(select(WorkingHours).order_by(WorkingHours.weekday, WorkingHours.start_time)):
        hours.setdefault(block.user_id, []).append(block)
    return render_template(
        "booking/admin/professionals.html", people=people, profiles=profiles, hours=hours, weekdays=WEEKDAYS
    )


def _professional_page(user: User, profile_form=None, hours_form=None, absence_form=None, conflicts=None, status=200):
    profile = db.session.get(ProfessionalProfile, user.id)
    if profile_form is None:
        profile_form = ProfileForm(obj=profile, formdata=None)
        profile_form.languages.data = list(profile.language_codes) if profile else ["sv", "fi"]
    centres = active_centres()
    hours_form = hours_form or WorkingHoursForm(formdata=None, prefix="hours")
    hours_form.centre.choices = [SelectChoice(str(c.id), localized(c, "name")) for c in centres]
    blocks = db.session.scalars(
        select(WorkingHours)
        .where(WorkingHours.user_id == user.id)
        .order_by(WorkingHours.weekday, WorkingHours.start_time)
    ).all()
    # Current and coming absences in date order: the ones that still affect bookings.
    absences = db.session.scalars(
        select(Absence).where(Absence.user_id == user.id, Absence.ends_at > utcnow()).order_by(Absence.starts_at)
    ).all()
    return render_template(
        "booking/admin/professional.html",
        user=user,
        profile_form=profile_form,
        hours_form=hours_form,
        absence_form=absence_form or AbsenceForm(formdata=None, prefix="absence"),
        blocks=blocks,
        absences=absences,
        conflicts=conflicts or [],
        weekdays=WEEKDAYS,
    ), status


@bp.route("/professionals/<int:user_id>", methods=["GET", "POST"])
@staff("admin")
def professional(user_id: int):
    """A professional's profile (title, languages, video room), hours and absences."""
    user = _professional(user_id)
    form = ProfileForm()
    if form.validate_on_submit():
        profile = db.session.get(ProfessionalProfile, user.id) or ProfessionalProfile(user_id=user.id)
        for name in ("title_sv", "title_fi", "title_en", "video_url"):
            form[name].populate_obj(profile, name)
        profile.languages = language_list(form.languages.data)
        db.session.add(profile)
        db.session.commit()
        flash(_("The profile of %(name)s has been saved.", name=user.name), "success")
        return redirect(url_for("booking_admin.professional", user_id=user.id))
    if form.is_submitted():
        return _professional_page(user, profile_form=form, status=form_status(form))
    return _professional_page(user)


@bp.route("/professionals/<int:user_id>/hours", methods=["POST"])
@staff("admin")
def add_hours(user_id: int):
    """Add a weekly block of working hours, refusing overlaps at any centre."""
    user = _professional(user_id)
    form = WorkingHoursForm(prefix="hours")
    form.centre.choices = [SelectChoice(str(c.id), "") for c in db.session.scalars(select(Centre))]
    if form.validate_on_submit():
        weekday = int(form.weekday.data)
        clash = overlapping_hours(
            user.id, weekday, form.start.data, form.end.data, form.valid_from.data, form.valid_until.data
        )
        if clash is None:
            db.session.add(
                WorkingHours(
                    user_id=user.id,
                    centre_id=int(form.centre.data),
                    weekday=weekday,
                    start_time=form.start.data,
                    end_time=form.end.data,
                    valid_from=form.valid_from.data,
                    valid_until=form.valid_until.data,
                )
            )
            db.session.commit()
            flash(_("The working hours have been added."), "success")
            return redirect(url_for("booking_admin.professional", user_id=user.id) + "#hours")
        form.start.errors.append(
            _(
                "These hours overlap %(weekday)s %(start)s–%(end)s at %(centre)s.",
                weekday=WEEKDAYS[clash.weekday],
                start=clash.start_time.strftime("%H.%M"),
                end=clash.end_time.strftime("%H.%M"),
                centre=localized(clash.centre, "name"),
            )
        )
    return _professional_page(user, hours_form=form, status=form_status(form))


@bp.route("/hours/<int:hours_id>/delete", methods=["POST"])
@staff("admin")
def delete_hours(hours_id: int):
    """Remove a block of working hours (booked appointments stay as they are)."""
    block = db.get_or_404(WorkingHours, hours_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    user_id = block.user_id
    db.session.delete(block)
    db.session.commit()
    flash(_("The working hours have been removed. Appointments already booked are kept."), "success")
    return redirect(url_for("booking_admin.professional", user_id=user_id) + "#hours")


@bp.route("/professionals/<int:user_id>/absences", methods=["POST"])
@staff("admin")
def add_absence(user_id: int):
    """Record leave over whole days or part of a day."""
    user = _professional(user_id)
    form = AbsenceForm(prefix="absence")
    conflicts = []
    if form.validate_on_submit():
        last_day = form.last_day.data or form.first_day.data
        if form.start.data:
            starts_at, ends_at = (
                local_to_utc(form.first_day.data, form.start.data),
                local_to_utc(last_day, form.end.data),
            )
        else:
            starts_at, ends_at = local_days(form.first_day.data, last_day)
        try:
            appointments.block_time(user.id, starts_at, ends_at, form.note.data or "", current_staff())
        except TimeNotFree as error:
            conflicts = error.appointments
            form.first_day.errors.append(_("There are booked appointments in that time. Move or cancel them first."))
        except AlreadyBlocked as error:
            form.first_day.errors.append(already_blocked_message(error.absence))
        else:
            db.session.commit()
            flash(_("The absence has been recorded."), "success")
            return redirect(url_for("booking_admin.professional", user_id=user.id) + "#absences")
    return _professional_page(
        user, absence_form=form, conflicts=conflicts, status=409 if conflicts else form_status(form)
    )
