"""Data requests: find everything about a guardian or a child, export it, erase it, and say who looked at it.

A guardian is found by email address or phone number (appointments, group
activity registrations, the email a questionnaire link went to); a child by
first name and date of birth (the child's case with its questionnaires and
linked appointments). Message threads are found by the guardian's contact details and
through the appointments found; chat conversations are anonymous (a nickname) and are
found only when a professional linked them to a child's case found or booked an appointment
found from them. Erasing deletes
message threads, those chats, appointments, questionnaires and
children's cases; group activity registrations lose their names and contact
details (their numbers stay in the attendance figures), and coming ones are
cancelled first so their places go to the waiting list. The audit
log answers the client's question "who has looked at my data" (Client Data
Act 703/2023, section 11); it is never erased with the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select

from core.i18n import localized
from extensions import db

from ..activities.models import Registration, RegistrationStatus
from ..activities.registration import cancel, forget_contact_details
from ..audit.models import AuditEntry
from ..audit.words import on_what_basis, what_was_done
from ..auth.models import User
from ..booking.models import Appointment, EarlierTimeRequest
from ..chat.models import ChatMessage, Conversation
from ..messages.models import MessageThread
from ..organisation.models import Service
from ..programmes.enrolments import answers_of, programme_of
from ..programmes.models import Enrolment
from ..questionnaires import answering
from ..questionnaires.cases import drop_orphan_guardians
from ..questionnaires.models import Child, Response, Visit
from ..questionnaires.results import answer_text


def phone_digits(phone: str) -> str:
    """A phone number's digits in the national form, so +358 40 123 4567 equals 040-1234567."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("358"):
        digits = "0" + digits[3:]
    return digits


@dataclass(frozen=True)
class Search:
    """Who the request is about: an email address, a phone number, or a child's first name and birth date."""

    email: str = ""
    phone: str = ""
    first_name: str = ""
    date_of_birth: date | None = None

    @property
    def empty(self) -> bool:
        """Whether nothing to search by was given."""
        return not (self.email or self.phone or (self.first_name and self.date_of_birth))


@dataclass
class Found:
    """Everything found about the person."""

    appointments: list[Appointment] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    # Places on the waiting list of families with no booking (their own contact details).
    time_wishes: list[EarlierTimeRequest] = field(default_factory=list)
    threads: list[MessageThread] = field(default_factory=list)
    # Chats linked to one of the children's cases, or from which one of the appointments was booked.
    conversations: list[Conversation] = field(default_factory=list)
    # Programmes of the children found, or enrolled with the contact details searched for.
    enrolments: list[Enrolment] = field(default_factory=list)

    @property
    def responses(self) -> list[Response]:
        """The questionnaires of the visits found."""
        return [response for visit in self.visits for response in visit.responses]

    @property
    def child_ids(self) -> list[int]:
        """The ids of the children found, for the audit log."""
        return [child.id for child in self.children]

    @property
    def nothing(self) -> bool:
        """Whether nothing at all was found."""
        return not (
            self.appointments
            or self.registrations
            or self.children
            or self.visits
            or self.time_wishes
            or self.threads
            or self.conversations
            or self.enrolments
        )


def find(search: Search) -> Found:
    """Everything about the person the search describes."""
    found = Found()
    if search.empty:
        return found
    children: list[Child] = []
    if search.first_name and search.date_of_birth:
        children = list(
            db.session.scalars(
                select(Child).where(
                    func.lower(Child.first_name) == search.first_name.strip().lower(),
                    Child.date_of_birth == search.date_of_birth,
                )
            )
        )
    visits = (
        list(db.session.scalars(select(Visit).where(Visit.child_id.in_([c.id for c in children])))) if children else []
    )
    if search.email:
        visits += [
            v
            for v in db.session.scalars(select(Visit).where(Visit.email == search.email.strip().lower()))
            if v not in visits
        ]
    for visit in visits:
        if visit.child not in children:
            children.append(visit.child)
    child_ids = [c.id for c in children]
    found.appointments = sorted(
        _and_linked(Appointment, _by_contact(Appointment, search), child_ids), key=lambda a: a.starts_at
    )
    found.registrations = sorted(
        _and_linked(Registration, _by_contact(Registration, search), child_ids), key=lambda r: r.date.starts_at
    )
    found.children = children
    found.visits = sorted(visits, key=lambda v: v.created_at)
    found.time_wishes = [wish for wish in _by_contact(EarlierTimeRequest, search) if wish.appointment_id is None]
    appointment_ids = [appointment.id for appointment in found.appointments]
    threads = _by_contact(MessageThread, search)
    about_found = or_(
        MessageThread.appointment_id.in_(appointment_ids),
        MessageThread.visit_id.in_([visit.id for visit in visits]),
        MessageThread.registration_id.in_([registration.id for registration in found.registrations]),
    )
    threads += [
        thread for thread in db.session.scalars(select(MessageThread).where(about_found)) if thread not in threads
    ]
    booked_in = select(ChatMessage.conversation_id).where(ChatMessage.appointment_id.in_(appointment_ids))
    found.conversations = list(
        db.session.scalars(
            select(Conversation)
            .where(or_(Conversation.child_id.in_(child_ids), Conversation.id.in_(booked_in)))
            .order_by(Conversation.created_at)
        )
    )
    found.threads = sorted(threads, key=lambda thread: thread.created_at)
    found.enrolments = _enrolments(search, child_ids)
    return found


def _enrolments(search: Search, child_ids: list[int]) -> list[Enrolment]:
    """Programmes of the children found, or whose family gave the email address or phone number searched for."""
    about = [Enrolment.child_id.in_(child_ids)]
    if search.email:
        about.append(Enrolment.email == search.email.strip().lower())
    if search.phone:
        about.append(Enrolment.phone != "")
    wanted = phone_digits(search.phone) if search.phone else None
    return [
        enrolment
        for enrolment in db.session.scalars(select(Enrolment).where(or_(*about)).order_by(Enrolment.enrolled_at))
        if enrolment.child_id in child_ids
        or (search.email and enrolment.email == search.email.strip().lower())
        or (wanted and phone_digits(enrolment.phone) == wanted)
    ]


def _and_linked(model: type[Appointment] | type[Registration], rows: list, child_ids: list[int]) -> list:
    """``rows`` and the rows of ``model`` a professional linked to one of the children's cases."""
    if not child_ids:
        return rows
    linked = db.session.scalars(select(model).where(model.child_id.in_(child_ids)))
    return rows + [row for row in linked if row not in rows]


def _by_contact(
    model: type[Appointment] | type[Registration] | type[EarlierTimeRequest] | type[MessageThread], search: Search
) -> list:
    """The rows of ``model`` whose guardian has the email address or phone number searched for."""
    rows = []
    if search.email:
        rows = list(
            db.session.scalars(select(model).where(func.lower(model.guardian_email) == search.email.strip().lower()))
        )
    if search.phone:
        wanted = phone_digits(search.phone)
        with_phone = select(model).where(model.guardian_phone != "")
        rows += [
            row
            for row in db.session.scalars(with_phone)
            if phone_digits(row.guardian_phone) == wanted and row not in rows
        ]
    return rows


def views_of(found: Found) -> list[AuditEntry]:
    """Every logged view or use of the data found, newest first: who, when, where and why.

    Entries name a child, or an appointment, registration or invitation; the
    person asking may have been seen through any of them.
    """
    subjects = (
        [f"appointment:{a.id}" for a in found.appointments]
        + [f"registration:{r.id}" for r in found.registrations]
        + [f"visit:{v.id}" for v in found.visits]
        + [f"time-wish:{w.id}" for w in found.time_wishes]
        + [f"thread:{t.id}" for t in found.threads]
        + [f"chat:{c.id}" for c in found.conversations]
        + [f"enrolment:{e.id}" for e in found.enrolments]
    )
    conditions = []
    if found.child_ids:
        conditions.append(AuditEntry.child_id.in_(found.child_ids))
    if subjects:
        conditions.append(AuditEntry.subject.in_(subjects))
    if not conditions:
        return []
    return list(db.session.scalars(select(AuditEntry).where(or_(*conditions)).order_by(AuditEntry.at.desc())))


def _moment(value) -> str | None:
    return value.isoformat() if value is not None else None


def earlier_time_wishes(appointment: Appointment) -> list[EarlierTimeRequest]:
    """The family's wishes for an earlier time for this appointment, oldest first."""
    return list(
        db.session.scalars(
            select(EarlierTimeRequest)
            .where(EarlierTimeRequest.appointment_id == appointment.id)
            .order_by(EarlierTimeRequest.id)
        )
    )


def _wish(wish: EarlierTimeRequest) -> dict[str, Any]:
    return {
        "first_day": wish.first_day.isoformat(),
        "last_day": wish.last_day.isoformat(),
        "weekdays": list(wish.weekday_numbers),
        "part_of_day": wish.part_of_day,
        "status": wish.status.value,
        "asked": _moment(wish.created_at),
        "times_offered": [
            {"starts": _moment(held.starts_at), "kept_until": _moment(held.expires_at), "answer": held.status.value}
            for held in wish.offers
        ],
    }


def export(found: Found, language: str) -> dict[str, Any]:
    """Everything found, as plain data for a JSON file (texts in ``language``)."""
    responses = []
    for response in found.responses:
        definition = answering.definition_of(response)
        answers = response.answer_values
        responses.append(
            {
                "questionnaire": definition.title.get(language) or definition.id,
                "instrument": response.instrument_id,
                "version": response.instrument_version,
                "child": response.visit.child.first_name,
                "language": response.language,
                "sent": _moment(response.submitted_at),
                "answers": [
                    {"question": item.text.get(language), "answer": answer_text(item, answers.get(item.id), language)}
                    for item in definition.items.values()
                    if item.id in answers
                ],
                "result": response.result_summary or None,
                "professional_notes": response.notes or None,
                "reviewed": (
                    {"by": response.reviewed_by_name, "at": _moment(response.reviewed_at)}
                    if response.reviewed_at
                    else None
                ),
            }
        )
    return {
        "appointments": [
            {
                "service": localized(a.service, "name", language),
                "starts": _moment(a.starts_at),
                "ends": _moment(a.ends_at),
                "professional": a.professional.name,
                "status": a.status.value,
                "guardian_name": a.guardian_name,
                "guardian_email": a.guardian_email,
                "guardian_phone": a.guardian_phone,
                "child_first_name": a.child_first_name,
                "child_age_years": a.child_age_years,
                "language": a.language,
                "family_language": a.written_language,
                "text_messages": a.sms_wanted,
                "message": a.message,
                "booked": _moment(a.created_at),
                "earlier_time_wishes": [_wish(wish) for wish in earlier_time_wishes(a)],
            }
            for a in found.appointments
        ],
        "waiting_for_a_time": [
            {
                "service": localized(db.session.get(Service, w.service_id), "name", language),
                "guardian_name": w.guardian_name,
                "guardian_email": w.guardian_email,
                "guardian_phone": w.guardian_phone,
                "text_messages": w.sms_wanted,
                "family_language": w.written_language,
                **_wish(w),
            }
            for w in found.time_wishes
        ],
        "group_activities": [
            {
                "activity": localized(r.date.activity, "title", language),
                "starts": _moment(r.date.starts_at),
                "ends": _moment(r.date.ends_at),
                "status": r.status.value,
                "adults": r.adults,
                "children": r.children,
                "guardian_name": r.guardian_name,
                "guardian_email": r.guardian_email,
                "guardian_phone": r.guardian_phone,
                "language": r.language,
                "attendance": r.attendance.value if r.attendance else None,
                "registered": _moment(r.created_at),
                "cancelled": _moment(r.cancelled_at),
            }
            for r in found.registrations
        ],
        "children": [
            {
                "first_name": c.first_name,
                "surname": c.surname,
                "date_of_birth": c.date_of_birth.isoformat(),
                # Masked here too: the export is a file that travels, and the family knows the code.
                "personal_identity_code": c.masked_personal_id or None,
                "guardians": [
                    {
                        "name": g.guardian.name,
                        "relation": g.relation,
                        "email": g.guardian.email,
                        "phone": g.guardian.phone,
                    }
                    for g in c.guardianships
                ],
            }
            for c in found.children
        ],
        "questionnaire_invitations": [
            {
                "child": v.child.first_name,
                "sent": _moment(v.created_at),
                "email": v.email or None,
                "professional": v.professional.name,
            }
            for v in found.visits
        ],
        "questionnaires": responses,
        "message_threads": [
            {
                "subject": t.subject,
                "to": localized(t.channel, "name", language)
                if t.channel
                else (t.professional.name if t.professional else ""),
                "guardian_name": t.guardian_name,
                "guardian_email": t.guardian_email,
                "guardian_phone": t.guardian_phone,
                "text_messages": t.sms_wanted,
                "language": t.language,
                "started": _moment(t.created_at),
                "messages": [
                    {
                        "from": t.guardian_name if m.from_family else m.author_name,
                        "at": _moment(m.created_at),
                        "text": m.body,
                    }
                    for m in t.messages
                ],
            }
            for t in found.threads
        ],
        "chat_conversations": [
            {
                "channel": localized(c.channel, "name", language),
                "nickname": c.nickname,
                "language": c.language,
                "started": _moment(c.created_at),
                "messages": [
                    {
                        "from": c.nickname if m.kind == "family" else m.author_name,
                        "at": _moment(m.created_at),
                        "text": m.body,
                    }
                    for m in c.messages
                    if m.kind in ("family", "staff")
                ],
            }
            for c in found.conversations
        ],
        "programmes": [_programme(enrolment, language) for enrolment in found.enrolments],
        "who_has_looked_at_the_data": [
            {
                "when": _moment(e.at),
                "who": e.actor_name,
                "what": what_was_done(e),
                "page": e.page,
                "basis": on_what_basis(e.basis),
            }
            for e in views_of(found)
        ],
    }


def _programme(enrolment: Enrolment, language: str) -> dict[str, Any]:
    """A programme the family took part in: its weeks, every answer with its question, and the coach's notes."""
    programme = programme_of(enrolment)
    answers = answers_of(enrolment)
    return {
        "programme": programme.title.get(language) or programme.id,
        "child": enrolment.child.first_name,
        "coach": enrolment.coach.name if enrolment.coach else "",
        "enrolled": _moment(enrolment.enrolled_at),
        "state": enrolment.state,
        "weeks_done": [row.week for row in enrolment.weeks if row.done_at],
        "answers": [
            {
                "week": week.number,
                "question": prompt.text.get(language, ""),
                # A ticked checklist item is stored as "done": shown as a tick, in no language.
                "answer": "✓" if block.kind == "checklist" else answers[(block.id, prompt.id)],
            }
            for week in programme.weeks
            for block in week.answerable_blocks
            for prompt in block.prompts
            if answers.get((block.id, prompt.id))
        ],
        "coach_notes": [
            {"week": note.week, "at": _moment(note.written_at), "by": note.written_by_name, "text": note.text}
            for note in enrolment.notes
        ],
    }


def erase(found: Found, now: datetime, by_staff: User) -> tuple[dict[str, int], list[int]]:
    """Erase everything found (the audit log stays, as the law requires); the caller commits.

    Coming group activity registrations are cancelled first; returns the counts
    and the ids of the registrations that got the freed places, whose families
    the caller tells after committing. The person asking is not emailed.
    """
    counts = {
        "appointments": len(found.appointments),
        "time_wishes": len(found.time_wishes),
        "registrations": len(found.registrations),
        "questionnaires": len(found.responses),
        "children": len(found.children),
        "threads": len(found.threads),
        "conversations": len(found.conversations),
        "programmes": len(found.enrolments),
    }
    registration_ids = [r.id for r in found.registrations]
    promoted: list[int] = []
    for registration in found.registrations:
        if registration.status != RegistrationStatus.CANCELLED and registration.date.starts_at > now:
            promoted += [other.id for other in cancel(registration, now, by_staff=by_staff)]
    if registration_ids:
        forget_contact_details(Registration.id.in_(registration_ids))
    appointment_ids = [a.id for a in found.appointments]
    visit_ids = [v.id for v in found.visits]
    child_ids = found.child_ids
    wish_ids = [w.id for w in found.time_wishes]
    thread_ids = [t.id for t in found.threads]
    conversation_ids = [c.id for c in found.conversations]
    enrolment_ids = [e.id for e in found.enrolments]
    db.session.expunge_all()
    if enrolment_ids:
        db.session.execute(delete(Enrolment).where(Enrolment.id.in_(enrolment_ids)))
    if thread_ids:
        db.session.execute(delete(MessageThread).where(MessageThread.id.in_(thread_ids)))
    if conversation_ids:
        db.session.execute(delete(Conversation).where(Conversation.id.in_(conversation_ids)))
    if wish_ids:
        db.session.execute(delete(EarlierTimeRequest).where(EarlierTimeRequest.id.in_(wish_ids)))
    if appointment_ids:
        db.session.execute(delete(Appointment).where(Appointment.id.in_(appointment_ids)))
    if visit_ids:
        db.session.execute(delete(Visit).where(Visit.id.in_(visit_ids)))
    if child_ids:
        db.session.execute(delete(Child).where(Child.id.in_(child_ids)))
        drop_orphan_guardians()
    return counts, [registration_id for registration_id in promoted if registration_id not in registration_ids]
