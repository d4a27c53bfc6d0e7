"""Administration of chat channels (``/admin/chat``): names, who answers, languages, limits and weekly hours."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from config import LANGUAGES
from core.access import staff
from core.forms import language_choices, save_with_slug
from core.i18n import localized
from core.views import render_form
from extensions import db

from ..auth.accounts import professionals
from ..auth.models import User
from ..booking.details_step import bookable_services
from ..organisation.models import Service
from .forms import ChannelForm
from .models import ChatChannel, ChatHours
from .views import week_in_words, weekday_names

bp = Blueprint("chat_admin", __name__, url_prefix="/admin/chat")

# Fields the view fills in itself rather than copying onto the channel.
OWN_FIELDS = (
    "professionals",
    "services",
    "languages",
    *(f"{kind}_{day}" for kind in ("opens", "closes") for day in range(7)),
)


@bp.route("/")
@staff("admin")
def channels():
    """Every chat channel with its hours and who answers it."""
    found = db.session.scalars(select(ChatChannel).order_by(ChatChannel.id)).all()
    return render_template("chat/admin/channels.html", channels=found, week_in_words=week_in_words)


def _fill_form(form: ChannelForm, channel: ChatChannel | None) -> None:
    """Show the channel's people, languages and hours (one span per weekday: the first of the day)."""
    form.professionals.choices = [SelectChoice(str(person.id), person.name) for person in professionals()]
    form.languages.choices = language_choices()
    form.services.choices = [
        SelectChoice(str(service.id), localized(service, "name")) for service in bookable_services()
    ]
    if form.is_submitted():
        return
    if channel is None:
        form.languages.data = ["sv", "fi"]
        return
    form.professionals.data = [str(person.id) for person in channel.professionals]
    form.services.data = [str(service.id) for service in channel.services]
    form.languages.data = list(channel.language_codes)
    for hours in reversed(channel.hours):
        form[f"opens_{hours.weekday}"].data = hours.start_time
        form[f"closes_{hours.weekday}"].data = hours.end_time


def _chosen(model, values: list[str] | None) -> list:
    """The rows of ``model`` whose ids a checkbox field sent."""
    ids = [int(value) for value in values or []]
    return list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:channel_id>", methods=["GET", "POST"])
@staff("admin")
def channel(channel_id: int | None = None):
    """Create or edit a chat channel."""
    item = db.get_or_404(ChatChannel, channel_id) if channel_id else None
    form = ChannelForm(obj=item)
    _fill_form(form, item)
    if form.validate_on_submit():
        saved = save_with_slug(ChatChannel, form, item, skip=OWN_FIELDS)
        if saved is not None:
            saved.professionals = _chosen(User, form.professionals.data)
            saved.services = _chosen(Service, form.services.data)
            # In the order of LANGUAGES, which is the order families see them offered in.
            saved.languages = " ".join(code for code in LANGUAGES if code in form.languages.data)
            saved.hours = [
                ChatHours(weekday=day, start_time=opens.data, end_time=closes.data)
                for day, opens, closes in form.days()
                if opens.data
            ]
            db.session.commit()
            flash(_("The chat %(name)s has been saved.", name=localized(saved, "name")), "success")
            return redirect(url_for("chat_admin.channels"))
    return render_form("chat/admin/channel_form.html", form, item=item, weekday_names=weekday_names())
