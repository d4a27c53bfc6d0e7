"""Figures for the municipality: counts only, no family can be recognised.

The numbers the national Kraftfamiljer roll-out reports: screenings that led to the offer
(eligible), enrolled (and enrolled/eligible), completed (and completed/enrolled), the median
weeks done, the median change in the screening's total score, and the week families stopped in.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from extensions import db

from ..organisation.models import Service
from ..questionnaires.models import Response
from . import enrolments, follow_up
from .models import ACTIVE, COMPLETED, PAUSED, STOPPED, Enrolment


@dataclass(frozen=True)
class Figures:
    """One programme's figures for the enrolments made in a period."""

    programme_id: str
    enrolled: int
    # Enrolled through a screening's offer (the share of those offered counts these).
    from_offer: int
    going_on: int
    completed: int
    stopped: int
    median_weeks_done: float | None
    median_score_change: float | None
    changes_measured: int
    drop_out_weeks: dict[int, int]


def eligible_screenings(since: datetime, until: datetime) -> int:
    """Screenings sent in ``[since, until)`` whose result led to an offer of a service (the coach's call)."""
    offered = set(db.session.scalars(select(Service.offered_for_outcome).where(Service.offered_for_outcome != "")))
    if not offered:
        return 0
    sent = db.session.scalars(
        select(Response).where(
            Response.visit_id.is_not(None), Response.submitted_at >= since, Response.submitted_at < until
        )
    )
    return sum(bool(offered & set(response.result_summary.get("outcomes", []))) for response in sent)


def figures(programme_id: str, since: datetime, until: datetime) -> Figures:
    """Counts for the enrolments in ``programme_id`` made in ``[since, until)``."""
    found = db.session.scalars(
        select(Enrolment).where(
            Enrolment.programme_id == programme_id, Enrolment.enrolled_at >= since, Enrolment.enrolled_at < until
        )
    ).all()
    done = [sum(row.done_at is not None for row in enrolment.weeks) for enrolment in found]
    stopped = [enrolment for enrolment in found if enrolment.state == STOPPED]
    drop_out: dict[int, int] = {}
    for enrolment in stopped:
        # The week they were in when it stopped: the last week they opened (week 1 if none).
        week = max((row.week for row in enrolment.weeks if row.opened_at), default=1)
        drop_out[week] = drop_out.get(week, 0) + 1
    changes = []
    for enrolment in found:
        change = follow_up.before_after(enrolment, enrolments.programme_of(enrolment))
        if change is not None and change.after_is_final and change.main_change is not None:
            changes.append(change.main_change)
    return Figures(
        programme_id=programme_id,
        enrolled=len(found),
        from_offer=sum(enrolment.screening_response_id is not None for enrolment in found),
        going_on=sum(enrolment.state in (ACTIVE, PAUSED) for enrolment in found),
        completed=sum(enrolment.state == COMPLETED for enrolment in found),
        stopped=len(stopped),
        median_weeks_done=statistics.median(done) if done else None,
        median_score_change=float(statistics.median(changes)) if changes else None,
        changes_measured=len(changes),
        drop_out_weeks=dict(sorted(drop_out.items())),
    )
