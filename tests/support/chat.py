"""Chat channels for tests, and a fixed Wednesday morning when they are open."""

from __future__ import annotations

from datetime import UTC, datetime, time

from blueprints.auth.models import User
from blueprints.chat.models import ChatChannel, ChatHours
from extensions import db

# Wednesday 9 December 2026, 10.00 in Helsinki: an ordinary working day.
OPEN_MOMENT = datetime(2026, 12, 9, 8, 0, tzinfo=UTC)


def make_channel(professional_ids, slug: str = "radgivningens-chatt", hours=None, **settings) -> ChatChannel:
    """A channel answered by the given professionals, open on weekdays 9-15 unless ``hours`` says otherwise."""
    values = dict(
        slug=slug,
        name_sv="Rådgivningens chatt",
        name_fi="Neuvolan chat",
        name_en="Child health clinic chat",
        description_sv="Fråga en hälsovårdare.",
        description_fi="Kysy terveydenhoitajalta.",
        description_en="Ask a nurse.",
        languages="sv fi",
    )
    values.update(settings)
    channel = ChatChannel(**values)
    channel.professionals = [db.session.get(User, user_id) for user_id in professional_ids]
    channel.hours = hours or [ChatHours(weekday=weekday, start_time=time(9), end_time=time(15)) for weekday in range(5)]
    db.session.add(channel)
    db.session.commit()
    return channel
