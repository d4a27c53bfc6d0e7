"""A family's way through a coached programme: enrolling, weeks opening, answers, and the coach's actions.

Week n opens ``(n - 1)`` weeks after the schedule's start, or earlier when the coach opens it.
A pause stops the schedule (the weeks already open stay open, and answers are still kept);
resuming moves the start on by the pause, so no week opens while the family was on a break.
An enrolment ends completed or stopped; after that the family may read what they wrote but
no longer change it. Plain domain code: flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from core.tokens import make_token, new_reference, row_for_token
from extensions import db

from ..auth.models import User
from ..booking.models import Appointment
from ..organisation.models import Service
from ..questionnaires import invitations
from ..questionnaires.models import CaseMember, Child, Response
from .definition import Block, Programme
from .models import (
    ACTIVE,
    COMPLETED,
    PAUSED,
    STOPPED,
    CoachCall,
    CoachNote,
    Enrolment,
    ExerciseAnswer,
    WeekProgress,
)
from .store import load_latest, load_version, stored_version

LINK_PURPOSE = "programme"
WEEK = timedelta(days=7)
MAX_ANSWER_LENGTH = 4000
MAX_NOTE_LENGTH = 4000
MAX_EXTRA_WEEKS = 8
# Calls a family may have booked ahead at once (the coach may book more).
MAX_UPCOMING_CALLS = 2
CHECKED = "done"


class AnswerRefused(ValueError):
    """An answer that cannot be kept (a week not open yet, a programme ended, too long); the message says why."""


def enrol(
    child: Child,
    coach: User,
    programme: Programme,
    *,
    language: str,
    email: str,
    phone: str,
    enrolled_by: User,
    now: datetime,
    screening: Response | None = None,
) -> Enrolment:
    """Enrol the child's family in ``programme`` with ``coach``; week 1 opens now.

    The coach joins the child's case (if not in it already) so that they may read the
    family's answers. Flushes; the caller commits.
    """
    if invitations.membership(coach, child) is None:
        child.members.append(CaseMember(user_id=coach.id, added_by_id=enrolled_by.id if enrolled_by != coach else None))
    enrolment = Enrolment(
        reference=new_reference(),
        programme_id=programme.id,
        programme_version=programme.version,
        child=child,
        coach=coach,
        language=language,
        email=email.strip().lower(),
        phone=phone.strip(),
        screening_response_id=screening.id if screening is not None else None,
        enrolled_at=now,
        schedule_start=now,
        state=ACTIVE,
    )
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def active_enrolment(child: Child, programme_id: str) -> Enrolment | None:
    """The child's family's enrolment in ``programme_id`` that has not ended, if any."""
    return db.session.scalar(
        select(Enrolment).where(
            Enrolment.child_id == child.id,
            Enrolment.programme_id == programme_id,
            Enrolment.state.in_((ACTIVE, PAUSED)),
        )
    )


def enrol_from_offer(
    response: Response, appointment: Appointment, programme_id: str, now: datetime
) -> Enrolment | None:
    """Enrol the family whose screening led to the offer, once they booked the first coach call: the coach is the
    call's professional, the call is week 1's, the screening is the "before". Flushes.

    None when the programme was never imported, or the response is not about a child (an anonymous one).
    """
    if response.visit is None or not programme_id:
        return None
    try:
        programme = load_latest(programme_id)
    except LookupError:
        return None
    stored = stored_version(programme.id, programme.version)
    if not programme.coached or stored is None or not stored.in_use:
        return None
    going_on = active_enrolment(response.visit.child, programme.id)
    if going_on is not None:
        # A family already in the programme: the call is its next call, not a second programme.
        add_call(going_on, appointment, week_of_next_call(going_on, programme_of(going_on), now))
        return going_on
    visit = response.visit
    enrolment = enrol(
        visit.child,
        appointment.professional,
        programme,
        language=visit.language,
        email=appointment.guardian_email or visit.email,
        phone=appointment.guardian_phone,
        enrolled_by=visit.professional,
        now=now,
        screening=response,
    )
    add_call(enrolment, appointment, 1)
    return enrolment


def lock(enrolment: Enrolment) -> None:
    """Serialise changes to one enrolment and see its state as it is now.

    PostgreSQL takes a row lock (two tabs saving at once, a save while the coach ends the programme);
    SQLite requests already hold the write lock. The state is read again under the lock.
    """
    db.session.execute(select(Enrolment.id).where(Enrolment.id == enrolment.id).with_for_update())
    db.session.refresh(enrolment, ["state", "schedule_start", "paused_at", "opened_through", "extra_weeks", "ended_at"])


def link_token(enrolment: Enrolment) -> str:
    """The secret token of the family's programme page."""
    return make_token(LINK_PURPOSE, enrolment.reference)


def enrolment_for_token(token: str) -> Enrolment | None:
    """The enrolment a link opens; None for an unknown or forged link."""
    return row_for_token(Enrolment.reference, LINK_PURPOSE, token)


def programme_of(enrolment: Enrolment) -> Programme:
    """The programme version the enrolment is pinned to."""
    return load_version(enrolment.programme_id, enrolment.programme_version)


def is_ended(enrolment: Enrolment) -> bool:
    """Whether the programme has ended for this family (completed or stopped)."""
    return enrolment.state in (COMPLETED, STOPPED)


def open_weeks(enrolment: Enrolment, programme: Programme, now: datetime) -> int:
    """How many weeks the family can see now (weeks 1 to the number returned)."""
    until = enrolment.paused_at or enrolment.ended_at or now
    scheduled = int((until - enrolment.schedule_start) / WEEK) + 1
    return max(1, min(len(programme.weeks), max(scheduled, enrolment.opened_through)))


def next_week_opens_at(enrolment: Enrolment, programme: Programme, now: datetime) -> datetime | None:
    """When the next week opens on the schedule; None when paused, ended or all weeks are open."""
    opened = open_weeks(enrolment, programme, now)
    if enrolment.state != ACTIVE or opened >= len(programme.weeks):
        return None
    return enrolment.schedule_start + opened * WEEK


def ends_at(enrolment: Enrolment, programme: Programme) -> datetime:
    """When the programme's time is up on the schedule: every week, and the weeks the coach added."""
    return enrolment.schedule_start + (len(programme.weeks) + enrolment.extra_weeks) * WEEK


def accepts_answers(enrolment: Enrolment) -> bool:
    """Whether the family may still write: yes while the programme goes on, also when paused."""
    return not is_ended(enrolment)


def answers_of(enrolment: Enrolment) -> dict[tuple[str, str], str]:
    """The family's answers, (block id, prompt id) to text ("done" for a ticked checklist item)."""
    return {(answer.block_id, answer.prompt_id): answer.value for answer in enrolment.answers}


def _progress_row(enrolment: Enrolment, week: int) -> WeekProgress:
    row = next((row for row in enrolment.weeks if row.week == week), None)
    if row is None:
        row = WeekProgress(week=week)
        enrolment.weeks.append(row)
    return row


def record_opened(enrolment: Enrolment, week: int, now: datetime) -> None:
    """Note that the family opened ``week`` (the first time counts). Flushes."""
    row = next((row for row in enrolment.weeks if row.week == week), None)
    if row is None or row.opened_at is None:
        lock(enrolment)
        db.session.refresh(enrolment, ["weeks"])
        row = _progress_row(enrolment, week)
    if row.opened_at is None:
        row.opened_at = now
        enrolment.last_activity_at = now
        db.session.flush()


def save_answer(
    enrolment: Enrolment, programme: Programme, block_id: str, prompt_id: str, value: str, now: datetime
) -> None:
    """Keep one answer of an exercise or checklist. Flushes.

    Raises AnswerRefused when the programme has ended, the week is not open, or the text is too
    long; LookupError when the block or prompt does not exist (a tampered form).
    """
    found = programme.block(block_id)
    if found is None or prompt_id not in {prompt.id for prompt in found[1].prompts}:
        raise LookupError(f"no {block_id}.{prompt_id} in {programme.id}")
    week, block = found
    lock(enrolment)
    if not accepts_answers(enrolment):
        raise AnswerRefused("ended")
    if week.number > open_weeks(enrolment, programme, now):
        raise AnswerRefused("locked")
    value = value.replace("\r\n", "\n").replace("\x00", "").strip()
    if block.kind == "checklist":
        value = CHECKED if value else ""
    if len(value) > MAX_ANSWER_LENGTH:
        raise AnswerRefused("too long")
    answer = db.session.get(ExerciseAnswer, (enrolment.id, block_id, prompt_id))
    if answer is None:
        answer = ExerciseAnswer(enrolment_id=enrolment.id, block_id=block_id, prompt_id=prompt_id)
        enrolment.answers.append(answer)
    answer.value, answer.saved_at = value, now
    enrolment.last_activity_at = now
    row = _progress_row(enrolment, week.number)
    row.opened_at = row.opened_at or now
    db.session.flush()


def mark_week_done(enrolment: Enrolment, programme: Programme, week: int, now: datetime) -> None:
    """The family says they have worked through ``week``. Flushes; raises AnswerRefused as save_answer does."""
    lock(enrolment)
    if not accepts_answers(enrolment):
        raise AnswerRefused("ended")
    if not 1 <= week <= open_weeks(enrolment, programme, now):
        raise AnswerRefused("locked")
    row = _progress_row(enrolment, week)
    row.opened_at = row.opened_at or now
    row.done_at = row.done_at or now
    enrolment.last_activity_at = now
    db.session.flush()


def block_done(block: Block, answers: dict[tuple[str, str], str]) -> bool:
    """Whether an exercise has every question answered, or a checklist at least one item ticked."""
    filled = [bool(answers.get((block.id, prompt.id))) for prompt in block.prompts]
    return all(filled) if block.kind == "exercise" else any(filled)


@dataclass(frozen=True)
class Progress:
    """Where a family is: what the coach's caseload and the family's own page show."""

    open_weeks: int
    total_weeks: int
    weeks_done: tuple[int, ...]
    exercises_done: int
    exercises_total: int
    last_activity_at: datetime | None
    quiet_days: int | None


def progress(enrolment: Enrolment, programme: Programme, now: datetime) -> Progress:
    """The family's progress now; ``quiet_days`` counts days since they last did anything (or enrolled)."""
    answers = answers_of(enrolment)
    blocks = [block for week in programme.weeks for block in week.answerable_blocks]
    last = enrolment.last_activity_at or enrolment.enrolled_at
    return Progress(
        open_weeks=open_weeks(enrolment, programme, now),
        total_weeks=len(programme.weeks),
        weeks_done=tuple(row.week for row in enrolment.weeks if row.done_at is not None),
        exercises_done=sum(block_done(block, answers) for block in blocks),
        exercises_total=len(blocks),
        last_activity_at=enrolment.last_activity_at,
        quiet_days=None if is_ended(enrolment) else max(0, (now - last).days),
    )


def upcoming_calls(enrolment: Enrolment, now: datetime) -> list[Appointment]:
    """The coach calls still to come and not cancelled, soonest first."""
    calls = [
        call.appointment for call in enrolment.calls if call.appointment.is_active and call.appointment.ends_at > now
    ]
    return sorted(calls, key=lambda appointment: appointment.starts_at)


def next_call(enrolment: Enrolment, now: datetime) -> Appointment | None:
    """The next coach call still to come and not cancelled, or None."""
    return next(iter(upcoming_calls(enrolment, now)), None)


def family_may_book_call(enrolment: Enrolment, now: datetime) -> bool:
    """Whether the family can book a call now: the programme goes on, the coach gives calls, and fewer than
    MAX_UPCOMING_CALLS are booked (a link in the wrong hands cannot fill the coach's calendar)."""
    return (
        not is_ended(enrolment)
        and call_service(enrolment) is not None
        and len(upcoming_calls(enrolment, now)) < MAX_UPCOMING_CALLS
    )


def call_service(enrolment: Enrolment) -> Service | None:
    """The service the coach's calls are booked as: one the coach gives that an offer books (the coach call),
    else any phone service the coach gives; None when the coach gives none (or there is no coach)."""
    if enrolment.coach_id is None:
        return None
    services = db.session.scalars(select(Service).where(Service.active).order_by(Service.id)).all()
    given = [service for service in services if any(user.id == enrolment.coach_id for user in service.professionals)]
    offered = [service for service in given if service.offered_for_outcome]
    by_phone = [service for service in given if "phone" in service.modes]
    return (offered or by_phone or [None])[0]


def known_for_booking(enrolment: Enrolment) -> dict[str, str]:
    """What a call's booking form can be filled with: the child's name, the family's language and contact
    details, and the name the family gave when they booked a call before."""
    earlier = [call.appointment for call in enrolment.calls if call.appointment.guardian_name]
    known = {
        "child_first_name": enrolment.child.first_name,
        "language": enrolment.language,
        "family_language": enrolment.language,
        "guardian_email": enrolment.email,
        "guardian_phone": enrolment.phone,
        "guardian_name": earlier[-1].guardian_name if earlier else "",
    }
    return {key: value for key, value in known.items() if value}


def week_of_next_call(enrolment: Enrolment, programme: Programme, now: datetime) -> int:
    """The week a new call belongs to: the week open now (a week that has its call already counts the next)."""
    booked = {call.week for call in enrolment.calls if call.appointment.is_active}
    week = open_weeks(enrolment, programme, now)
    while week in booked and week < len(programme.weeks):
        week += 1
    return week


def add_call(enrolment: Enrolment, appointment: Appointment, week: int) -> None:
    """Tie a booked appointment to the programme as the call of ``week``; the child's case learns of it. Flushes."""
    appointment.child_id = enrolment.child_id
    enrolment.calls.append(CoachCall(appointment_id=appointment.id, week=week))
    db.session.flush()


# --- The coach's actions --------------------------------------------------------------------


def open_next_week(enrolment: Enrolment, programme: Programme, now: datetime) -> int | None:
    """Open the next week ahead of the schedule; the week opened, or None when all are open. Flushes."""
    lock(enrolment)
    opened = open_weeks(enrolment, programme, now)
    if opened >= len(programme.weeks) or is_ended(enrolment):
        return None
    enrolment.opened_through = opened + 1
    db.session.flush()
    return opened + 1


def pause(enrolment: Enrolment, now: datetime) -> bool:
    """Stop the schedule (no new week opens); False when not going on. Flushes."""
    lock(enrolment)
    if enrolment.state != ACTIVE:
        return False
    enrolment.state, enrolment.paused_at = PAUSED, now
    db.session.flush()
    return True


def resume(enrolment: Enrolment, programme: Programme, now: datetime) -> bool:
    """Go on after a pause: the schedule moves on by the length of the pause. Flushes."""
    lock(enrolment)
    if enrolment.state != PAUSED or enrolment.paused_at is None:
        return False
    enrolment.opened_through = max(enrolment.opened_through, open_weeks(enrolment, programme, now))
    enrolment.schedule_start += now - enrolment.paused_at
    enrolment.state, enrolment.paused_at = ACTIVE, None
    db.session.flush()
    return True


def extend(enrolment: Enrolment, weeks: int) -> bool:
    """Give the family ``weeks`` more weeks before the programme ends; False beyond MAX_EXTRA_WEEKS. Flushes."""
    lock(enrolment)
    if is_ended(enrolment) or weeks < 1 or enrolment.extra_weeks + weeks > MAX_EXTRA_WEEKS:
        return False
    enrolment.extra_weeks += weeks
    db.session.flush()
    return True


def end(enrolment: Enrolment, programme: Programme, completed: bool, now: datetime) -> bool:
    """End the programme, completed or stopped early; False when it had ended already. Flushes."""
    lock(enrolment)
    if is_ended(enrolment):
        return False
    if enrolment.state == PAUSED and enrolment.paused_at is not None:
        # The pause does not count as time on the schedule: the weeks open at the pause are those open at the end.
        enrolment.schedule_start += now - enrolment.paused_at
        enrolment.paused_at = None
    enrolment.state, enrolment.ended_at = (COMPLETED if completed else STOPPED), now
    db.session.flush()
    return True


def change_coach(enrolment: Enrolment, coach: User, by: User) -> bool:
    """Give the family another coach (one leaves, or the caseloads are shared out), who joins the child's case.
    False when it is the same coach. Flushes."""
    lock(enrolment)
    if enrolment.coach_id == coach.id:
        return False
    if invitations.membership(coach, enrolment.child) is None:
        enrolment.child.members.append(CaseMember(user_id=coach.id, added_by_id=by.id))
    enrolment.coach_id = coach.id
    db.session.flush()
    return True


def add_note(enrolment: Enrolment, week: int, text: str, author: User, now: datetime) -> CoachNote:
    """Keep the coach's note about a week or its call. Flushes."""
    note = CoachNote(week=week, text=text.strip(), written_at=now, written_by_id=author.id, written_by_name=author.name)
    enrolment.notes.insert(0, note)
    db.session.flush()
    return note


@dataclass(frozen=True)
class CaseloadRow:
    """One family on the coach's caseload."""

    enrolment: Enrolment
    programme: Programme
    progress: Progress
    quiet: bool
    next_call: Appointment | None


def caseload(coach: User, now: datetime, quiet_after_days: int) -> list[CaseloadRow]:
    """The coach's families in a programme now: those quiet for ``quiet_after_days`` or more first, the
    quietest first; then the others by week."""
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.coach_id == coach.id, Enrolment.state.in_((ACTIVE, PAUSED)))
    ).all()
    rows = []
    for enrolment in enrolments:
        programme = programme_of(enrolment)
        shown = progress(enrolment, programme, now)
        quiet = (shown.quiet_days or 0) >= quiet_after_days
        rows.append(CaseloadRow(enrolment, programme, shown, quiet, next_call(enrolment, now)))
    return sorted(
        rows,
        key=lambda row: (
            not row.quiet,
            -(row.progress.quiet_days or 0) if row.quiet else 0,
            row.progress.open_weeks,
            row.enrolment.id,
        ),
    )
