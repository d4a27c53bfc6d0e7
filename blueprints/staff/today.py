"""What a staff member's day holds: urgent flags first, today's appointments, new answers, group activities.

Plain functions over the models of the other features, without Flask requests,
so the Today page's rules are tested without HTTP. Who may see what follows the
features' own rules: a professional sees the questionnaires of the children
whose case they take part in (questionnaires.invitations.access_basis), the
appointments their role may open (booking.permissions) and the activities they
manage (activities.permissions); reception and administrators never see
questionnaire content here.

A response is "read" by a professional once they have opened its result page:
that view is already in the audit log (action "view", subject "response:<id>"),
which is the one record of who has seen a client's data, so it is not kept twice.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, exists, func, select

from core.timeutil import local_days
from extensions import db

from ..activities.calendar import Availability, availability
from ..activities.models import Activity, ActivityDate
from ..activities.permissions import manageable
from ..audit.models import AuditEntry
from ..auth.models import User
from ..booking import permissions as booking_permissions
from ..booking.models import ACTIVE_STATUSES, Appointment
from ..questionnaires.answering import definition_of
from ..questionnaires.definition import Definition, Flag
from ..questionnaires.invitations import Status, access_basis, status
from ..questionnaires.models import CaseMember, Child, Response, Visit
from .models import NOTE_MAX_LENGTH, FlagAcknowledgement

# How the stored summary (scoring.Result.summary(), written with json.dumps) looks when a flag
# was raised: a non-empty list. Matching the text keeps the count one portable query.
FLAGGED_JSON = '%"flags": [{%'
# Answers sent this long ago or less count as new until the professional opens them.
NEW_ANSWERS_DAYS = 30
NEW_ANSWERS_LIMIT = 50


class NotFlagged(LookupError):
    """The response raised no urgent flag (or is not a sent answer to a child's questionnaire)."""


# --- Urgent flags ---------------------------------------------------------------------------------


def _flagged_visible_to(user: User) -> Select:
    """Sent, flagged responses about children whose case ``user`` takes part in, as a professional."""
    return (
        select(Response)
        .join(Visit, Response.visit_id == Visit.id)
        .join(CaseMember, (CaseMember.child_id == Visit.child_id) & (CaseMember.user_id == user.id))
        .where(Response.submitted_at.is_not(None), Response.result_json.like(FLAGGED_JSON))
    )


def _unacknowledged() -> object:
    return ~exists().where(FlagAcknowledgement.response_id == Response.id)


def urgent_flag_count(user: User) -> int:
    """How many flagged responses ``user`` may see that nobody has acknowledged: one COUNT query (0 for other roles)."""
    if not user.has_role("professional"):
        return 0
    query = _flagged_visible_to(user).where(_unacknowledged()).with_only_columns(func.count(Response.id))
    return db.session.scalar(query) or 0


@dataclass(frozen=True)
class UrgentFlag:
    """A flagged response waiting for someone to act: the child, the instrument, when it arrived, why."""

    response: Response
    child: Child
    definition: Definition
    flags: tuple[Flag, ...]
    basis: str

    @property
    def arrived_at(self) -> datetime:
        """When the family sent the answers."""
        return self.response.submitted_at


def _definition(cache: dict[tuple[str, int], Definition], response: Response) -> Definition:
    key = (response.instrument_id, response.instrument_version)
    if key not in cache:
        cache[key] = definition_of(response)
    return cache[key]


def _raised(definition: Definition, response: Response) -> tuple[Flag, ...]:
    """The definition's flags that the stored summary says were raised, in the definition's order."""
    raised = {flag["id"] for flag in response.result_summary.get("flags", [])}
    return tuple(flag for flag in definition.flags if flag.id in raised)


def urgent_flags(user: User) -> list[UrgentFlag]:
    """Every unacknowledged flagged response ``user`` may see, oldest first (the longest wait first)."""
    if not user.has_role("professional"):
        return []
    responses = db.session.scalars(
        _flagged_visible_to(user).where(_unacknowledged()).order_by(Response.submitted_at, Response.id)
    )
    cache: dict[tuple[str, int], Definition] = {}
    found = []
    for response in responses:
        child = response.visit.child
        basis = access_basis(user, child)
        if basis is None:  # the membership query and the access rule agree; this guards the rule changing
            continue
        definition = _definition(cache, response)
        found.append(UrgentFlag(response, child, definition, _raised(definition, response), basis))
    return found


def flagged_response(response_id: int) -> Response:
    """A sent response with an urgent flag, for acknowledging; NotFlagged when there is none such.

    The caller checks ``access_basis`` itself, so that a refusal is audit-logged.
    """
    response = db.session.get(Response, response_id)
    if (
        response is None
        or response.visit is None
        or response.submitted_at is None
        or not response.result_summary.get("flags")
    ):
        raise NotFlagged(response_id)
    return response


def acknowledgement_of(response: Response) -> FlagAcknowledgement | None:
    """Who acknowledged the response's flags and when, or None while nobody has."""
    return db.session.get(FlagAcknowledgement, response.id)


def acknowledge(response: Response, user: User, now: datetime, note: str = "") -> tuple[FlagAcknowledgement, bool]:
    """Record that ``user`` has acted on the response's urgent flags; returns it and whether it is new. Flushes.

    Acknowledging twice (two colleagues at once, a double click) keeps the first one.
    """
    earlier = acknowledgement_of(response)
    if earlier is not None:
        return earlier, False
    acknowledgement = FlagAcknowledgement(
        response_id=response.id,
        acknowledged_by_id=user.id,
        acknowledged_by_name=user.name,
        acknowledged_at=now,
        note=note.strip()[:NOTE_MAX_LENGTH],
    )
    db.session.add(acknowledgement)
    db.session.flush()
    return acknowledgement, True


# --- Read state -----------------------------------------------------------------------------------


def read_by(user: User, response_ids: list[int]) -> set[int]:
    """Which of the responses ``user`` has opened (their result page's view is in the audit log)."""
    if not response_ids:
        return set()
    subjects = db.session.scalars(
        select(AuditEntry.subject)
        .distinct()
        .where(
            AuditEntry.actor_id == user.id,
            AuditEntry.action == "view",
            AuditEntry.subject.in_([f"response:{response_id}" for response_id in response_ids]),
        )
    )
    return {int(subject.split(":", 1)[1]) for subject in subjects}


@dataclass(frozen=True)
class NewAnswer:
    """A response sent recently that the professional has not opened yet."""

    response: Response
    child: Child
    definition: Definition
    flagged: bool


def new_answers(user: User, now: datetime) -> list[NewAnswer]:
    """Responses sent in the last NEW_ANSWERS_DAYS about the professional's cases and not yet opened by them, newest
    first.
    """
    if not user.has_role("professional"):
        return []
    responses = list(
        db.session.scalars(
            select(Response)
            .join(Visit, Response.visit_id == Visit.id)
            .join(CaseMember, (CaseMember.child_id == Visit.child_id) & (CaseMember.user_id == user.id))
            .where(Response.submitted_at >= now - timedelta(days=NEW_ANSWERS_DAYS))
            .order_by(Response.submitted_at.desc(), Response.id.desc())
            .limit(NEW_ANSWERS_LIMIT)
        )
    )
    opened = read_by(user, [response.id for response in responses])
    cache: dict[tuple[str, int], Definition] = {}
    return [
        NewAnswer(
            response, response.visit.child, _definition(cache, response), bool(response.result_summary.get("flags"))
        )
        for response in responses
        if response.id not in opened
    ]


# --- Today's appointments with their questionnaires -------------------------------------------------


class QuestionnaireState(enum.StrEnum):
    """Where a family's questionnaire before an appointment stands, for the professional."""

    INVITED = "invited"  # sent to the family, not answered yet
    OVERDUE = "overdue"  # the link expired without answers
    URGENT = "urgent"  # answered, with an urgent flag nobody has acknowledged
    ANSWERED = "answered"  # answered, not yet opened by this professional
    READ = "read"  # answered and opened by this professional


@dataclass(frozen=True)
class QuestionnaireRow:
    """One questionnaire of the visit before an appointment."""

    response: Response
    definition: Definition
    state: QuestionnaireState


@dataclass
class AppointmentRow:
    """An appointment of the day; ``child`` and ``questionnaires`` only when the viewer may read the child's case."""

    appointment: Appointment
    child: Child | None = None
    questionnaires: list[QuestionnaireRow] = field(default_factory=list)


def _day_query(day: date) -> Select:
    start, end = local_days(day, day)
    return (
        select(Appointment)
        .where(Appointment.starts_at >= start, Appointment.starts_at < end, Appointment.status.in_(ACTIVE_STATUSES))
        .order_by(Appointment.starts_at, Appointment.professional_id)
    )


def own_appointments(user: User, day: date, now: datetime) -> list[AppointmentRow]:
    """The professional's own appointments of a (Helsinki) day, each with the questionnaires of the linked child."""
    if not user.has_role("professional"):
        return []
    appointments = db.session.scalars(_day_query(day).where(Appointment.professional_id == user.id))
    rows = [AppointmentRow(appointment) for appointment in appointments]
    cache: dict[tuple[str, int], Definition] = {}
    for row in rows:
        child_id = row.appointment.child_id
        child = db.session.get(Child, child_id) if child_id else None
        if child is None or access_basis(user, child) is None:
            continue
        row.child = child
        row.questionnaires = _questionnaires_before(user, row.appointment, child, now, cache)
    return rows


def _questionnaires_before(
    user: User, appointment: Appointment, child: Child, now: datetime, cache: dict[tuple[str, int], Definition]
) -> list[QuestionnaireRow]:
    """The questionnaires of the child's latest invitation made before the appointment, with their states."""
    visit = db.session.scalar(
        select(Visit)
        .where(Visit.child_id == child.id, Visit.created_at <= appointment.starts_at)
        .order_by(Visit.created_at.desc())
        .limit(1)
    )
    if visit is None:
        return []
    opened = read_by(user, [response.id for response in visit.responses])
    acknowledged = set(
        db.session.scalars(
            select(FlagAcknowledgement.response_id).where(
                FlagAcknowledgement.response_id.in_([r.id for r in visit.responses])
            )
        )
    )
    rows = []
    for response in visit.responses:
        state = _state(response, now, opened, acknowledged)
        if state is not None:
            rows.append(QuestionnaireRow(response, _definition(cache, response), state))
    return rows


def _state(response: Response, now: datetime, opened: set[int], acknowledged: set[int]) -> QuestionnaireState | None:
    """The state of one questionnaire; None for one withdrawn (nothing to follow up)."""
    current = status(response, now)
    if current == Status.WITHDRAWN:
        return None
    if current == Status.EXPIRED:
        return QuestionnaireState.OVERDUE
    if current != Status.SUBMITTED:
        return QuestionnaireState.INVITED
    if response.result_summary.get("flags") and response.id not in acknowledged:
        return QuestionnaireState.URGENT
    return QuestionnaireState.READ if response.id in opened else QuestionnaireState.ANSWERED


def centre_appointments(user: User, day: date) -> list[Appointment]:
    """The day's appointments at the centres reception works for (every centre for an administrator): booking data
    only.
    """
    query = _day_query(day)
    if user.has_role("admin"):
        return list(db.session.scalars(query))
    if user.has_role("reception") and booking_permissions.centre_ids(user):
        return list(db.session.scalars(query.where(Appointment.centre_id.in_(booking_permissions.centre_ids(user)))))
    return []


# --- Group activities -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityDateRow:
    """A group activity date of the day with its places and waiting list."""

    date: ActivityDate
    availability: Availability
    leads: bool


def activity_dates(user: User, day: date, now: datetime) -> list[ActivityDateRow]:
    """The day's dates of the activities ``user`` manages (a professional: leads), cancelled ones too, by start."""
    start, end = local_days(day, day)
    managed = manageable(user).with_only_columns(Activity.id)
    dates = list(
        db.session.scalars(
            select(ActivityDate)
            .where(ActivityDate.activity_id.in_(managed), ActivityDate.starts_at >= start, ActivityDate.starts_at < end)
            .order_by(ActivityDate.starts_at, ActivityDate.id)
        )
    )
    places = availability(dates, now)
    return [
        ActivityDateRow(item, places[item.id], any(leader.id == user.id for leader in item.activity.leaders))
        for item in dates
    ]


# --- The page as a whole ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Today:
    """Everything on a staff member's Today page, for their roles."""

    day: date
    flags: list[UrgentFlag]
    appointments: list[AppointmentRow]
    centre_appointments: list[Appointment]
    new_answers: list[NewAnswer]
    activity_dates: list[ActivityDateRow]

    def audit_entries(self, user: User) -> dict[str, list[tuple[int | None, str]]]:
        """What the page shows of clients' data, as (child id, subject) lists by audit-log basis."""
        entries: dict[str, list[tuple[int | None, str]]] = {}
        shown = [(flag.child, flag.response) for flag in self.flags]
        shown += [(answer.child, answer.response) for answer in self.new_answers]
        shown += [(row.child, q.response) for row in self.appointments if row.child for q in row.questionnaires]
        for child, response in shown:
            entries.setdefault(access_basis(user, child) or "", []).append((child.id, f"response:{response.id}"))
        for appointment in [row.appointment for row in self.appointments] + self.centre_appointments:
            basis = booking_permissions.access_basis(user, appointment.professional_id)
            entries.setdefault(basis, []).append((appointment.child_id, f"appointment:{appointment.id}"))
        return entries


def today_for(user: User, day: date, now: datetime) -> Today:
    """Gather the day for ``user``: each section is empty where their roles give them nothing to see."""
    own = own_appointments(user, day, now)
    own_ids = {row.appointment.id for row in own}
    return Today(
        day=day,
        flags=urgent_flags(user),
        appointments=own,
        centre_appointments=[a for a in centre_appointments(user, day) if a.id not in own_ids],
        new_answers=new_answers(user, now),
        activity_dates=activity_dates(user, day, now),
    )
