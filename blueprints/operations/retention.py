"""Retention: personal data is deleted when its time is up, by ``flask purge`` and the scheduled jobs.

Each kind of data has its own period (settings ``RETENTION_*``). Deleting is
real deleting: rows go (their dependent rows with them, through the foreign
keys' cascades), and copies of emails and text messages in the development
outboxes go too. Records of text messages sent (``core.sms``) hold a number
but no text; they go after ``RETENTION_SMS_DAYS``. The PDF
summaries are never written to disk, so there are none to delete. Group
activity registrations lose their names and contact details but keep their
numbers, which the municipality's attendance figures are counted from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import and_, delete, exists, func, not_, or_, select

from core.database import begin_write
from core.sms import SmsMessage
from extensions import db

from ..activities.models import ActivityDate, Registration
from ..activities.registration import forget_contact_details, identifies_someone
from ..audit.models import AuditEntry
from ..auth.models import LoginAttempt, StaffSession
from ..booking.models import Appointment, EarlierTimeRequest
from ..chat.models import Conversation
from ..messages.models import MessageThread
from ..programmes.models import Enrolment
from ..questionnaires.models import Child, Guardian, Guardianship, Response, Visit


@dataclass
class PurgeReport:
    """How many of each kind were (or, in a dry run, would be) deleted."""

    counts: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        """The report as one line for the journal."""
        return ", ".join(f"{kind}: {count}" for kind, count in self.counts.items())


def _months(name: str) -> relativedelta:
    return relativedelta(months=int(current_app.config[name]))


def _days(name: str) -> timedelta:
    return timedelta(days=int(current_app.config[name]))


def _rules(now: datetime) -> list[tuple[str, object, object]]:
    """(kind, model, condition) for everything past its retention period, children last."""
    questionnaires_cutoff = now - _months("QUESTIONNAIRE_RETENTION_MONTHS")
    recent_answers = exists().where(
        Response.visit_id == Visit.id,
        Response.submitted_at.is_not(None),
        Response.submitted_at >= questionnaires_cutoff,
    )
    return [
        ("appointments", Appointment, Appointment.ends_at < now - _months("RETENTION_APPOINTMENT_MONTHS")),
        (
            "waiting without a booking",
            EarlierTimeRequest,
            and_(
                EarlierTimeRequest.appointment_id.is_(None),
                EarlierTimeRequest.last_day < (now - _days("RETENTION_WAITING_DAYS")).date(),
            ),
        ),
        # A chat goes with its messages that long after it ended (or began, when nobody ended it).
        (
            "chat conversations",
            Conversation,
            func.coalesce(Conversation.ended_at, Conversation.created_at) < now - _days("RETENTION_CHAT_DAYS"),
        ),
        # A message thread goes with its messages, links and drafts that long after its last message.
        (
            "message threads",
            MessageThread,
            MessageThread.last_message_at < now - _days("RETENTION_MESSAGE_DAYS"),
        ),
        # A programme goes with its answers, notes and calls once it has been over that long; one nobody ever
        # ended goes that long after the family's last activity in it.
        (
            "programme enrolments",
            Enrolment,
            func.coalesce(Enrolment.ended_at, Enrolment.last_activity_at, Enrolment.enrolled_at)
            < now - _months("RETENTION_PROGRAMME_MONTHS"),
        ),
        # A visit goes when its link expired before the cut-off and none of its answers is recent.
        ("questionnaire visits", Visit, and_(Visit.expires_at < questionnaires_cutoff, not_(recent_answers))),
        (
            "self-service responses",
            Response,
            and_(Response.visit_id.is_(None), Response.created_at < now - _days("RETENTION_SELF_SERVICE_DAYS")),
        ),
        ("audit log entries", AuditEntry, AuditEntry.at < now - _months("RETENTION_AUDIT_MONTHS")),
        ("text message records", SmsMessage, SmsMessage.created_at < now - _days("RETENTION_SMS_DAYS")),
        ("sign-in attempts", LoginAttempt, LoginAttempt.at < now - _days("RETENTION_SIGN_IN_DAYS")),
        # Sessions ended or unused for that long are long dead; their only use was the throttle and audit.
        (
            "old staff sessions",
            StaffSession,
            or_(
                StaffSession.ended_at < now - _days("RETENTION_SIGN_IN_DAYS"),
                StaffSession.last_seen_at < now - _days("RETENTION_SIGN_IN_DAYS"),
            ),
        ),
        # A child's case goes once nothing of the child is left (and it is not a case just opened).
        (
            "children",
            Child,
            and_(
                Child.created_at < questionnaires_cutoff,
                not_(exists().where(Visit.child_id == Child.id)),
                not_(exists().where(Appointment.child_id == Child.id)),
                not_(exists().where(Enrolment.child_id == Child.id)),
            ),
        ),
        # A guardian goes with the last child's case they were linked to.
        ("guardians", Guardian, not_(exists().where(Guardianship.guardian_id == Guardian.id))),
    ]


def _old_outbox_files(now: datetime, setting: str, pattern: str) -> list[Path]:
    """Files matching ``pattern`` in the outbox folder named by ``setting`` that are past retention."""
    folder = Path(current_app.config[setting])
    if not folder.is_dir():
        return []
    cutoff = (now - _days("RETENTION_OUTBOX_DAYS")).timestamp()
    return [path for path in folder.glob(pattern) if path.stat().st_mtime < cutoff]


def purge(now: datetime, dry_run: bool = False) -> PurgeReport:
    """Delete (or, with ``dry_run``, count) everything past its retention period; the caller commits.

    Run only by the ``purge`` command and job, outside a request: ``begin_write``
    ends whatever they had open and takes SQLite's write lock for the deletes.
    A dry run only counts, so the caller has nothing to commit. Old outbox
    files are not in the database; they are past retention whether or not the
    caller's commit succeeds, so they are deleted here.
    """
    report = PurgeReport()
    begin_write(db.session)
    for kind, model, condition in _rules(now):
        if dry_run:
            report.counts[kind] = db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
        else:
            report.counts[kind] = db.session.execute(delete(model).where(condition)).rowcount or 0
    ended = Registration.date_id.in_(
        select(ActivityDate.id).where(ActivityDate.ends_at < now - _months("RETENTION_REGISTRATION_MONTHS"))
    )
    if dry_run:
        report.counts["group activity registrations (names removed)"] = (
            db.session.scalar(select(func.count()).select_from(Registration).where(ended, identifies_someone())) or 0
        )
    else:
        report.counts["group activity registrations (names removed)"] = forget_contact_details(ended)
    for kind, setting, pattern in (
        ("outbox emails", "MAIL_OUTBOX_DIR", "*.eml"),
        ("outbox text messages", "SMS_OUTBOX_DIR", "*.txt"),
    ):
        files = _old_outbox_files(now, setting, pattern)
        if not dry_run:
            for path in files:
                path.unlink(missing_ok=True)
        report.counts[kind] = len(files)
    return report
