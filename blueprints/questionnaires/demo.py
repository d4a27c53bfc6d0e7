"""Demo questionnaires for ``flask seed-demo``: the shipped instruments imported, and invitations in every state.

Sara Nyström (public health nurse) has invited several families, so a new user
sees a not-yet-opened link, one half answered, results with the
Kraftfamiljer offer and an urgent flag, an earlier response to compare with,
an expired link and a withdrawn one.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from core.database import begin_write
from core.timeutil import to_local, utcnow
from extensions import db

from ..auth.models import User
from . import answering, invitations
from .definition import load_file
from .models import InstrumentSetting, Visit
from .store import import_definition

PUBLIC = ("phq9", "gad7")
PSC17_EXTERNALIZING = ("psc4", "psc5", "psc8", "psc10", "psc12", "psc14", "psc16")


def import_shipped_instruments() -> int:
    """Import every definition in ``instruments/``; return how many new versions were stored."""
    folder = Path(current_app.root_path) / "instruments"
    created = 0
    for path in sorted(folder.glob("*.yaml")):
        begin_write(db.session)
        created += import_definition(load_file(path)).created
        db.session.commit()
    return created


def _psc17(externalizing: str, others: str) -> dict[str, str]:
    return {f"psc{n}": externalizing if f"psc{n}" in PSC17_EXTERNALIZING else others for n in range(1, 18)}


def _answer(visit: Visit, position: int, answers: dict, send: bool, when) -> None:
    response = visit.responses[position - 1]
    definition = answering.definition_of(response)
    answering.save_answers(response, definition, answers, when)
    if send:
        answering.submit(response, when)


def seed_questionnaires() -> int:
    """Create the demo children and invitations (once)."""
    created = import_shipped_instruments()
    for instrument_id in PUBLIC:
        if db.session.get(InstrumentSetting, instrument_id) is None:
            db.session.add(InstrumentSetting(instrument_id=instrument_id, public=True))
    db.session.commit()
    if db.session.scalar(select(func.count()).select_from(Visit)):
        return created
    sara = db.session.scalar(select(User).where(User.email == "sara.nystrom@famnen.example"))
    if sara is None:
        return created
    now = utcnow()
    today = to_local(now).date()
    four_years_ago = date(today.year - 4, today.month, 1) - timedelta(days=20)

    elsa = invitations.open_case("Elsa", four_years_ago, sara)
    earlier = invitations.invite(elsa, sara, ["psc17"], "sv", now - timedelta(days=200), 30)
    _answer(earlier, 1, _psc17("often", "sometimes"), send=True, when=now - timedelta(days=195))
    check_up = invitations.invite(elsa, sara, ["fyraarsgranskningen"], "sv", now - timedelta(days=3), 30)
    package = {
        **_psc17("often", "never"),
        "burden": "yes",
        "burden_duration": "over_a_year",
        "support": "sometimes",
        "coping": "fairly_well",
        "wish_to_talk": "yes",
    }
    _answer(check_up, 1, package, send=True, when=now - timedelta(days=2))

    onni = invitations.open_case("Onni", four_years_ago - timedelta(days=40), sara)
    started = invitations.invite(onni, sara, ["fyraarsgranskningen"], "fi", now - timedelta(days=1), 30)
    invitations.mark_opened(started, now - timedelta(hours=20))
    _answer(
        started,
        1,
        {"psc1": "sometimes", "psc2": "never", "psc3": "sometimes"},
        send=False,
        when=now - timedelta(hours=20),
    )

    alva = invitations.open_case("Alva", four_years_ago + timedelta(days=60), sara)
    invitations.invite(alva, sara, ["fyraarsgranskningen", "phq9"], "sv", now, 30, email="maria.sundstrom@example.com")

    eetu = invitations.open_case("Eetu", four_years_ago - timedelta(days=100), sara)
    invitations.invite(eetu, sara, ["psc17"], "fi", now - timedelta(days=45), 30)

    aino = invitations.open_case("Aino", four_years_ago + timedelta(days=10), sara)
    withdrawn = invitations.invite(aino, sara, ["psc17"], "fi", now - timedelta(days=5), 30)
    invitations.withdraw(withdrawn, now - timedelta(days=4))

    yusuf = invitations.open_case("Yusuf", four_years_ago + timedelta(days=200), sara)
    mood = invitations.invite(yusuf, sara, ["phq9"], "en", now - timedelta(days=2), 30)
    phq = {f"phq{n}": "more_than_half_the_days" for n in range(1, 10)} | {
        "phq9": "several_days",
        "phq_difficulty": "very_difficult",
    }
    _answer(mood, 1, phq, send=True, when=now - timedelta(days=1))
    db.session.commit()
    return created + 6
