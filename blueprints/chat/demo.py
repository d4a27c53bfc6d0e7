"""Demo chat channels for ``flask seed-demo``: the child health clinic's chat and speech therapy questions."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from extensions import db

from ..auth.models import User
from .models import ChatChannel, ChatHours

# slug: (names sv/fi/en, descriptions sv/fi/en, languages, professionals' emails, weekly hours)
CHANNELS = {
    "radgivningens-chatt": (
        ("Rådgivningens chatt", "Neuvolan chat", "Child health clinic chat"),
        (
            "Fråga en hälsovårdare om ditt barns hälsa, utveckling, sömn och mat, eller om att vara förälder.",
            "Kysy terveydenhoitajalta lapsesi terveydestä, kehityksestä, unesta ja ruokailusta tai vanhemmuudesta.",
            "Ask a public health nurse about your child's health, development, sleep and food, or about parenting.",
        ),
        "sv fi",
        ("sara.nystrom@famnen.example", "katja.lehtonen@famnen.example"),
        [(weekday, time(9), time(15)) for weekday in range(5)],
    ),
    "talterapins-fragor": (
        ("Frågor till talterapeuten", "Kysy puheterapeutilta", "Speech therapy questions"),
        (
            "Funderar du på ditt barns tal eller språk? Talterapeuten svarar.",
            "Mietityttääkö lapsesi puhe tai kieli? Puheterapeutti vastaa.",
            "Wondering about your child's speech or language? The speech therapist answers.",
        ),
        "fi sv en",
        ("mikko.virtanen@famnen.example",),
        [(1, time(12), time(14)), (3, time(12), time(14))],
    ),
}


def seed_chat() -> int:
    """Create the demo channels that are missing; return how many were created."""
    created = 0
    for slug, (names, descriptions, languages, emails, hours) in CHANNELS.items():
        if db.session.scalar(select(ChatChannel.id).where(ChatChannel.slug == slug)) is not None:
            continue
        channel = ChatChannel(
            slug=slug,
            name_sv=names[0],
            name_fi=names[1],
            name_en=names[2],
            description_sv=descriptions[0],
            description_fi=descriptions[1],
            description_en=descriptions[2],
            languages=languages,
            professionals=[user for user in map(User.by_email, emails) if user is not None],
            hours=[ChatHours(weekday=weekday, start_time=start, end_time=end) for weekday, start, end in hours],
        )
        db.session.add(channel)
        created += 1
    db.session.commit()
    return created
