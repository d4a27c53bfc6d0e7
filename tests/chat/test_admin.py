"""An administrator sets up a chat channel: names, who answers, languages, hours and the promises it makes."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from blueprints.chat.models import ChatChannel
from extensions import db as _db
from tests.support.helpers import make_staff, sign_in

FORM = {
    "slug": "familjeradgivningen",
    "name_sv": "Familjerådgivningens chatt",
    "name_fi": "Perheneuvolan chat",
    "name_en": "",
    "description_sv": "Fråga om familjeliv.",
    "description_fi": "Kysy perhe-elämästä.",
    "description_en": "",
    "languages": ["fi", "sv"],
    "max_per_professional": "2",
    "max_queue": "5",
    "answer_days": "3",
    "active": "y",
    "opens_0": "09:00",
    "closes_0": "12:00",
    "opens_2": "13:00",
    "closes_2": "15:30",
}


def test_an_administrator_creates_and_edits_a_channel(app, client, world):
    sign_in(client, app, make_staff({"admin"}, email="admin@famnen.example", name="Ada Admin"))
    assert "/admin/chat/" in client.get("/admin/?lang=sv").get_data(as_text=True)
    page = client.get("/admin/chat/new?lang=sv").get_data(as_text=True)
    assert "Sara Nyström" in page and "Öppettider" in page
    saved = client.submit(
        "/admin/chat/new",
        {**FORM, "professionals": [str(world.professional.id)], "services": [str(world.service_id)]},
        token_from="/admin/chat/new",
    )
    assert saved.status_code == 302
    channel = _db.session.scalar(select(ChatChannel))
    assert channel.languages == "sv fi" and channel.answer_days == 3 and channel.max_queue == 5
    assert [p.id for p in channel.professionals] == [world.professional.id]
    assert [service.id for service in channel.services] == [world.service_id]
    assert [(h.weekday, h.start_time, h.end_time) for h in channel.hours] == [
        (0, time(9), time(12)),
        (2, time(13), time(15, 30)),
    ]
    listing = client.get("/admin/chat/?lang=fi").get_data(as_text=True)
    assert "Perheneuvolan chat" in listing and "Maanantai 9.00–12.00" in listing

    # Editing shows what is saved; closing Monday and opening Friday replaces the hours.
    edit = f"/admin/chat/{channel.id}"
    page = client.get(edit + "?lang=sv").get_data(as_text=True)
    assert 'value="09:00"' in page and 'value="15:30"' in page and "checked" in page
    changes = {**FORM, "opens_0": "", "closes_0": "", "opens_4": "10:00", "closes_4": "11:00"}
    assert client.submit(edit, changes, token_from=edit).status_code == 302
    _db.session.expire_all()
    assert [h.weekday for h in _db.session.get(ChatChannel, channel.id).hours] == [2, 4]
    assert _db.session.get(ChatChannel, channel.id).professionals == []
    assert _db.session.get(ChatChannel, channel.id).services == []


def test_hours_and_limits_are_checked_and_nothing_typed_is_lost(app, client, world):
    sign_in(client, app, make_staff({"admin"}, email="admin@famnen.example", name="Ada Admin"))
    half = client.submit("/admin/chat/new?lang=sv", {**FORM, "closes_0": ""}, token_from="/admin/chat/new")
    text = half.get_data(as_text=True)
    assert half.status_code == 422 and "Ange båda tiderna" in text and "Familjerådgivningens chatt" in text
    backwards = client.submit("/admin/chat/new?lang=sv", {**FORM, "closes_2": "12:00"}, token_from="/admin/chat/new")
    assert backwards.status_code == 422 and "Slutet måste vara efter början." in backwards.get_data(as_text=True)
    closed = {key: value for key, value in FORM.items() if not key.startswith(("opens", "closes"))}
    never = client.submit("/admin/chat/new?lang=sv", closed, token_from="/admin/chat/new")
    assert never.status_code == 422 and "minst en dag" in never.get_data(as_text=True)
    wordless = client.submit(
        "/admin/chat/new?lang=sv", {**FORM, "languages": [], "answer_days": "99"}, token_from="/admin/chat/new"
    )
    assert wordless.status_code == 422 and "minst ett språk" in wordless.get_data(as_text=True)
    assert _db.session.scalar(select(ChatChannel)) is None


def test_only_administrators_set_up_channels(app, client, world):
    sign_in(client, app, world.professional)
    assert client.get("/admin/chat/").status_code == 403
    assert client.get("/admin/chat/new").status_code == 403
