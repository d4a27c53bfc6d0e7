"""The public information pages and the front page that links everything the family centre offers."""

from __future__ import annotations

import pytest

from tests.support.information import FOOD, make_article


def test_the_list_searches_without_javascript_and_answers_htmx_with_the_fragment(client, db):
    make_article()
    make_article(**FOOD)
    page = client.get("/information/?lang=sv&q=nätterna").get_data(as_text=True)
    assert "Barn och sömn" in page and "Mat för hela familjen" not in page
    assert 'value="nätterna"' in page and 'id="information-results"' in page
    fragment = client.get("/information/?lang=fi&q=lapsen+unesta", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert "<html" not in text and "Lapsi ja uni" in text and 'data-hx-swap-oob="innerHTML:#live-region"' in text
    assert "HX-Request" in fragment.headers.get("Vary", "")


def test_filters_and_tampered_values(client, db):
    make_article()
    make_article(**FOOD)
    page = client.get("/information/?lang=sv&topic=feeding").get_data(as_text=True)
    assert "Mat för hela familjen" in page and "Barn och sömn" not in page
    tampered = client.get("/information/?lang=sv&topic=<x>&audience=1&age=-1&age=999")
    assert tampered.status_code == 200 and "Barn och sömn" in tampered.get_data(as_text=True)


@pytest.mark.parametrize("query", ['"', "*", "AND(", "x" * 10_000, "ö" * 300, "%22NEAR(", "'--"])
def test_hostile_queries_get_a_page(client, db, query):
    make_article()
    assert client.get("/information/", query_string={"q": query, "lang": "fi"}).status_code == 200


def test_an_article_in_english_falls_back_to_swedish_with_a_note(client, db):
    make_article()
    page = client.get("/information/barn-och-somn?lang=en").get_data(as_text=True)
    assert "Barn och sömn" in page and "has not been written in English" in page and 'lang="sv"' in page
    page = client.get("/information/barn-och-somn?lang=fi").get_data(as_text=True)
    assert "Lapsi ja uni" in page and "has not been written" not in page


def test_the_front_page_links_everything_in_one_place(client, db, world):
    from tests.support.chat import make_channel

    make_article()
    make_channel([world.professional.id])
    page = client.get("/?lang=sv").get_data(as_text=True)
    for link in ("/information/", "/information/barn-och-somn", "/information/?topic=sleep", "/book/", "/activities/"):
        assert f'href="{link}' in page, link
    assert 'action="/information/"' in page and 'name="q"' in page
    assert f'href="/book/{world.service_slug}"' in page
    assert "/chat/" in page
