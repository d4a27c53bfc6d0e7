"""The professional's way: invite a family, follow the invitations, read results, compare over time.

Every page that shows a child's data checks that the reader takes part in the
child's case and writes an audit log entry saying on what basis.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from config import LANGUAGES
from core.access import current_staff, staff
from core.forms import EmptyForm
from core.i18n import LANGUAGE_NAMES, current_language, date_and_time, pick, short_date
from core.ids import parse_id
from core.mail import external_url
from core.qr import qr_svg
from core.timeutil import utcnow
from core.views import render_form
from extensions import db

from ..audit.log import record, record_each
from ..auth.accounts import professionals
from ..auth.models import User
from ..chat.conversations import held_conversation, record_questionnaire
from ..chat.models import Conversation
from ..programmes.follow_up import child_summaries
from . import cases, invitations, results
from .case_access import basis_or_refuse, sent_response_or_404
from .definition import Definition
from .forms import NEW_CHILD, ChildCaseForm, EmailLinkForm, InviteForm, NotesForm, ShareForm
from .invitations import InvitationError
from .models import Child, InstrumentSetting, InstrumentVersion, Visit
from .notifications import send_invitation
from .store import load_latest

bp = Blueprint("questionnaires_staff", __name__)
bp.add_app_template_global(results.LEVEL_LABELS, "LEVEL_LABELS")


def _parent_instruments() -> list[Definition]:
    """The imported instruments parents answer, newest versions, by id."""
    ids = db.session.scalars(
        select(InstrumentVersion.instrument_id).distinct().order_by(InstrumentVersion.instrument_id)
    )
    definitions = [load_latest(instrument_id) for instrument_id in ids]
    return [definition for definition in definitions if definition.respondent == "parent"]


def _invite_form(chat: Conversation | None = None) -> InviteForm:
    form = InviteForm()
    children = invitations.children_of(current_staff())
    form.child.choices = [SelectChoice(str(child.id), child.label) for child in children]
    form.child.choices.append(SelectChoice(NEW_CHILD, _("A new child")))
    form.instruments.choices = [SelectChoice(d.id, f"{pick(d.title)} (v{d.version})") for d in _parent_instruments()]
    form.language.choices = [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]
    if not form.is_submitted():
        # From a chat: the chat's language, and its child's case when it is linked to one.
        form.language.data = chat.language if chat else current_language()
        form.valid_days.data = current_app.config["QUESTIONNAIRE_LINK_DAYS"]
        wanted = str(chat.child_id) if chat and chat.child_id else request.args.get("child")
        form.child.data = wanted if wanted in {c.value for c in form.child.choices} else NEW_CHILD
    return form


@bp.route("/staff/questionnaires")
@staff("professional")
def invitations_list():
    """The professional's invitations and where each questionnaire stands (audit-logged per child shown)."""
    rows = invitations.visits_of(current_staff(), utcnow())
    record_each(
        current_staff(), [(row.visit.child_id, f"visit:{row.visit.id}") for row in rows], "list", "own invitations"
    )
    page = render_template("questionnaires/staff/list.html", rows=rows, titles=_titles())
    db.session.commit()  # the audit entries
    return page


def _titles() -> dict[str, str]:
    """Instrument titles in the reader's language, by id."""
    return {definition.id: pick(definition.title) for definition in _parent_instruments()}


@bp.route("/staff/questionnaires/new", methods=["GET", "POST"])
@staff("professional")
def invite():
    """Ask a family to answer questionnaires before a visit; from a chat (``?chat=``), the link goes into the chat."""
    me = current_staff()
    chat = held_conversation(request.args.get("chat", type=parse_id), me)
    form = _invite_form(chat)
    if form.validate_on_submit():
        if form.child.data == NEW_CHILD:
            child = invitations.open_case(
                form.first_name.data, form.date_of_birth.data, me, form.surname.data, form.personal_id_code
            )
        else:
            child = db.session.get(Child, int(form.child.data))
            basis_or_refuse(child)
        try:
            visit = invitations.invite(
                child,
                me,
                list(form.instruments.data),
                form.language.data,
                utcnow(),
                form.valid_days.data,
                form.email.data or "",
            )
        except InvitationError:
            db.session.rollback()  # the new child's case goes too; the form is shown again
            form.instruments.errors.append(_("That questionnaire cannot be sent. Choose another one."))
        else:
            if chat is not None:
                record_questionnaire(chat, visit, me)
            db.session.commit()
            if chat is not None:
                flash(_("The questionnaire is sent to the family in the chat."), "success")
                return redirect(url_for("chat_staff.conversation", conversation_id=chat.id) + "#message-form")
            if visit.email:
                _email_link(visit)
            else:
                flash(_("The link is ready. Give it to the family on paper, by text message or by email."), "success")
            return redirect(url_for("questionnaires_staff.visit", visit_id=visit.id))
    return render_form("questionnaires/staff/invite.html", form, chat=chat)


def _own_visit(visit_id: int) -> Visit:
    visit = db.get_or_404(Visit, visit_id)
    basis_or_refuse(visit.child)
    return visit


def _titles_for_family(visit: Visit) -> list[str]:
    """The titles of the visit's questionnaires in the family's language, for the email and the handout."""
    with force_locale(visit.language):
        return [pick(results.definition_of(response).title) for response in visit.responses]


def _email_link(visit: Visit) -> None:
    """Email the family's link of a committed visit, then commit when it was sent."""
    if send_invitation(visit, _titles_for_family(visit)):
        visit.last_sent_at = utcnow()
        db.session.commit()
        flash(_("The link has been emailed to %(email)s.", email=visit.email), "success")
    else:
        flash(_("The email could not be sent. Give the family the link or the QR code instead."), "error")


def _family_link(visit: Visit) -> str:
    return external_url("questionnaires.visit", token=invitations.visit_token(visit))


@bp.route("/staff/questionnaires/visits/<int:visit_id>")
@staff("professional")
def visit(visit_id: int):
    """One invitation: the family's link, a QR code, a text message to copy, and each questionnaire's state."""
    found = _own_visit(visit_id)
    record(current_staff(), found.child_id, f"visit:{found.id}", "view", basis_or_refuse(found.child))
    link = _family_link(found)
    now = utcnow()
    with force_locale(found.language):
        sms = _(
            "The family centre asks you to answer a questionnaire before your visit: %(link)s The link works until "
            "%(date)s.",
            link=link,
            date=short_date(found.expires_at),
        )
    page = render_template(
        "questionnaires/staff/visit.html",
        visit=found,
        link=link,
        qr=qr_svg(link, _("QR code of the family's link")),
        sms=sms,
        states=[(response, invitations.status(response, now)) for response in found.responses],
        titles=_titles(),
        email_form=EmailLinkForm(data={"email": found.email}),
        now=now,
    )
    db.session.commit()  # the audit entry
    return page


@bp.route("/staff/questionnaires/visits/<int:visit_id>/handout")
@staff("professional")
def handout(visit_id: int):
    """A page to print for the family, in their language, with the QR code and the link."""
    found = _own_visit(visit_id)
    link = _family_link(found)
    with force_locale(found.language):
        return render_template(
            "questionnaires/staff/handout.html",
            visit=found,
            link=link,
            qr=qr_svg(link, _("QR code of the link to the questionnaires"), scale=6),
            titles=_titles_for_family(found),
        )


@bp.route("/staff/questionnaires/visits/<int:visit_id>/email", methods=["POST"])
@staff("professional")
def email_link(visit_id: int):
    """Email (or email again) the family's link; an expired link is opened again first."""
    found = _own_visit(visit_id)
    form = EmailLinkForm()
    if not form.validate_on_submit():
        flash(" ".join(map(str, form.email.errors)) or _("Enter an email address like name@example.fi."), "error")
        return redirect(url_for("questionnaires_staff.visit", visit_id=found.id))
    found.email = form.email.data.strip().lower()
    if utcnow() >= found.expires_at or found.withdrawn_at:
        invitations.extend(found, utcnow(), current_app.config["QUESTIONNAIRE_LINK_DAYS"])
    db.session.commit()
    _email_link(found)
    return redirect(url_for("questionnaires_staff.visit", visit_id=found.id))


@bp.route("/staff/questionnaires/visits/<int:visit_id>/withdraw", methods=["POST"])
@staff("professional")
def withdraw(visit_id: int):
    """Withdraw the invitation: questionnaires not yet sent stop taking answers."""
    found = _own_visit(visit_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    invitations.withdraw(found, utcnow())
    db.session.commit()
    flash(_("The invitation has been withdrawn. Answers already sent are kept."), "success")
    return redirect(url_for("questionnaires_staff.visit", visit_id=found.id))


@bp.route("/staff/questionnaires/visits/<int:visit_id>/extend", methods=["POST"])
@staff("professional")
def extend(visit_id: int):
    """Open an expired or withdrawn link again."""
    found = _own_visit(visit_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    invitations.extend(found, utcnow(), current_app.config["QUESTIONNAIRE_LINK_DAYS"])
    db.session.commit()
    flash(_("The link works again until %(date)s.", date=short_date(found.expires_at)), "success")
    return redirect(url_for("questionnaires_staff.visit", visit_id=found.id))


@bp.route("/staff/questionnaires/responses/<int:response_id>", methods=["GET", "POST"])
@staff("professional")
def response(response_id: int):
    """The result of one response: flags first, scales, the outcome, every answer, and notes."""
    found = sent_response_or_404(response_id)
    basis = basis_or_refuse(found.visit.child, f"response:{found.id}")
    form = NotesForm(data={"notes": found.notes})
    if request.method == "POST":
        if form.validate_on_submit():
            found.notes = (form.notes.data or "").strip()
            found.notes_updated_at = utcnow()
            found.notes_updated_by_id = current_staff().id
            record(current_staff(), found.visit.child_id, f"response:{found.id}", "update", basis)
            db.session.commit()
            flash(_("The notes have been saved."), "success")
            return redirect(url_for("questionnaires_staff.response", response_id=found.id) + "#notes-section")
    record(current_staff(), found.visit.child_id, f"response:{found.id}", "view", basis)
    page = render_form(
        "questionnaires/staff/response.html",
        form,
        view=results.result_view(found, current_language()),
        child=found.visit.child,
        answers_about_child=results.responses_sent(found.visit.child),
    )
    db.session.commit()  # the audit entry
    return page


@bp.route("/staff/questionnaires/responses/<int:response_id>/reviewed", methods=["POST"])
@staff("professional")
def sign_off(response_id: int):
    """Mark the result as reviewed: who and when show on the result page, in the lists and in the PDF."""
    found = sent_response_or_404(response_id)
    basis = basis_or_refuse(found.visit.child, f"response:{found.id}")
    if not EmptyForm().validate_on_submit():
        abort(400)
    if results.sign_off(found, current_staff(), utcnow()):
        record(current_staff(), found.visit.child_id, f"response:{found.id}", "review", basis)
        flash(_("The result has been marked as reviewed."), "success")
    else:
        flash(
            _(
                "%(name)s had already marked the result as reviewed on %(date)s.",
                name=found.reviewed_by_name,
                date=date_and_time(found.reviewed_at),
            ),
            "info",
        )
    db.session.commit()
    return redirect(url_for("questionnaires_staff.response", response_id=found.id))


def _colleague_choices(child: Child) -> list[SelectChoice]:
    members = {member.user_id for member in child.members}
    return [
        SelectChoice(str(person.id), person.name)
        for person in professionals()
        if person.active and person.id not in members
    ]


@bp.route("/staff/questionnaires/children/<int:child_id>", methods=["GET", "POST"])
@staff("professional")
def child(child_id: int):
    """A child's responses over time, side by side, and who takes part in the case."""
    found = db.get_or_404(Child, child_id)
    basis = basis_or_refuse(found)
    form = ShareForm()
    form.colleague.choices = _colleague_choices(found)
    if request.method == "POST":
        if form.validate_on_submit():
            colleague = db.session.get(User, int(form.colleague.data))
            invitations.share_case(found, colleague, current_staff())
            record(current_staff(), found.id, f"child:{found.id}", "share", basis)
            db.session.commit()
            flash(
                _("%(name)s can now read the answers about %(child)s.", name=colleague.name, child=found.display_name),
                "success",
            )
            return redirect(url_for("questionnaires_staff.child", child_id=found.id))
    record(current_staff(), found.id, f"child:{found.id}", "view", basis)
    page = render_form(
        "questionnaires/staff/child.html",
        form,
        child=found,
        history=results.history(found, current_language()),
        visits=db.session.scalars(
            select(Visit).where(Visit.child_id == found.id).order_by(Visit.created_at.desc())
        ).all(),
        chats=db.session.scalars(
            select(Conversation).where(Conversation.child_id == found.id).order_by(Conversation.created_at.desc())
        ).all(),
        programmes=child_summaries(found, utcnow()),
        now=utcnow(),
    )
    db.session.commit()  # the audit entry
    return page


def _case_form(child: Child | None) -> ChildCaseForm:
    """The case form, filled from the child's case on first showing; guardians of sibling cases to pick from."""
    form = ChildCaseForm()
    form.case = child
    known = cases.known_guardians(current_staff(), child)
    form.known_guardian.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(str(g.id), ", ".join(filter(None, (g.name, g.email, g.phone)))) for g in known
    ]
    form.known = known
    if not form.is_submitted() and child is not None:
        form.first_name.data, form.surname.data, form.date_of_birth.data = (
            child.first_name,
            child.surname,
            child.date_of_birth,
        )
        rows = [
            {
                "guardian_id": str(g.guardian.id),
                "name": g.guardian.name,
                "relation": g.relation,
                "email": g.guardian.email,
                "phone": g.guardian.phone,
            }
            for g in child.guardianships
        ]
        while form.guardians.entries:
            form.guardians.pop_entry()
        for row in [*rows, {}]:  # one empty row for another guardian
            form.guardians.append_entry(row)
    return form


def _save_case(form: ChildCaseForm, child: Child) -> None:
    """Store what the valid case form holds on ``child``: details, the guardians typed, a sibling's guardian linked."""
    personal_id = form.personal_id_code
    if "personal_id" not in form or (personal_id is None and not form.remove_personal_id.data):
        personal_id = child.personal_id  # an empty field keeps the stored code; switched off, it is kept unseen
    cases.save_details(child, form.first_name.data, form.surname.data, form.date_of_birth.data, personal_id)
    typed = [
        cases.GuardianDetails(
            name=row.form.name.data,
            relation=row.form.relation.data,
            email=row.form.email.data or "",
            phone=row.form.phone.data or "",
            guardian_id=int(row.form.guardian_id.data) if (row.form.guardian_id.data or "").isdigit() else None,
        )
        for row in form.guardians
        if not row.empty
    ]
    cases.save_guardians(child, typed, form.known)
    chosen = next((g for g in form.known if str(g.id) == form.known_guardian.data), None)
    if chosen is not None:
        cases.link_guardian(child, chosen, form.known_relation.data)


@bp.route("/staff/questionnaires/children/new", methods=["GET", "POST"])
@staff("professional")
def new_child():
    """Open a child's case: name, date of birth, personal identity code and guardians."""
    form = _case_form(None)
    if form.validate_on_submit():
        child = invitations.open_case(form.first_name.data, form.date_of_birth.data, current_staff())
        db.session.flush()
        _save_case(form, child)
        record(current_staff(), child.id, f"child:{child.id}", "create", "professional who opened the case")
        db.session.commit()
        flash(_("The case of %(child)s has been opened.", child=child.display_name), "success")
        return redirect(url_for("questionnaires_staff.child", child_id=child.id))
    return render_template(
        "questionnaires/staff/case_form.html", form=form, child=None
    ), 422 if form.is_submitted() else 200


@bp.route("/staff/questionnaires/children/<int:child_id>/edit", methods=["GET", "POST"])
@staff("professional")
def edit_child(child_id: int):
    """Correct the child's details and guardians (audit-logged as a change of the case)."""
    found = db.get_or_404(Child, child_id)
    basis = basis_or_refuse(found)
    form = _case_form(found)
    if form.validate_on_submit():
        _save_case(form, found)
        record(current_staff(), found.id, f"child:{found.id}", "update", basis)
        db.session.commit()
        flash(_("The details of %(child)s have been saved.", child=found.display_name), "success")
        return redirect(url_for("questionnaires_staff.child", child_id=found.id))
    record(current_staff(), found.id, f"child:{found.id}", "view", basis)
    page = render_template("questionnaires/staff/case_form.html", form=form, child=found)
    db.session.commit()  # the audit entry
    return page, 422 if form.is_submitted() else 200


# --- Administration: which instruments anyone may take on the site ----------------------------


@bp.route("/admin/questionnaires", methods=["GET", "POST"])
@staff("admin")
def instrument_settings():
    """Imported instruments, their versions, and whether each is offered for self-service."""
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        instrument_id = request.form.get("instrument", "")
        if instrument_id not in {d.id for d in _parent_instruments()}:
            abort(404)
        setting = db.session.get(InstrumentSetting, instrument_id) or InstrumentSetting(instrument_id=instrument_id)
        setting.public = request.form.get("public") == "yes"
        db.session.add(setting)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("questionnaires_staff.instrument_settings"))
    public = set(db.session.scalars(select(InstrumentSetting.instrument_id).where(InstrumentSetting.public)))
    return render_template("questionnaires/staff/instruments.html", definitions=_parent_instruments(), public=public)
