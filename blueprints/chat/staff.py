"""The professional's side of the chat: the queues of their channels, and the conversations they hold.

Only a channel's own professionals see its queue and its conversations, and every page that
shows a conversation (or a queue with the families' first messages) is audit-logged.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.access import current_staff, staff
from core.database import begin_write, reads_only
from core.forms import EmptyForm
from core.ids import parse_id
from core.rendering import wants_fragment
from core.views import render_form
from extensions import db

from ..audit import log as audit
from ..auth.models import User
from ..booking import times_page
from ..booking.details_step import bookable_services, confirm_staff_booking, details_step, service_or_404
from ..questionnaires.invitations import case_to_link, linkable_children
from . import conversations, live
from .conversations import ChatRefused
from .forms import MessageForm, TransferForm
from .models import ChatChannel, Conversation, ConversationStatus, chat_channel_professional
from .routes import long_poll, updates_after
from .views import REFUSALS, cursor_asked, state_of, transcript_response

bp = Blueprint("chat_staff", __name__, url_prefix="/staff/chat")

BASIS = "answers the chat channel"


def channels_of(user: User) -> list[ChatChannel]:
    """The active channels the professional answers."""
    return list(
        db.session.scalars(
            select(ChatChannel)
            .join(chat_channel_professional)
            .where(chat_channel_professional.c.user_id == user.id, ChatChannel.active)
            .order_by(ChatChannel.id)
        )
    )


def waiting_count(user: User) -> int:
    """How many families wait on the professional's channels (the header's count)."""
    return db.session.scalar(
        select(func.count(Conversation.id))
        .join(chat_channel_professional, chat_channel_professional.c.channel_id == Conversation.channel_id)
        .where(chat_channel_professional.c.user_id == user.id, Conversation.status == ConversationStatus.QUEUED)
    )


@bp.app_context_processor
def _chat_waiting_count() -> dict:
    """``chat_waiting_count()`` for the staff header: one COUNT query, only when a page asks."""

    def count() -> int:
        if not current_user.is_authenticated or not current_user.has_role("professional"):
            return 0
        if "chat_waiting_count" not in g:
            g.chat_waiting_count = waiting_count(current_user._get_current_object())
        return g.chat_waiting_count

    return {"chat_waiting_count": count}


def _queues(user: User) -> tuple[list[tuple[ChatChannel, list[Conversation]]], list[Conversation], str]:
    """The professional's channels with their waiting families, the chats they hold, and a signature of both."""
    channels = channels_of(user)
    waiting = list(
        db.session.scalars(
            select(Conversation)
            .where(
                Conversation.channel_id.in_([channel.id for channel in channels]),
                Conversation.status == ConversationStatus.QUEUED,
            )
            .order_by(Conversation.id)
        )
    )
    held = list(
        db.session.scalars(
            select(Conversation)
            .where(Conversation.professional_id == user.id, Conversation.status == ConversationStatus.ACTIVE)
            .order_by(Conversation.picked_up_at)
        )
    )
    queues = [(channel, [c for c in waiting if c.channel_id == channel.id]) for channel in channels]
    signature = "w" + "-".join(str(c.id) for c in waiting) + "h" + "-".join(str(c.id) for c in held)
    return queues, held, signature


def _first_messages(shown: list[Conversation]) -> dict[int, str]:
    """Each shown conversation's first message (what the family wants to ask)."""
    firsts = {}
    for conversation in shown:
        first = conversations.messages_after(conversation, 0)[:1]
        firsts[conversation.id] = first[0].body if first else ""
    return firsts


def _record_queue_view(user: User, shown: list[Conversation]) -> None:
    audit.record_each(user, [(None, f"chat:{conversation.id}") for conversation in shown], "list", BASIS)


@bp.route("/")
@staff("professional")
def index():
    """The queues of the professional's channels and the chats they hold; updates itself while open."""
    user = current_staff()
    queues, held, signature = _queues(user)
    shown = [c for _channel, waiting in queues for c in waiting] + held
    _record_queue_view(user, shown)
    db.session.commit()
    return render_template(
        "chat/staff/index.html",
        queues=queues,
        held=held,
        firsts=_first_messages(shown),
        signature=signature,
        is_update=False,
    )


@bp.route("/updates")
@staff("professional")
@reads_only
def queue_updates():
    """The queues again once they changed (long polling, like a conversation; see live.py)."""
    user = current_staff()
    cursor = cursor_asked()
    topics = [live.queue_topic(channel.id) for channel in channels_of(user)]
    queues, held, signature = long_poll(
        lambda: _queues(user), lambda news: news[2] != cursor.state, cursor.wait_seconds, topics
    )
    changed = signature != cursor.state
    shown = [c for _channel, waiting in queues for c in waiting] + held if changed else []
    if shown:
        # The families now shown go to the audit log: the one write of this waiting request.
        begin_write(db.session)
        _record_queue_view(user, shown)
    db.session.commit()
    return render_template(
        "chat/staff/_queue_updates.html",
        queues=queues,
        held=held,
        firsts=_first_messages(shown),
        signature=signature,
        changed=changed,
        waiting=sum(len(waiting) for _channel, waiting in queues),
        is_update=True,
    )


def _conversation_or_refuse(conversation_id: int) -> Conversation:
    """A conversation of one of the professional's channels; anyone else is refused and the refusal logged."""
    user = current_staff()
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        audit.refuse(user, None, f"chat:{conversation_id}", "does not answer the chat channel")
    if not answers(user, conversation.channel_id):
        audit.refuse(user, None, f"chat:{conversation.id}", "does not answer the chat channel")
    return conversation


def answers(user: User, channel_id: int) -> bool:
    """Whether the professional answers the channel (one indexed lookup, not the channel's whole team)."""
    link = chat_channel_professional.c
    found = db.session.scalar(select(link.user_id).where(link.channel_id == channel_id, link.user_id == user.id))
    return found is not None


@bp.route("/<int:conversation_id>/pick-up", methods=["POST"])
@staff("professional")
def pick_up(conversation_id: int):
    """Take a waiting family's chat."""
    conversation = _conversation_or_refuse(conversation_id)
    try:
        conversations.pick_up(conversation, current_staff())
    except ChatRefused as refused:
        flash(str(REFUSALS[refused.reason]), "error")
        return redirect(url_for("chat_staff.index"))
    db.session.commit()
    return redirect(url_for("chat_staff.conversation", conversation_id=conversation.id))


def _transfer_form(conversation: Conversation, form: TransferForm | None = None) -> TransferForm:
    """The transfer form, offering the channel's other professionals."""
    form = form or TransferForm(formdata=None)
    me = current_staff()
    form.colleague.choices = [("", _("Choose"))] + [
        (str(person.id), person.name) for person in conversation.channel.professionals if person.id != me.id
    ]
    return form


class _WhenUsed:
    """A template value worked out only if the template uses it (a waiting request's answer rarely does)."""

    def __init__(self, make) -> None:
        self._make = make

    def __getattr__(self, name: str):
        if "_made" not in self.__dict__:
            self.__dict__["_made"] = self._make()
        return getattr(self.__dict__["_made"], name)


def _staff_context(conversation: Conversation, transfer_form: TransferForm | None = None) -> dict:
    """What the professional's conversation templates need besides the conversation."""
    return {
        "transfer_form": _WhenUsed(lambda: _transfer_form(conversation, transfer_form)),
        "holds_it": conversation.professional_id == current_staff().id,
        "action": url_for("chat_staff.send", conversation_id=conversation.id),
        "compose": "chat/staff/_compose.html",
    }


def _page(conversation: Conversation, form: MessageForm, transfer_form: TransferForm | None = None):
    user = current_staff()
    audit.record(user, None, f"chat:{conversation.id}", "view", BASIS)
    messages = conversations.messages_after(conversation, 0)
    db.session.commit()
    return render_form(
        "chat/staff/conversation.html",
        form,
        status=422 if transfer_form is not None and transfer_form.errors else None,
        conversation=conversation,
        messages=messages,
        place=conversations.queue_place(conversation),
        state=state_of(conversation),
        poll_url=url_for("chat_staff.updates", conversation_id=conversation.id),
        viewer="staff",
        my_children=linkable_children(user),
        **_staff_context(conversation, transfer_form),
    )


@bp.route("/<int:conversation_id>")
@staff("professional")
def conversation(conversation_id: int):
    """One conversation: the messages so far and, for the one holding it, the message box."""
    return _page(_conversation_or_refuse(conversation_id), MessageForm().fresh())


@bp.route("/<int:conversation_id>/updates")
@staff("professional")
@reads_only
def updates(conversation_id: int):
    """What changed in the conversation after the page's last message (long polling)."""
    chat = _conversation_or_refuse(conversation_id)
    return updates_after(chat, "staff", url_for("chat_staff.updates", conversation_id=chat.id), **_staff_context(chat))


@bp.route("/<int:conversation_id>/send", methods=["POST"])
@staff("professional")
def send(conversation_id: int):
    """Store the professional's message; htmx gets a fresh message box, a plain form the conversation page."""
    chat = _conversation_or_refuse(conversation_id)
    form = MessageForm()
    if chat.professional_id != current_staff().id:
        form.body.errors = [REFUSALS["not_held"]]
    elif form.validate_on_submit():
        try:
            conversations.send(chat, form.body.data, form.client_key.data or None, author=current_staff())
        except ChatRefused as refused:
            form.body.errors = [REFUSALS[refused.reason]]
        else:
            db.session.commit()
            if not wants_fragment():
                return redirect(url_for("chat_staff.conversation", conversation_id=chat.id) + "#message-form")
            form.fresh()
    if wants_fragment():
        return render_form("chat/_message_form.html", form, **_staff_context(chat))
    return _page(chat, form)


@bp.route("/<int:conversation_id>/transfer", methods=["POST"])
@staff("professional")
def transfer(conversation_id: int):
    """Pass the chat to a colleague of the channel with a note; the family sees who answers now."""
    chat = _conversation_or_refuse(conversation_id)
    form = _transfer_form(chat, TransferForm())
    if form.validate_on_submit():
        colleague = db.session.get(User, int(form.colleague.data))
        try:
            conversations.transfer(chat, current_staff(), colleague, form.note.data)
        except ChatRefused as refused:
            form.colleague.errors = [REFUSALS[refused.reason]]
        else:
            db.session.commit()
            flash(_("The chat has been passed to %(name)s.", name=colleague.name), "success")
            return redirect(url_for("chat_staff.index"))
    return _page(chat, MessageForm().fresh(), form)


@bp.route("/<int:conversation_id>/child", methods=["POST"])
@staff("professional")
def link_child(conversation_id: int):
    """Link the chat to one of the professional's children's cases, so the child's summary lists it."""
    chat = _conversation_or_refuse(conversation_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        child = case_to_link(current_staff(), request.form.get("child", type=parse_id))
    except PermissionError:
        audit.refuse(current_staff(), None, f"chat:{chat.id}", "no part in the child's case")
    chat.child_id = child.id if child else None
    db.session.commit()
    flash(
        _("The chat is linked to %(child)s's case.", child=child.label)
        if child
        else _("The link to the child's case was removed."),
        "success",
    )
    return redirect(url_for("chat_staff.conversation", conversation_id=chat.id))


@bp.route("/<int:conversation_id>/end", methods=["POST"])
@staff("professional")
def end(conversation_id: int):
    """End the chat (the family sees that it ended and can still download it)."""
    chat = _conversation_or_refuse(conversation_id)
    conversations.end(chat, by=current_staff())
    db.session.commit()
    flash(_("The chat has ended."), "success")
    return redirect(url_for("chat_staff.index"))


@bp.route("/<int:conversation_id>/transcript")
@staff("professional")
def transcript(conversation_id: int):
    """The conversation as a text file (audit-logged as a download)."""
    chat = _conversation_or_refuse(conversation_id)
    audit.record(current_staff(), None, f"chat:{chat.id}", "download", BASIS)
    messages = conversations.messages_after(chat, 0)
    db.session.commit()
    return transcript_response(chat, messages, viewer="staff")


# --- Booking an appointment for the family from the chat ----------------------------------


def _held_or_refuse(conversation_id: int) -> Conversation:
    """A conversation the professional holds now; one they do not hold goes back to its page with a notice."""
    chat = _conversation_or_refuse(conversation_id)
    if not conversations.holds(chat, current_staff()):
        raise ChatNotHeld(chat)
    return chat


class ChatNotHeld(Exception):
    """Booking from a conversation the professional does not hold (ended meanwhile, or a colleague's)."""

    def __init__(self, conversation: Conversation) -> None:
        super().__init__(conversation.id)
        self.conversation = conversation


@bp.errorhandler(ChatNotHeld)
def _not_held(error: ChatNotHeld):
    flash(_("You can book from a chat only while you hold it."), "error")
    return redirect(url_for("chat_staff.conversation", conversation_id=error.conversation.id))


def _booking_urls(chat: Conversation, slug: str) -> dict[str, str]:
    return {
        "slot_action": url_for("chat_staff.book_details", conversation_id=chat.id, slug=slug),
        "times_url": url_for("chat_staff.book_times", conversation_id=chat.id, slug=slug),
    }


@bp.route("/<int:conversation_id>/book")
@staff("professional")
def book_services(conversation_id: int):
    """Book the family an appointment without leaving the chat: choose the service."""
    chat = _held_or_refuse(conversation_id)
    own = {service.id for service in chat.channel.services}
    # The channel's own services first, then the rest, each in their usual order.
    services = sorted(bookable_services(), key=lambda service: service.id not in own)
    return render_template(
        "booking/staff/services.html",
        services=services,
        times_endpoint="chat_staff.book_times",
        times_arguments={"conversation_id": chat.id},
        back_url=url_for("chat_staff.conversation", conversation_id=chat.id),
        back_text=_("Back to the chat"),
        lead=_(
            "For the family you are chatting with (%(name)s). The booking is shown to them in the chat.",
            name=chat.nickname,
        ),
    )


@bp.route("/<int:conversation_id>/book/<slug>")
@staff("professional")
def book_times(conversation_id: int, slug: str):
    """Free times for the chatting family; as for a phone booking, staff are not held to the minimum notice."""
    chat = _held_or_refuse(conversation_id)
    service = service_or_404(slug, include_reserved=True)
    urls = _booking_urls(chat, service.slug)
    return times_page.render_times(
        service,
        family=False,
        back_url=url_for("chat_staff.book_services", conversation_id=chat.id),
        back_text=_("All services"),
        slot_action=urls["slot_action"],
        times_url=urls["times_url"],
    )


@bp.route("/<int:conversation_id>/book/<slug>/details", methods=["GET", "POST"])
@staff("professional")
def book_details(conversation_id: int, slug: str):
    """The family's details, asked in the chat; the booking is made here and shown to the family in the chat."""
    chat = _held_or_refuse(conversation_id)
    service = service_or_404(slug, include_reserved=True)
    urls = _booking_urls(chat, service.slug)
    step = details_step(
        service,
        form_action=urls["slot_action"],
        times_url=urls["times_url"],
        booked_by=current_staff(),
        known={"guardian_name": chat.nickname, "language": chat.language, "family_language": chat.language},
    )
    if step.booked is None:
        return step.answer
    conversations.record_booking(chat, step.booked, current_staff())
    db.session.commit()
    confirm_staff_booking(step.booked, _("The appointment is booked and shown to the family in the chat."))
    db.session.commit()  # the text message's record
    return redirect(url_for("chat_staff.conversation", conversation_id=chat.id) + "#message-form")
