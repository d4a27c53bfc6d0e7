"""Helpers for the questionnaire tests: the definitions, answers built from option scores,
visits with invitations and sent answers that the reports, privacy and retention tests also use,
and a family answering over HTTP on their phone."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from blueprints.auth.models import User
from blueprints.questionnaires import answering, invitations
from blueprints.questionnaires.definition import Definition, load_file
from blueprints.questionnaires.models import Child, Response, Visit
from blueprints.questionnaires.scoring import score_response
from core.timeutil import utcnow

SHIPPED = Path(__file__).resolve().parents[2] / "instruments"
TEST_ONLY = Path(__file__).resolve().parent / "instruments"

# Answers to the four-year check-up at or above the externalizing cut-off, with the parent
# saying the behaviour burdens the family: they lead to the offer of the parent-training programme.
OFFER_ANSWERS = {
    **{f"psc{n}": "often" if n in (4, 5, 8, 10, 12, 14, 16) else "never" for n in range(1, 18)},
    "burden": "yes",
    "burden_duration": "over_a_year",
}


@lru_cache
def shipped(name: str) -> Definition:
    """A definition from instruments/."""
    return load_file(SHIPPED / f"{name}.yaml")


@lru_cache
def placeholder(name: str) -> Definition:
    """A test-only definition from tests/support/instruments/ (SDQ and EPDS structures)."""
    return load_file(TEST_ONLY / f"{name}.yaml")


def code_with_score(definition: Definition, item_id: str, score: int) -> str:
    """The code of the option printed with ``score`` on the form (before any reversal)."""
    options = definition.items[item_id].response_scale.options
    return next(option.code for option in options if option.score == score)


def answers_from_scores(definition: Definition, scores: dict[str, int | None]) -> dict[str, str | None]:
    """Answers choosing, for each item, the option with the given score (None leaves it blank)."""
    return {
        item_id: None if score is None else code_with_score(definition, item_id, score)
        for item_id, score in scores.items()
    }


def summary(definition: Definition, answers: dict, age_months: int | None = None) -> dict:
    """The JSON summary of scoring ``answers``."""
    return score_response(definition, answers, age_months).summary()


def make_visit(db, family_centre, instruments=("fyraarsgranskningen",), language="sv", days=30) -> Visit:
    """The ``family_centre`` nurse invites the child to answer ``instruments``; the invitation is valid ``days``."""
    child = db.session.get(Child, family_centre["child_id"])
    nurse = db.session.get(User, family_centre["nurse"].id)
    visit = invitations.invite(child, nurse, list(instruments), language, utcnow(), days)
    db.session.commit()
    return visit


def sent_response(db, family_centre, instrument="fyraarsgranskningen", answers=None, notes="") -> Response:
    """A response the family has answered (``OFFER_ANSWERS`` unless told) and sent, with the nurse's ``notes``."""
    visit = make_visit(db, family_centre, instruments=(instrument,))
    response = visit.responses[0]
    answering.save_answers(response, answering.definition_of(response), answers or OFFER_ANSWERS, utcnow())
    answering.submit(response, utcnow())
    response.notes = notes
    db.session.commit()
    return response


def family(app, client, language="sv"):
    """A second browser: the family's phone, in ``language``."""
    phone = app.test_client()
    phone.html_checker = client.html_checker
    phone.set_cookie("famnen_lang", language)
    return phone


def answer_page(phone, token, number, answers):
    """Submit one page of answers (item id to value) and go on, as the page's form does."""
    data = {f"answer-{item}": value for item, value in answers.items()}
    return phone.submit(f"/q/r/{token}/page/{number}", {**data, "go": "next"}, token_from=f"/q/r/{token}/page/{number}")


def answer_everything(phone, token, answers):
    """Answer page by page as a family without JavaScript would, following the redirects."""
    number = 1
    for _ in range(10):
        page = phone.get(f"/q/r/{token}/page/{number}").get_data(as_text=True)
        names = set(re.findall(r'name="answer-(\w+)"', page))
        response = answer_page(phone, token, number, {item: value for item, value in answers.items() if item in names})
        location = response.headers["Location"]
        if location.endswith("/review"):
            return
        number = int(location.rsplit("/", 1)[1])
    raise AssertionError("never reached the review page")


def send_offer_answers(app, client, db, family_centre):
    """A family answers the check-up so that the coach's programme is offered, on their phone, and sends it;
    (the phone, the response's token, the response's id)."""
    visit = make_visit(db, family_centre)
    token = invitations.response_token(visit.responses[0])
    phone = family(app, client)
    answer_everything(phone, token, OFFER_ANSWERS)
    phone.submit(f"/q/r/{token}/send", token_from=f"/q/r/{token}/review")
    return phone, token, visit.responses[0].id
