"""The "find a time" page shared by families booking, families moving and staff booking by phone.

Reads the wishes from the query string, offers only choices that can give
times, and groups one week's free slots by day for the templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from config import LANGUAGES
from core import generations
from core.forms import language_choices
from core.i18n import clock, current_language, localized, long_date
from core.rendering import wants_fragment
from core.timeutil import local_to_utc, monday_of, to_local, utcnow, week_asked
from extensions import db

from ..auth.models import User
from ..organisation.models import Centre, Service
from .forms import TimesForm
from .free_times import Slot, bookable_window, nearest
from .models import WorkingHours
from .time_search import (
    AVAILABILITY,
    SlotQuery,
    encode_slot,
    find_slots,
    professionals_for,
    profiles_by_user,
    rules_for,
)

MODE_LABELS = {"in_person": _l("At the family centre"), "phone": _l("By phone"), "video": _l("By video")}
ANY = ""
# How far the finder looks for the next free time when the week shown has none.
SEARCH_WEEKS = 26


@dataclass
class ShownSlot:
    """A free slot with what a family needs to recognise it."""

    value: str
    starts_at: datetime
    ends_at: datetime
    professional: str
    place: str
    date_label: str  # e.g. "tisdag 3 december 2026"
    at_label: str  # e.g. "tisdag 3 december 2026 kl.", read out before the time
    time_label: str  # e.g. "9.30"


@dataclass
class DaySlots:
    """The free slots of one day."""

    day: date
    slots: list[ShownSlot] = field(default_factory=list)


@dataclass
class Week:
    """One week of free slots and the links around it."""

    monday: date
    days: list[DaySlots]
    previous_monday: date | None
    next_monday: date | None
    next_free: date | None  # the week of the next free time, when this week has none

    @property
    def sunday(self) -> date:
        """The last day of the week."""
        return self.monday + timedelta(days=6)

    @property
    def slot_count(self) -> int:
        """How many free times the week has."""
        return sum(len(day.slots) for day in self.days)


def _centres_of(service: Service) -> list[Centre]:
    ids = [user.id for user in service.professionals if user.active]
    if not ids:
        return []
    centre_ids = select(WorkingHours.centre_id).where(WorkingHours.user_id.in_(ids)).distinct()
    return list(db.session.scalars(select(Centre).where(Centre.id.in_(centre_ids), Centre.active).order_by(Centre.id)))


def build_form(service: Service, family: bool) -> tuple[TimesForm, SlotQuery]:
    """Read the wishes from the query string, limited to what this service offers."""
    form = TimesForm(request.args)
    professionals = professionals_for(service)
    profiles = profiles_by_user([user.id for user in professionals])
    languages = tuple(code for code in LANGUAGES if any(code in p.language_codes for p in profiles.values()))

    form.mode.choices = [SelectChoice(mode, MODE_LABELS[mode]) for mode in service.modes]
    form.centre.choices = [SelectChoice(ANY, _l("Any family centre"))] + [
        SelectChoice(str(centre.id), localized(centre, "name")) for centre in _centres_of(service)
    ]
    form.language.choices = [SelectChoice(ANY, _l("Any language"))] + language_choices(languages)
    form.professional.choices = [SelectChoice(ANY, _l("Anyone"))] + [
        SelectChoice(str(user.id), user.name) for user in professionals
    ]
    # Unknown or tampered values fall back to the defaults instead of failing.
    if form.mode.data not in service.modes:
        form.mode.data = service.modes[0] if service.modes else None
    if form.centre.data not in {c.value for c in form.centre.choices}:
        form.centre.data = ANY
    if form.professional.data not in {c.value for c in form.professional.choices}:
        form.professional.data = ANY
    if "language" not in request.args:
        # Families are served in their own language when someone can (Language Act).
        form.language.data = current_language() if current_language() in languages and family else ANY
    elif form.language.data not in {c.value for c in form.language.choices}:
        form.language.data = ANY

    query = SlotQuery(
        service=service,
        mode=form.mode.data or "in_person",
        centre_id=int(form.centre.data) if form.centre.data else None,
        language=form.language.data or None,
        professional_id=int(form.professional.data) if form.professional.data else None,
        family=family,
    )
    return form, query


def place_label(mode: str, centre: Centre | None) -> str:
    """Where a slot is, as families read it: the centre's name, or by phone or video."""
    if mode != "in_person" or centre is None:
        return str(MODE_LABELS[mode])
    return localized(centre, "name")


def shown_slots(slots: list[Slot], mode: str) -> list[ShownSlot]:
    """Attach names of professionals and places to slots."""
    if not slots:
        return []
    names = dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_({s.professional_id for s in slots}))).all()
    )
    centres = {
        centre.id: centre
        for centre in db.session.scalars(select(Centre).where(Centre.id.in_({s.centre_id for s in slots})))
    }
    places = {centre_id: place_label(mode, centre) for centre_id, centre in centres.items()}
    # Labels are made once per day and per place, and the language looked up once:
    # formatting and translating are the slow part of a page with a hundred free times.
    language = current_language()
    no_place = place_label(mode, None)
    date_labels: dict[date, tuple[str, str]] = {}
    shown = []
    for slot in slots:
        day = to_local(slot.starts_at).date()
        if day not in date_labels:
            label = long_date(slot.starts_at)
            date_labels[day] = (label, _("%(date)s at", date=label))
        shown.append(
            ShownSlot(
                encode_slot(slot, mode),
                slot.starts_at,
                slot.ends_at,
                names.get(slot.professional_id, ""),
                places.get(slot.centre_id, no_place),
                *date_labels[day],
                clock(slot.starts_at, language),
            )
        )
    return shown


def shown_choice(service: Service, choice) -> ShownSlot:
    """A chosen slot (from a form) as families read it."""
    ends_at = choice.starts_at + timedelta(minutes=service.duration_minutes)
    return shown_slots([Slot(choice.starts_at, choice.professional_id, choice.centre_id, ends_at)], choice.mode)[0]


def week_of_slots(
    query: SlotQuery, week_value: str | None, now: datetime, ignore_appointment: int | None = None
) -> tuple[Week, datetime]:
    """The free slots of the requested week, grouped by day, with links to the weeks around it.

    Without a week asked for, an empty current week gives way to the first week with free times.
    Also returns the moment until which the clock alone leaves the week true.
    """
    return _SlotSearch(query, now, ignore_appointment).week(week_value)


@dataclass
class _SlotSearch:
    """The searches behind one week's page, remembering the earliest slot any of them offered."""

    query: SlotQuery
    now: datetime
    ignore_appointment: int | None
    earliest: datetime | None = None

    def week(self, week_value: str | None) -> tuple[Week, datetime]:
        """The week, and the moment until which the clock alone leaves it true."""
        today = to_local(self.now).date()
        monday = week_asked(week_value, today)
        rules = rules_for(self.query.service, self.query.family)
        _earliest, horizon = bookable_window(rules, self.now)
        slots = self._week_slots(monday, horizon)
        next_free = None
        if not slots and monday <= horizon:
            next_free, next_slots = self._next_free_week(monday, horizon)
            if not week_value and next_free:
                # The search has the following week's slots already when that is the one found.
                monday = next_free
                slots = next_slots if next_slots else self._week_slots(monday, horizon)
                next_free = None
        week = _week(monday, slots, self.query.mode, today, horizon, next_free)
        # Midnight moves "today" and the booking horizon; the first slot offered goes
        # when it passes the minimum notice. Nothing else changes by the clock alone.
        valid_until = local_to_utc(today + timedelta(days=1), time(0))
        if self.earliest is not None:
            valid_until = min(valid_until, self.earliest - rules.min_notice)
        return week, valid_until

    def find(self, first_day: date, last_day: date) -> list[Slot]:
        """``find_slots`` for these days, noting the earliest slot found."""
        slots = find_slots(self.query, first_day, last_day, self.now, self.ignore_appointment)
        if slots and (self.earliest is None or slots[0].starts_at < self.earliest):
            self.earliest = slots[0].starts_at
        return slots

    def _week_slots(self, monday: date, horizon: date) -> list[Slot]:
        if monday > horizon:
            return []
        return self.find(monday, monday + timedelta(days=6))

    def _next_free_week(self, monday: date, horizon: date) -> tuple[date | None, list[Slot]]:
        """The Monday of the first later week with a free time, and that week's slots when it is the next one.

        The next week is looked at on its own first, as it usually has times; only
        when it has none are the weeks up to ``SEARCH_WEEKS`` ahead searched at once.
        """
        following = monday + timedelta(days=7)
        slots = self._week_slots(following, horizon)
        if slots:
            return following, slots
        first_day = following + timedelta(days=7)
        last_day = min(horizon, monday + timedelta(weeks=SEARCH_WEEKS))
        later = self.find(first_day, last_day) if first_day <= last_day else []
        return (monday_of(to_local(later[0].starts_at).date()) if later else None), []


def _week(monday: date, slots: list[Slot], mode: str, today: date, horizon: date, next_free: date | None) -> Week:
    by_day: dict[date, DaySlots] = {}
    for shown in shown_slots(slots, mode):
        day = to_local(shown.starts_at).date()
        by_day.setdefault(day, DaySlots(day)).slots.append(shown)
    return Week(
        monday=monday,
        days=[by_day[day] for day in sorted(by_day)],
        previous_monday=monday - timedelta(days=7) if monday > monday_of(today) else None,
        next_monday=monday + timedelta(days=7) if monday + timedelta(days=7) <= horizon else None,
        next_free=next_free,
    )


def nearest_alternatives(
    query: SlotQuery, wanted: datetime, now: datetime, ignore_appointment: int | None = None
) -> list[ShownSlot]:
    """Up to six free slots closest to ``wanted``, for when the chosen one was just taken."""
    day = to_local(wanted).date()
    slots = find_slots(
        query, max(day - timedelta(days=3), to_local(now).date()), day + timedelta(days=10), now, ignore_appointment
    )
    return shown_slots(nearest(slots, wanted), query.mode)


def query_for_choice(service: Service, mode: str, centre_id: int, language: str | None, family: bool) -> SlotQuery:
    """The search a family's chosen slot came from, to look for alternatives near it."""
    return SlotQuery(service, mode, centre_id if mode == "in_person" else None, language, None, family)


def render_times(
    service: Service,
    family: bool,
    back_url: str,
    back_text: str,
    slot_action: str,
    times_url: str,
    slot_method: str = "get",
    moving=None,
    wait_url: str | None = None,
):
    """The "find a time" page (or, for htmx, its week of slots) for any of the flows that use it.

    The wishes form and the week of slots are cached per process under the
    availability generation (``core.generations``) until the clock alone would
    change them: they hold nothing personal. Moving an appointment (which hides
    its own time) and forms sent by POST (which carry a CSRF token) are not cached.
    """
    is_fragment = wants_fragment()
    now = utcnow()

    def render() -> tuple[Markup, datetime]:
        form, query = build_form(service, family=family)
        week, valid_until = week_of_slots(
            query, request.args.get("week"), now, ignore_appointment=moving.id if moving else None
        )
        html = render_template(
            "booking/_times.html" if is_fragment else "booking/_finder.html",
            is_fragment=is_fragment,
            form=form,
            week=week,
            slot_action=slot_action,
            slot_method=slot_method,
            times_url=times_url,
            wait_url=wait_url,
        )
        return Markup(html), valid_until

    if moving is None and slot_method == "get":
        key = (
            service.id,
            family,
            tuple(sorted(request.args.items(multi=True))),
            current_language(),
            is_fragment,
            slot_action,
            times_url,
            wait_url,
        )
        body = generations.cached(AVAILABILITY, key, now, render)
    else:
        body = render()[0]
    if is_fragment:
        return body
    return render_template(
        "booking/times.html",
        service=service,
        body=body,
        moving=moving,
        back_url=back_url,
        back_text=back_text,
    )
