"""Search in Swedish and Finnish finds articles by inflected words, keeps the languages apart and never fails."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from blueprints.information import search
from blueprints.information.models import Article, SearchDocument
from tests.support.information import FOOD, make_article


def slugs(hits) -> list[str]:
    return [hit.article.slug for hit in hits]


@pytest.mark.parametrize(
    ("word", "base"),
    [("sömnen", "sömn"), ("barnets", "barn"), ("nätterna", "natt"), ("barnet", "barn"), ("natten", "natt")],
)
def test_swedish_inflected_words_meet_their_base_form(word, base):
    assert search.term(word, "sv") == search.term(base, "sv")


@pytest.mark.parametrize(
    ("word", "base"),
    [("unesta", "uni"), ("unen", "uni"), ("lapsen", "lapsi"), ("lapsesta", "lapsi"), ("nukkumisesta", "nukkuminen")],
)
def test_finnish_inflected_words_meet_their_base_form(word, base):
    assert search.term(word, "fi") == search.term(base, "fi")


@pytest.mark.parametrize("query", ["sömnen", "barnets", "nätterna", "barnets sömn om nätterna", "sö"])
def test_a_swedish_article_is_found_by_inflected_words(db, query):
    make_article()
    assert slugs(search.find("sv", query)) == ["barn-och-somn"]


@pytest.mark.parametrize("query", ["unesta", "lapsen", "nukkumisesta", "lapsen unesta"])
def test_a_finnish_article_is_found_by_inflected_words(db, query):
    make_article()
    assert slugs(search.find("fi", query)) == ["barn-och-somn"]


def test_languages_are_not_mixed(db):
    make_article()
    assert search.find("fi", "sömnen") == []  # a Swedish word, searched in Finnish
    assert search.find("sv", "unesta") == []
    # The article has no English: English search does not look in its Swedish text.
    assert search.find("en", "barn") == []


def test_titles_come_first_and_the_excerpt_marks_the_word(db):
    make_article()
    make_article(
        slug="kvallar", title_sv="Lugna kvällar", summary_sv="", body_sv="Sömn kommer lättare efter en lugn kväll."
    )
    hits = search.find("sv", "sömnen")
    assert slugs(hits) == ["barn-och-somn", "kvallar"]
    assert "<mark>Sömn</mark>" in str(hits[1].excerpt)


def test_a_word_still_being_typed_finds_the_article(db):
    make_article()
    assert slugs(search.find("sv", "sö")) == ["barn-och-somn"]
    assert slugs(search.find("fi", "nukk")) == ["barn-och-somn"]


def test_when_no_article_has_every_word_articles_with_some_are_shown(db):
    make_article()
    assert slugs(search.find("sv", "sömn hallonsylt")) == ["barn-och-somn"]


def test_unpublished_articles_are_never_found_or_listed(db):
    make_article(published=False)
    assert search.find("sv", "sömn") == []
    assert search.find("sv") == []
    assert search.latest("sv", 3) == [] and search.topics_in_use() == []


def test_filters_narrow_the_list(db):
    make_article()
    make_article(**FOOD)
    assert slugs(search.find("sv", filters=search.Filters(topic="feeding"))) == ["mat"]
    assert slugs(search.find("sv", filters=search.Filters(audience="young"))) == ["mat"]
    assert set(slugs(search.find("sv", filters=search.Filters(age=3)))) == {"barn-och-somn"}
    assert set(slugs(search.find("sv", filters=search.Filters(age=12)))) == {"mat"}
    assert slugs(search.find("en", "meals")) == ["mat"]
    # Listed without a search, an English visitor sees the article without English in Swedish.
    shown = {hit.article.slug: hit.language for hit in search.find("en")}
    assert shown == {"barn-och-somn": "sv", "mat": "en"}


HOSTILE = ['"', "*", "AND(", "NEAR(x y)", "title_terms:x", "'", "a'b\"c", "x" * 10_000, "\x00", "-", "^x", "ö" * 300]


@pytest.mark.parametrize("query", HOSTILE)
@pytest.mark.parametrize("language", ["sv", "fi", "en"])
def test_hostile_queries_never_fail(db, query, language):
    make_article()
    search.find(language, query)  # no exception is the test


def test_changing_and_deleting_an_article_keeps_the_index_in_step(db):
    article = make_article()
    article.body_sv, article.summary_sv, article.title_sv = "Om lek.", "", "Lek"
    search.index_article(article)
    db.session.commit()
    assert search.find("sv", "sömn") == [] and slugs(search.find("sv", "leken")) == ["barn-och-somn"]
    db.session.delete(article)
    db.session.commit()
    assert db.session.scalars(select(SearchDocument)).all() == []
    assert search.find("sv", "leken") == [] and db.session.scalars(select(Article)).all() == []
