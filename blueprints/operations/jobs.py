"""The scheduled jobs: what ``flask run-jobs`` runs every ten minutes from a systemd timer.

Each job must be idempotent and safe to run in parallel with itself (on
several app servers, or when one run overlaps the next): running it twice
does no more than running it once. A job that fails does not stop the others;
``run-jobs`` then exits non-zero so systemd records the failure.

Jobs: ``send-reminders`` (reminders by email and text message), ``offer-earlier-times`` (the
earlier-time waiting list), ``notify-staff`` (email notices to staff about sent questionnaires),
``tell-staff-of-messages`` (a family's message awaits), ``close-chat-queues`` (families nobody
picked up before a chat closed) and ``purge`` (retention).

Like a view, each job is the outer level of its work: the functions it calls
flush, and the job commits once they are done (or rolls back when one fails).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from extensions import db


@dataclass(frozen=True)
class JobResult:
    """What one run of a job did, in one line for the journal."""

    summary: str
    ok: bool = True


@dataclass(frozen=True)
class Job:
    """A named scheduled job; ``run`` gets the time of the run (UTC)."""

    name: str
    run: Callable[[datetime], JobResult]


def send_reminders(now: datetime) -> JobResult:
    """Email families a reminder before their appointment; each reminder is sent once."""
    from blueprints.booking.jobs import send_due_reminders

    sent, failed = send_due_reminders(now)
    db.session.commit()
    return JobResult(f"Reminders sent: {sent}, failed (will be retried): {failed}", ok=not failed)


def offer_earlier_times(now: datetime) -> JobResult:
    """Offer freed times to families waiting for an earlier one; let expired offers go to the next family."""
    from blueprints.booking.jobs import offer_earlier_times as offer

    offered, unreached = offer(now)
    return JobResult(
        f"Earlier times offered: {offered}, families not reached by email or text message: {unreached}",
        ok=not unreached,
    )


def notify_staff(now: datetime) -> JobResult:
    """Email staff that answers have arrived, and remind team addresses of unacknowledged urgent flags."""
    from blueprints.staff.jobs import send_due_notices

    delivery = send_due_notices(now)
    return JobResult(
        f"Staff notices sent: {delivery.sent}, failed (will be retried): {delivery.failed}, "
        f"no longer needed: {delivery.dropped}",
        ok=not delivery.failed,
    )


def tell_staff_of_messages(now: datetime) -> JobResult:
    """Email professionals that a family's message awaits them (without the message)."""
    from blueprints.messages.jobs import tell_staff_of_messages as tell

    sent, failed = tell()
    return JobResult(f"Emails about families' messages sent: {sent}, failed: {failed}", ok=not failed)


def close_chat_queues(now: datetime) -> JobResult:
    """Tell families still queued on a closed chat that nobody was free, and offer them to write instead."""
    from blueprints.chat.conversations import end_unanswered

    ended = end_unanswered(now)
    db.session.commit()
    return JobResult(f"Chats ended unanswered after closing time: {ended}")


def purge_old_data(now: datetime) -> JobResult:
    """Delete personal data past its retention period (see ``flask purge``)."""
    from blueprints.operations.retention import purge

    report = purge(now)
    db.session.commit()
    return JobResult("Deleted: " + report.line())


SCHEDULED_JOBS: tuple[Job, ...] = (
    Job("send-reminders", send_reminders),
    Job("offer-earlier-times", offer_earlier_times),
    Job("notify-staff", notify_staff),
    Job("tell-staff-of-messages", tell_staff_of_messages),
    Job("close-chat-queues", close_chat_queues),
    Job("purge", purge_old_data),
)


def job_names() -> list[str]:
    """The names of the scheduled jobs, in the order they run."""
    return [job.name for job in SCHEDULED_JOBS]


def run_jobs(now: datetime, names: list[str] | None = None) -> list[tuple[Job, JobResult]]:
    """Run every scheduled job (or those named), each on its own, and say how each went."""
    results = []
    for job in SCHEDULED_JOBS:
        if names and job.name not in names:
            continue
        try:
            result = job.run(now)
        except Exception as error:  # one broken job must not keep the others from running
            db.session.rollback()
            current_app.logger.exception("Scheduled job %s failed", job.name)
            result = JobResult(f"failed: {error.__class__.__name__}: {error}", ok=False)
        results.append((job, result))
    return results
