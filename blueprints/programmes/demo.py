"""Demo programmes for ``flask seed-demo``: the shipped programmes imported, and two families on the coach's caseload.

Elsa's family (screened, then enrolled) is in week 2 with week 1 done; Onni's family has
gone quiet, so it comes first on Katja Lehtonen's caseload.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from core.database import begin_write
from core.timeutil import utcnow
from extensions import db

from ..auth.models import User
from ..questionnaires.models import Child
from . import enrolments
from .definition import DEFINITION_FILE, load_folder
from .models import Enrolment
from .store import import_programme, load_latest

COACH = "katja.lehtonen@famnen.example"


def import_shipped_programmes() -> int:
    """Import every programme folder in ``programmes/``; return how many new versions were stored."""
    created = 0
    for path in sorted((Path(current_app.root_path) / "programmes").glob(f"*/{DEFINITION_FILE}")):
        begin_write(db.session)
        created += import_programme(load_folder(path.parent)).created
        db.session.commit()
    return created


def seed_programmes() -> int:
    """Import the programmes and enrol two demo families (once)."""
    created = import_shipped_programmes()
    coach = db.session.scalar(select(User).where(User.email == COACH))
    if coach is None or db.session.scalar(select(func.count()).select_from(Enrolment)):
        return created
    children = {child.first_name: child for child in db.session.scalars(select(Child))}
    if "Elsa" not in children or "Onni" not in children:
        return created
    now = utcnow()
    programme = load_latest("everyday_routines")
    elsa = enrolments.enrol(
        children["Elsa"],
        coach,
        programme,
        language="sv",
        email="",
        phone="",
        enrolled_by=coach,
        now=now - timedelta(days=9),
    )
    week1 = programme.weeks[0].answerable_blocks
    for block in week1:
        for prompt in block.prompts:
            value = "Vi har börjat med en bildtavla för morgonen." if block.kind == "exercise" else "done"
            enrolments.save_answer(elsa, programme, block.id, prompt.id, value, now - timedelta(days=6))
    enrolments.mark_week_done(elsa, programme, 1, now - timedelta(days=5))
    enrolments.add_note(elsa, 1, "Första samtalet: familjen vill börja med morgnarna.", coach, now - timedelta(days=8))
    enrolments.enrol(
        children["Onni"],
        coach,
        programme,
        language="fi",
        email="",
        phone="",
        enrolled_by=coach,
        now=now - timedelta(days=12),
    )
    db.session.commit()
    return created + 2
