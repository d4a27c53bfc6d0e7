"""The screening questionnaire sent again during and after a programme, and the change it shows.

The "before" is the screening that led to the offer (or, for a family a professional enrolled,
the child's last answered questionnaire of the same instrument before the programme began); the
"after" is the follow-up sent at the end, or half-way when the end has not been answered yet.
Scales the two have in common are compared. Plain domain code: flushes, never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.definition_files import Number, Text
from extensions import db

from ..auth.models import User
from ..booking.models import AppointmentStatus
from ..questionnaires import answering, invitations
from ..questionnaires.models import Child, Response, Visit
from . import enrolments
from .definition import Programme
from .models import Enrolment

MIDWAY, FINAL = "midway", "final"


class FollowUpRefused(ValueError):
    """The follow-up cannot be sent (none defined, sent already, the instrument not imported); says why."""


def instrument_of(enrolment: Enrolment, programme: Programme) -> str | None:
    """The questionnaire to send again: the one the family was screened with, else the programme's follow-up."""
    screening = db.session.get(Response, enrolment.screening_response_id) if enrolment.screening_response_id else None
    if screening is not None:
        return screening.instrument_id
    return programme.follow_up.instrument if programme.follow_up else None


def sent_visit(enrolment: Enrolment, which: str) -> Visit | None:
    """The follow-up visit sent half-way or at the end, if it was."""
    visit_id = enrolment.midway_visit_id if which == MIDWAY else enrolment.final_visit_id
    return db.session.get(Visit, visit_id) if visit_id else None


def send(enrolment: Enrolment, programme: Programme, which: str, by: User, now: datetime, valid_days: int) -> Visit:
    """Invite the family to the follow-up questionnaire (``which`` is MIDWAY or FINAL). Flushes; the caller
    commits and then emails the link (questionnaires.notifications.send_invitation).

    Raises FollowUpRefused when the programme has none, it was sent already, or the instrument cannot be used.
    """
    instrument = instrument_of(enrolment, programme)
    if instrument is None:
        raise FollowUpRefused("none")
    if sent_visit(enrolment, which) is not None:
        raise FollowUpRefused("sent")
    try:
        visit = invitations.invite(
            enrolment.child, by, [instrument], enrolment.language, now, valid_days, email=enrolment.email
        )
    except invitations.InvitationError as problem:
        raise FollowUpRefused("instrument") from problem
    if which == MIDWAY:
        enrolment.midway_visit_id = visit.id
    else:
        enrolment.final_visit_id = visit.id
    db.session.flush()
    return visit


@dataclass(frozen=True)
class ScaleChange:
    """One scale before and after the programme, with its range (for the chart) and levels."""

    scale_id: str
    title: Text
    before: Number | None
    after: Number | None
    maximum: Number
    before_level: str | None
    after_level: str | None


@dataclass(frozen=True)
class BeforeAfter:
    """The screening's scores before the programme and after it."""

    instrument_title: Text
    before_at: datetime
    after_at: datetime
    after_is_final: bool
    rows: tuple[ScaleChange, ...]
    # Whether the family may see their own results (the instrument's ``parent_result``).
    parent_may_see: bool

    @property
    def main_change(self) -> Number | None:
        """The change in the total score (the scale ``total``, else the last scale), after minus before."""
        rows = [row for row in self.rows if row.scale_id == "total"] or list(self.rows[-1:])
        if not rows or rows[0].before is None or rows[0].after is None:
            return None
        return rows[0].after - rows[0].before


def _before(enrolment: Enrolment, instrument: str) -> Response | None:
    if enrolment.screening_response_id:
        return db.session.get(Response, enrolment.screening_response_id)
    return db.session.scalar(
        select(Response)
        .join(Visit)
        .where(
            Visit.child_id == enrolment.child_id,
            Response.instrument_id == instrument,
            Response.submitted_at.is_not(None),
            Response.submitted_at <= enrolment.enrolled_at,
        )
        .order_by(Response.submitted_at.desc())
        .limit(1)
    )


def _answered(visit: Visit | None) -> Response | None:
    if visit is None:
        return None
    return next((response for response in visit.responses if response.submitted_at is not None), None)


def before_after(enrolment: Enrolment, programme: Programme) -> BeforeAfter | None:
    """The change the follow-up shows, or None until both a "before" and an answered follow-up exist."""
    instrument = instrument_of(enrolment, programme)
    if instrument is None:
        return None
    final = _answered(sent_visit(enrolment, FINAL))
    after = final or _answered(sent_visit(enrolment, MIDWAY))
    before = _before(enrolment, instrument)
    if after is None or before is None:
        return None
    before_definition, after_definition = answering.definition_of(before), answering.definition_of(after)
    before_result = answering.result_of(before, before_definition)
    after_result = answering.result_of(after, after_definition)
    rows = []
    for scale_id, scale in after_definition.scales.items():
        if scale_id not in before_definition.scales:
            continue
        was, now = before_result.scales.get(scale_id), after_result.scales.get(scale_id)
        rows.append(
            ScaleChange(
                scale_id=scale_id,
                title=scale.title,
                before=was.score if was else None,
                after=now.score if now else None,
                maximum=scale.maximum,
                before_level=was.level if was else None,
                after_level=now.level if now else None,
            )
        )
    return BeforeAfter(
        instrument_title=after_definition.title,
        before_at=before.submitted_at,
        after_at=after.submitted_at,
        after_is_final=final is not None,
        rows=tuple(rows),
        parent_may_see=after_definition.parent_result,
    )


@dataclass(frozen=True)
class ProgrammeSummary:
    """A programme the child's family took part in, as the child's page and summary PDF show it."""

    enrolment: Enrolment
    programme: Programme
    progress: enrolments.Progress
    calls_held: int
    change: BeforeAfter | None


def child_summaries(child: Child, now: datetime) -> list[ProgrammeSummary]:
    """Every programme the child's family took part in, newest first: weeks done, calls held, before and after."""
    found = db.session.scalars(
        select(Enrolment).where(Enrolment.child_id == child.id).order_by(Enrolment.enrolled_at.desc())
    )
    summaries = []
    for enrolment in found:
        programme = enrolments.programme_of(enrolment)
        held = sum(call.appointment.status == AppointmentStatus.ATTENDED for call in enrolment.calls)
        summaries.append(
            ProgrammeSummary(
                enrolment,
                programme,
                enrolments.progress(enrolment, programme, now),
                held,
                before_after(enrolment, programme),
            )
        )
    return summaries
