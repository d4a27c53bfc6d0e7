"""Email notices to staff about sent questionnaires: who is told what, and the emails themselves.

The Client Data Act keeps client data out of email: a notice says only that
something awaits in Famnen, with a link to sign in. Nothing about the child,
the family, the instrument or the answers is in it.

- An urgent flag fires: the inviting professional and the team address of each
  of their centres are emailed at once (the request that sent the answers does
  it after committing; the scheduled jobs retry what failed).
- Nobody acknowledges it within ``URGENT_REMINDER_MINUTES``: the team addresses
  are emailed once more, by the scheduled jobs.
- Answers without a flag: the inviting professional is emailed by the scheduled
  jobs, unless they turned these emails off on their account page.

Each notice is a ``StaffNotice`` row, unique per response, kind and address, so
none is ever sent twice. These functions flush; the caller commits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import exists, select

from core import mail
from core.i18n import pick
from extensions import db

from ..auth.models import User
from ..questionnaires.models import Response, Visit
from .models import FlagAcknowledgement, NoticeKind, StaffNotice

# An urgent flag older than this is not escalated any more: an installation switching the
# reminders on (or coming back from a long outage) must not mail the team about old answers.
ESCALATION_HORIZON = timedelta(days=3)
# A notice that failed this often is given up (each failure is logged); Today still shows the flag.
MAX_FAILURES = 20


def staff_language(user: User) -> str:
    """The language a staff member reads their email in: their choice, else the installation's default."""
    return user.email_language or current_app.config["DEFAULT_LANGUAGE"]


def team_addresses(user: User) -> list[str]:
    """The team addresses of the active centres ``user`` works at, each once, in a stable order."""
    addresses = {centre.team_email.strip().lower() for centre in user.centres if centre.active and centre.team_email}
    return sorted(addresses)


def _add(response: Response, kind: str, recipient: str, language: str, now: datetime) -> StaffNotice | None:
    """Add one notice unless the same one exists (the unique key would refuse it anyway)."""
    recipient = recipient.strip()
    if not recipient:
        return None
    already = db.session.scalar(
        select(
            exists().where(
                StaffNotice.response_id == response.id,
                StaffNotice.kind == kind,
                StaffNotice.recipient == recipient,
            )
        )
    )
    if already:
        return None
    notice = StaffNotice(response_id=response.id, kind=kind, recipient=recipient, language=language, created_at=now)
    db.session.add(notice)
    return notice


def record_sent_response(response: Response, urgent: bool, now: datetime) -> list[StaffNotice]:
    """Record the notices a newly sent response calls for; returns those to send at once (the urgent ones).

    Called in the transaction that sends the answers, which holds the response's
    lock, so sending twice (two tabs) records nothing new. Flushes.
    """
    visit = response.visit
    professional = visit.professional if visit else None
    if professional is None:  # self-service answers belong to no one and tell no one
        return []
    if urgent:
        recipients = [(professional.email, staff_language(professional))] if professional.active else []
        default_language = current_app.config["DEFAULT_LANGUAGE"]
        recipients += [(address, default_language) for address in team_addresses(professional)]
        notices = [_add(response, NoticeKind.URGENT, address, language, now) for address, language in recipients]
        db.session.flush()
        return [notice for notice in notices if notice is not None]
    if professional.active and professional.notify_new_answers:
        _add(response, NoticeKind.ANSWERED, professional.email, staff_language(professional), now)
        db.session.flush()
    return []


def add_due_reminders(now: datetime) -> int:
    """Add a reminder to the team addresses for each urgent flag still unacknowledged after the set time. Flushes.

    Returns how many reminders were added; each flag is reminded about once.
    """
    waited = timedelta(minutes=int(current_app.config["URGENT_REMINDER_MINUTES"]))
    responses = db.session.scalars(
        select(Response)
        .join(Visit, Response.visit_id == Visit.id)
        .where(
            Response.submitted_at <= now - waited,
            Response.submitted_at > now - ESCALATION_HORIZON,
            exists().where(StaffNotice.response_id == Response.id, StaffNotice.kind == NoticeKind.URGENT),
            ~exists().where(FlagAcknowledgement.response_id == Response.id),
        )
        .order_by(Response.submitted_at, Response.id)
    ).all()
    language = current_app.config["DEFAULT_LANGUAGE"]
    added = 0
    for response in responses:
        for address in team_addresses(response.visit.professional):
            if _add(response, NoticeKind.URGENT_REMINDER, address, language, now) is not None:
                added += 1
    db.session.flush()
    return added


def due_notice_ids() -> list[int]:
    """Ids of notices not sent yet (oldest first), leaving out those that failed too often."""
    return list(
        db.session.scalars(
            select(StaffNotice.id)
            .where(StaffNotice.sent_at.is_(None), StaffNotice.failures < MAX_FAILURES)
            .order_by(StaffNotice.created_at, StaffNotice.id)
        )
    )


def still_wanted(notice: StaffNotice) -> bool:
    """Whether a notice still says something true: no reminder about an acknowledged flag, no
    answered-notice to someone who has since turned them off."""
    if notice.kind == NoticeKind.URGENT_REMINDER:
        return not db.session.scalar(select(exists().where(FlagAcknowledgement.response_id == notice.response_id)))
    if notice.kind == NoticeKind.ANSWERED:
        user = db.session.scalar(select(User).where(User.email == notice.recipient))
        return user is not None and user.active and user.notify_new_answers
    return True


def build_email(notice: StaffNotice) -> mail.Email:
    """The email for a notice, in its language: that something awaits, and where to sign in; no client data."""
    with force_locale(notice.language):
        if notice.kind == NoticeKind.ANSWERED:
            subject = _("Answers to a questionnaire you sent have arrived")
            lines = [_("A family has sent answers to a questionnaire you sent.")]
            link = mail.external_url("questionnaires_staff.response", response_id=notice.response_id)
        elif notice.kind == NoticeKind.URGENT_REMINDER:
            subject = _("Reminder: an urgent answer is still waiting in Famnen")
            lines = [
                _("An answer that needs attention today has not been marked as acted on yet."),
                _("Whoever takes it on marks it as acted on on the Today page."),
            ]
            link = mail.external_url("staff.index")
        else:
            subject = _("Urgent: an answer in Famnen needs attention today")
            lines = [_("A questionnaire answer has raised a flag that needs attention today.")]
            link = mail.external_url("staff.index")
        context = {
            "lines": lines,
            "link": link,
            "language": notice.language,
            "municipality": pick(current_app.config["MUNICIPALITY_NAME"]),
        }
        return mail.Email(
            to=notice.recipient,
            subject=subject,
            text=render_template("staff/email/notice.txt", **context),
            html=render_template("staff/email/notice.html", **context),
        )
