"""What the PDF summaries hold, gathered from the questionnaire results, bookings and activities.

Everything is read in the language the professional chose for the PDF; the
templates only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from core.i18n import localized, pick
from core.timeutil import utcnow
from extensions import db

from ..activities.models import ActivityDate, Attendance, Registration
from ..auth.models import User
from ..booking.models import Appointment, AppointmentStatus, ProfessionalProfile, WorkingHours
from ..chat.models import Conversation
from ..organisation.models import Centre
from ..programmes.follow_up import ProgrammeSummary, child_summaries
from ..questionnaires import results
from ..questionnaires.definition import Band, Scale
from ..questionnaires.invitations import age_in_months
from ..questionnaires.models import Child, Response
from . import charts


def cutoffs(scale: Scale, band: Band | None) -> tuple:
    """Where the scale's bands above "normal" begin, in the band set the score was read with."""
    for band_set in scale.band_sets:
        if band is None or band in band_set.bands:
            return tuple(b.start for b in band_set.bands if b.level != "normal")
    return ()


def home_centre(user: User) -> Centre | None:
    """The centre a professional is most associated with: their own centre, or where they work."""
    if getattr(user, "centres", None):
        return user.centres[0]
    centre_id = db.session.scalar(select(WorkingHours.centre_id).where(WorkingHours.user_id == user.id).limit(1))
    return db.session.get(Centre, centre_id) if centre_id else None


@dataclass
class Heading:
    """Who and where: printed at the top of every summary."""

    municipality: str
    centre: str
    professional: str
    title: str


def heading(professional: User, language: str) -> Heading:
    """The municipality, centre and professional, in ``language``."""
    profile = db.session.get(ProfessionalProfile, professional.id)
    centre = home_centre(professional)
    return Heading(
        municipality=pick(current_app.config["MUNICIPALITY_NAME"], language),
        centre=localized(centre, "name", language) if centre else "",
        professional=professional.name,
        title=localized(profile, "title", language) if profile else "",
    )


@dataclass
class ResponseSummary:
    """Everything in the PDF of one response."""

    heading: Heading
    view: results.ResultView
    child: Child
    chart: str
    earlier: results.InstrumentHistory | None


def response_summary(response: Response, reader: User, language: str) -> ResponseSummary:
    """The summary of one sent response, with the child's earlier responses to the same instrument."""
    view = results.result_view(response, language)
    bars = []
    for scale in view.definition.scales.values():
        scored = view.result.scales[scale.id]
        bars.append(
            charts.Bar(
                pick(scale.title, language),
                scored.score,
                scale.minimum,
                scale.maximum,
                scored.level,
                cutoffs(scale, scored.band),
            )
        )
    child = response.visit.child
    source = results.scale_source(view.definition)
    same_scores = next((group for group in results.history(child, language) if group.source == source), None)
    # Only what was known when this response was sent: a later answer is not "earlier".
    up_to_now = results.answered_up_to(same_scores, response) if same_scores else None
    earlier = up_to_now if up_to_now and len(up_to_now.columns) > 1 else None
    return ResponseSummary(
        heading(reader, language), view, child, charts.bar_chart(bars, pick(view.definition.title, language)), earlier
    )


@dataclass
class Trend:
    """One scale of an instrument over time."""

    title: str
    scores: list
    levels: list
    direction: str  # "up", "down", "same" or "" with fewer than two scores
    sparkline: str


@dataclass
class InstrumentTrend:
    """An instrument's responses over time, one trend per scale."""

    title: str
    dates: list[date]
    trends: list[Trend]


def _direction(scores: list) -> str:
    known = [score for score in scores if score is not None]
    if len(known) < 2:
        return ""
    return "up" if known[-1] > known[-2] else "down" if known[-1] < known[-2] else "same"


@dataclass
class ChildSummary:
    """Everything in the PDF of a child over time (the "Föra barn på tal" network meeting)."""

    heading: Heading
    child: Child
    age_months: int
    instruments: list[InstrumentTrend]
    appointments: list[Appointment]
    activity_visits: list[Registration]
    # Chats a professional linked to the child's case.
    chats: list[Conversation]
    # Coached programmes: weeks done, calls held, the screening before and after.
    programmes: list[ProgrammeSummary]
    # Who has worked with the child: the case's professionals, then those of attended appointments.
    professionals: list[tuple[str, str]]


def child_summary(child: Child, reader: User, language: str, today: date) -> ChildSummary:
    """All of a child's responses with a trend per scale, and the appointments and group activities they came to."""
    trends = []
    for group in results.history(child, language):
        latest = group.latest
        rows = []
        for scale_id, title in group.scale_titles:
            scored = [column.result.scales.get(scale_id) for column in group.columns]
            scores = [each.score if each else None for each in scored]
            levels = [each.level if each else None for each in scored]
            scale = latest.scales[scale_id]
            last_band = scored[-1].band if scored[-1] else None
            rows.append(
                Trend(
                    title,
                    scores,
                    levels,
                    _direction(scores),
                    charts.sparkline(scores, scale.maximum, cutoffs(scale, last_band), title),
                )
            )
        trends.append(InstrumentTrend(group.title, [column.response.submitted_at for column in group.columns], rows))
    appointments = db.session.scalars(
        select(Appointment)
        .where(Appointment.child_id == child.id, Appointment.status == AppointmentStatus.ATTENDED)
        .order_by(Appointment.starts_at)
    ).all()
    activity_visits = db.session.scalars(
        select(Registration)
        .join(Registration.date)
        .where(Registration.child_id == child.id, Registration.attendance == Attendance.ATTENDED)
        .order_by(ActivityDate.starts_at)
    ).all()
    chats = db.session.scalars(
        select(Conversation).where(Conversation.child_id == child.id).order_by(Conversation.created_at)
    ).all()
    return ChildSummary(
        heading(reader, language),
        child,
        age_in_months(child.date_of_birth, today),
        trends,
        list(appointments),
        list(activity_visits),
        list(chats),
        child_summaries(child, utcnow()),
        professionals_involved(child, appointments, language),
    )


def professionals_involved(child: Child, appointments: list[Appointment], language: str) -> list[tuple[str, str]]:
    """(name, professional title) of each professional of the child's case and of the attended appointments."""
    people = sorted((member.user for member in child.members), key=lambda user: user.name)
    people += [appointment.professional for appointment in appointments]
    involved = []
    for person in dict.fromkeys(people):  # each once, in that order
        profile = db.session.get(ProfessionalProfile, person.id)
        involved.append((person.name, localized(profile, "title", language) if profile else ""))
    return involved


def number(value) -> str:
    """A score as printed: whole numbers plainly, means with their decimals."""
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral_value() else str(value)
    return "–" if value is None else str(value)
