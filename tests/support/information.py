"""Information articles for tests: one helper that writes an article in Swedish and Finnish and indexes it."""

from __future__ import annotations

from blueprints.information.models import Article
from blueprints.information.search import index_article
from extensions import db

# An article about a child's sleep, with the base forms the searches must reach from inflected ones.
SLEEP = {
    "slug": "barn-och-somn",
    "topic": "sleep",
    "audiences": "families",
    "age_from": 0,
    "age_to": 6,
    "title_sv": "Barn och sömn",
    "summary_sv": "Om sömn, natt och vila.",
    "body_sv": "Ett barn behöver sömn. En natt kan vara lång.",
    "title_fi": "Lapsi ja uni",
    "summary_fi": "Unesta ja levosta.",
    "body_fi": "Lapsi tarvitsee unta. Hyvä nukkuminen auttaa koko perhettä.",
}
# About food, for families and young people; written in English too.
FOOD = {
    "slug": "mat",
    "topic": "feeding",
    "audiences": "families young",
    "age_from": 10,
    "age_to": None,
    "title_sv": "Mat för hela familjen",
    "summary_sv": "Regelbundna måltider.",
    "body_sv": "Ät tillsammans och regelbundet.",
    "title_fi": "Ruokaa koko perheelle",
    "summary_fi": "Säännölliset ateriat.",
    "body_fi": "Syökää yhdessä ja säännöllisesti.",
    "title_en": "Food for the whole family",
    "summary_en": "Regular meals.",
    "body_en": "Eat together and regularly.",
}


def make_article(published: bool = True, **fields) -> Article:
    """Create, index and commit an article (inside an app context); ``fields`` override ``SLEEP``."""
    article = Article(**{**SLEEP, **fields}, published=published)
    index_article(article)
    db.session.add(article)
    db.session.commit()
    return article
