"""The families' way: the calendar, an activity and its dates, registering, and the manage link."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import lazyload
from wtforms.fields.choices import SelectChoice

from config import LANGUAGES
from core import generations
from core.access import public
from core.calendar_files import FEED_AHEAD, FEED_PAST, feed
from core.forms import EmptyForm, refuse_field
from core.i18n import LANGUAGE_NAMES, current_language, localized
from core.mail import external_url
from core.phone import normalise_phone
from core.rendering import wants_fragment
from core.sms import sms_enabled
from core.timeutil import monday_of, to_local, utcnow, week_asked
from core.views import form_status, render_form
from extensions import db

from ..auth.models import User
from ..organisation.models import Centre, active_centres
from . import calendar, ics, notifications
from . import registration as registrations
from .calendar import ACTIVITIES, LIST_WEEKS, Filters, availability, by_day, dates_between, read_filters
from .forms import CalendarFilterForm, PartyForm, RegistrationForm
from .models import AGE_GROUP_LABELS, KIND_LABELS, Activity, ActivityDate, Registration, RegistrationStatus
from .registration import ChangeNotAllowed, Guardian, NotEnoughPlaces, Party, RegistrationClosed

bp = Blueprint("activities", __name__, url_prefix="/activities")

ANY = ""
CLOSED_MESSAGES = {
    "drop_in": _l("This is a drop-in activity: no registration is needed, just come along."),
    "cancelled": _l("This date has been cancelled."),
    "past": _l("This date is over."),
    "closed": _l("Registration for this date has closed. Call us if you would still like to come."),
}


def party_text(adults: int, children: int) -> str:
    """How many come, e.g. "2 adults and 1 child", in the current language."""
    grown = ngettext("%(num)d adult", "%(num)d adults", adults)
    if not children:
        return grown
    return _(
        "%(adults)s and %(children)s", adults=grown, children=ngettext("%(num)d child", "%(num)d children", children)
    )


def not_enough_places_message(error: NotEnoughPlaces) -> str:
    """Why a party does not fit, in the current language."""
    if error.too_large:
        return ngettext(
            "At most %(num)d person can come to a date of this activity.",
            "At most %(num)d people can come to a date of this activity.",
            error.available,
        )
    if error.available == 0:
        return _("The date is full and this activity has no waiting list.")
    return ngettext(
        "Only %(num)d place is left: adults and children together can be at most %(num)d.",
        "Only %(num)d places are left: adults and children together can be at most %(num)d.",
        error.available,
    )


# Texts about activities for every template (calendar pages, staff pages, emails, and their macros).
for _helper in (
    party_text,
    calendar.organiser_text,
    calendar.kind_label,
    calendar.age_group_label,
    ics.place_text,
    ics.title_with_topic,
):
    bp.add_app_template_global(_helper)


def filter_form(centres: list[Centre]) -> tuple[CalendarFilterForm, Filters]:
    """The calendar's filter form from the query string, and the filters it stands for."""
    form = CalendarFilterForm(request.args)
    form.centre.choices = [SelectChoice(ANY, _l("Any family centre"))] + [
        SelectChoice(str(c.id), localized(c, "name")) for c in centres
    ]
    form.type.choices = [SelectChoice(ANY, _l("Any type"))] + [
        SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()
    ]
    form.language.choices = [SelectChoice(ANY, _l("Any language"))] + [
        SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES
    ]
    form.age.choices = [SelectChoice(ANY, _l("Anyone"))] + [
        SelectChoice(age.value, label) for age, label in AGE_GROUP_LABELS.items()
    ]
    filters = read_filters(form.data, centres)
    # Tampered values show as "any", which is what the results use.
    form.centre.data = str(filters.centre_id) if filters.centre_id else ANY
    form.type.data = filters.kind.value if filters.kind else ANY
    form.language.data = filters.language or ANY
    form.age.data = filters.age_group.value if filters.age_group else ANY
    return form, filters


@bp.route("/")
@public
def calendar_page():
    """The calendar of activities, as a list of the coming weeks or one week day by day, with filters.

    Cached per process under the activities generation (``core.generations``)
    until the clock alone would change it: it holds nothing personal.
    """
    now = utcnow()
    is_fragment = wants_fragment()

    def render() -> tuple[Markup, datetime]:
        today = to_local(now).date()
        centres = active_centres()
        form, filters = filter_form(centres)
        view = "week" if request.args.get("view") == "week" else "list"
        monday = week_asked(request.args.get("week"), today)
        weeks = 1 if view == "week" else LIST_WEEKS
        first_day = max(monday, today) if view == "list" else monday
        last_day = monday + timedelta(days=7 * weeks - 1)
        dates = dates_between(filters, first_day, last_day)
        html = render_template(
            "activities/_results.html" if is_fragment else "activities/_calendar.html",
            is_fragment=is_fragment,
            form=form,
            centres=centres,
            view=view,
            days=by_day(dates, first_day, last_day) if view == "week" else by_day(dates),
            availability=availability(dates, now),
            first_day=first_day,
            last_day=last_day,
            previous_week=monday - timedelta(weeks=weeks) if monday > monday_of(today) else None,
            next_week=monday + timedelta(weeks=weeks),
            date_count=len(dates),
            today=today,
        )
        return Markup(html), calendar.valid_until(dates, now)

    key = ("calendar", tuple(sorted(request.args.items(multi=True))), current_language(), is_fragment)
    body = generations.cached(ACTIVITIES, key, now, render)
    return body if is_fragment else render_template("activities/calendar.html", body=body)


def _published_activity(activity_id: int) -> Activity:
    # Leaders are loaded when shown: a cached activity page needs none of them.
    activity = db.session.get(Activity, activity_id, options=[lazyload(Activity.leaders)])
    if activity is None or not activity.published:
        abort(404)
    return activity


def _published_date(date_id: int) -> ActivityDate:
    activity_date = db.session.get(ActivityDate, date_id)
    if activity_date is None or not activity_date.activity.published:
        abort(404)
    return activity_date


@bp.route("/<int:activity_id>")
@public
def activity_page(activity_id: int):
    """An activity: what it is, where, for whom, and its coming dates (cached like the calendar)."""
    activity = _published_activity(activity_id)
    now = utcnow()

    def render() -> tuple[Markup, datetime]:
        dates = calendar.coming_dates(activity, now)
        html = render_template(
            "activities/_activity.html", activity=activity, dates=dates, availability=availability(dates, now)
        )
        return Markup(html), calendar.valid_until(dates, now)

    body = generations.cached(ACTIVITIES, ("activity", activity_id, current_language()), now, render)
    return render_template("activities/activity.html", activity=activity, body=body)


def guardian_from(form: RegistrationForm) -> Guardian:
    """The family's contact details from a valid form, tidied."""
    return Guardian(
        name=form.guardian_name.data.strip(),
        email=(form.guardian_email.data or "").strip().lower(),
        phone=normalise_phone(form.guardian_phone.data or ""),
        language=form.language.data,
        sms_wanted=bool(form.sms_wanted.data),
    )


def party_from(form: PartyForm) -> Party:
    """The adults and children from a valid form."""
    return Party(adults=form.adults.data, children=form.children.data)


def explain_refusal(form, error: RegistrationClosed | NotEnoughPlaces) -> None:
    """Put the reason a registration was refused on the form, where the error summary shows it."""
    if isinstance(error, NotEnoughPlaces):
        refuse_field(form.adults, not_enough_places_message(error))
    else:
        form.form_errors.append(str(CLOSED_MESSAGES[error.reason]))


def register_from_form(
    form: RegistrationForm, activity_date: ActivityDate, registered_by: User | None = None
) -> Registration | None:
    """Register the family a valid form describes; the view commits, then emails them.

    When the registration is refused, nothing has been written: the reason goes
    on the form and the registration is None.
    """
    try:
        return registrations.register(
            activity_date.id, party_from(form), guardian_from(form), utcnow(), registered_by=registered_by
        )
    except (RegistrationClosed, NotEnoughPlaces) as error:
        explain_refusal(form, error)
        return None


def registered_message(registration: Registration) -> str:
    """What a family is told right after registering."""
    if registration.status == RegistrationStatus.WAITING:
        return _(
            "The date is full, so you are on the waiting list: you are number %(position)s in line.",
            position=registrations.waiting_position(registration),
        )
    return _("You have a place. Welcome!")


def to_manage_page(registration: Registration, message: str, emailed: bool):
    """Send the family to their own page, saying whether the email went."""
    flash(message, "success")
    if registration.guardian_email and not emailed:
        flash(
            _("We could not send the email. Save the address of this page: it is your link to the registration."),
            "error",
        )
    elif emailed:
        flash(_("A confirmation has been sent to %(email)s.", email=registration.guardian_email), "info")
    return redirect(url_for("activities.manage", token=registrations.manage_token(registration)))


@bp.route("/dates/<int:date_id>", methods=["GET", "POST"])
@public
def date_page(date_id: int):
    """One date of an activity, with the registration form while registration is open."""
    activity_date = _published_date(date_id)
    form = RegistrationForm()
    form.sms_offered = sms_enabled()
    if not form.is_submitted():
        form.language.data = current_language()
    status = None
    if form.validate_on_submit():
        registration = register_from_form(form, activity_date)
        if registration is not None:
            db.session.commit()
            return to_manage_page(
                registration, registered_message(registration), notifications.notify_registered(registration)
            )
        status = 409
    now = utcnow()
    state = availability([activity_date], now)[activity_date.id]
    return render_form(
        "activities/date.html",
        form,
        status=status,
        activity_date=activity_date,
        activity=activity_date.activity,
        state=state,
        closes_at=registrations.closes_at(activity_date),
        closed_message=CLOSED_MESSAGES.get(state.state),
        other_dates=[
            item for item in calendar.coming_dates(activity_date.activity, now) if item.id != activity_date.id
        ][:6],
    )


# --- The family's manage link ------------------------------------------------------------


class LinkInvalid(Exception):
    """A manage link that points at no registration."""


@bp.errorhandler(LinkInvalid)
def _link_invalid(error: LinkInvalid):
    return render_template("activities/link_invalid.html"), 404


def _registration_or_404(token: str) -> Registration:
    registration = registrations.registration_for_token(token)
    if registration is None:
        raise LinkInvalid()
    return registration


def render_manage(registration: Registration, token: str, form: PartyForm | None = None, status: int = 200):
    """The family's page for their registration, optionally with a change form that has errors."""
    now = utcnow()
    activity_date = registration.date
    if form is None:
        form = PartyForm(prefix="change", formdata=None, obj=registration)
    return render_template(
        "activities/manage.html",
        registration=registration,
        activity_date=activity_date,
        activity=activity_date.activity,
        token=token,
        form=form,
        position=registrations.waiting_position(registration),
        can_change=registration.status != RegistrationStatus.CANCELLED
        and registrations.closed_reason(activity_date, now) is None,
        can_cancel=registrations.family_can_cancel(registration, now),
        is_past=activity_date.ends_at <= now,
        cancel_form=EmptyForm(),
    ), status


@bp.route("/registration/<token>")
@public
def manage(token: str):
    """The family's own page: their place or their position in the queue; change the numbers or cancel."""
    return render_manage(_registration_or_404(token), token)


@bp.route("/registration/<token>/change", methods=["POST"])
@public
def change(token: str):
    """The family changes how many adults and children come."""
    registration = _registration_or_404(token)
    form = PartyForm(prefix="change")
    if not form.validate_on_submit():
        return render_manage(registration, token, form, form_status(form))
    try:
        promoted = registrations.change_party(registration, party_from(form), utcnow())
    except NotEnoughPlaces as error:
        explain_refusal(form, error)
        return render_manage(registration, token, form, 409)
    except (RegistrationClosed, ChangeNotAllowed):
        flash(_("The registration can no longer be changed here. Call us to change it."), "error")
        return redirect(url_for("activities.manage", token=token))
    db.session.commit()
    # A family on the waiting list whose smaller group now fits gets one email: the place.
    got_place = registration in promoted
    notifications.notify_all([row for row in promoted if row is not registration], "promoted")
    emailed = notifications.notify(registration, "promoted" if got_place else "changed")
    message = _("Your registration has been changed.") + (" " + _("You have a place. Welcome!") if got_place else "")
    return to_manage_page(registration, message, emailed)


@bp.route("/registration/<token>/cancel", methods=["POST"])
@public
def cancel(token: str):
    """The family cancels; the places go to the first in line on the waiting list."""
    registration = _registration_or_404(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        cancellation = notifications.cancel(registration, utcnow())
    except ChangeNotAllowed:
        flash(_("The registration can no longer be cancelled here. Call us to cancel it."), "error")
        return redirect(url_for("activities.manage", token=token))
    db.session.commit()
    emailed, _unreached = notifications.tell_cancelled(cancellation)
    flash(_("Your registration has been cancelled."), "success")
    if emailed:
        flash(_("A confirmation has been sent to %(email)s.", email=registration.guardian_email), "info")
    return redirect(url_for("activities.manage", token=token))


@bp.route("/registration/<token>/activity.ics")
@public
def calendar_file(token: str):
    """The date as a calendar file, for a family with a place."""
    registration = _registration_or_404(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        abort(404)
    with force_locale(registration.language):
        content = notifications.calendar_file(registration, url_for("activities.manage", token=token, _external=True))
    return Response(
        content, mimetype="text/calendar", headers={"Content-Disposition": 'attachment; filename="activity.ics"'}
    )


# --- Public calendar feeds ---------------------------------------------------------------


def _feed(centre: Centre | None):
    """The published dates (of one centre, or all) as a subscribable calendar, in the language asked for."""
    language = request.args.get("lang")
    now = utcnow()
    query = (
        select(ActivityDate)
        .join(ActivityDate.activity)
        .where(Activity.published, ActivityDate.starts_at >= now - FEED_PAST, ActivityDate.starts_at < now + FEED_AHEAD)
        .order_by(ActivityDate.starts_at)
    )
    if centre is not None:
        query = query.where(Activity.centre_id == centre.id)
    with force_locale(language if language in LANGUAGES else current_language()):
        events = [
            ics.date_event(item, external_url("activities.date_page", date_id=item.id), now)
            for item in db.session.scalars(query)
        ]
        name = _("Activities") + (f" – {localized(centre, 'name')}" if centre else "")
    return Response(
        feed(events, f"Famnen – {name}"),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="activities.ics"'},
    )


@bp.route("/feed.ics")
@public
def feed_all():
    """Every published activity date as a calendar feed."""
    return _feed(None)


@bp.route("/centres/<slug>/feed.ics")
@public
def feed_centre(slug: str):
    """The published activity dates of one family centre as a calendar feed."""
    centre = db.session.scalar(select(Centre).where(Centre.slug == slug, Centre.active))
    if centre is None:
        abort(404)
    return _feed(centre)
