"""Administrators write, preview, publish, unpublish and delete articles; nobody else may."""

from __future__ import annotations

from sqlalchemy import select

from blueprints.information import search
from blueprints.information.models import Article
from extensions import db as _db
from tests.support.helpers import make_staff, sign_in
from tests.support.information import make_article

FORM = {
    "slug": "somn",
    "topic": "sleep",
    "audiences": ["families", "young"],
    "age_from": "0",
    "age_to": "6",
    "title_sv": "Barnets sömn",
    "summary_sv": "Om sömn.",
    "body_sv": "## Natten\nEtt barn sover.",
    "title_fi": "Lapsen uni",
    "summary_fi": "Unesta.",
    "body_fi": "Lapsi nukkuu.",
    "title_en": "",
    "summary_en": "",
    "body_en": "",
    "action": "save",
}


def sign_in_admin(app, client):
    sign_in(client, app, make_staff({"admin"}, email="admin@famnen.example", name="Ada Admin"))


def test_an_administrator_writes_publishes_and_deletes_an_article(app, client, db):
    sign_in_admin(app, client)
    assert "/admin/information/" in client.get("/admin/?lang=sv").get_data(as_text=True)
    saved = client.submit("/admin/information/new", FORM, token_from="/admin/information/new")
    assert saved.status_code == 302
    article = _db.session.scalar(select(Article))
    assert article.audience_codes == ("families", "young") and not article.published
    assert article.updated_by_id is not None and article.languages == ("sv", "fi")
    # Not published: families do not find it or open it, the administrator can.
    assert search.find("sv", "sömnen") == []
    listing = client.get("/admin/information/?lang=sv").get_data(as_text=True)
    assert "Barnets sömn" in listing

    publish = client.submit(
        f"/admin/information/{article.id}/publish", {"publish": "1"}, token_from="/admin/information/"
    )
    assert publish.status_code == 302
    _db.session.expire_all()
    assert [hit.article.slug for hit in search.find("sv", "sömnen")] == ["somn"]
    assert client.get("/information/somn?lang=sv").status_code == 200

    # Editing keeps the index in step.
    edit = f"/admin/information/{article.id}"
    changed = {**FORM, "title_fi": "Lapsi ja leikki", "body_fi": "Lapsi leikkii.", "summary_fi": ""}
    assert client.submit(edit, changed, token_from=edit).status_code == 302
    assert [hit.article.slug for hit in search.find("fi", "leikistä")] == ["somn"]
    assert search.find("fi", "unesta") == []

    unpublish = client.submit(f"/admin/information/{article.id}/publish", {"publish": "0"}, token_from=edit)
    assert unpublish.status_code == 302
    _db.session.expire_all()
    assert not _db.session.get(Article, article.id).published

    confirm = client.get(f"/admin/information/{article.id}/delete?lang=sv")
    assert confirm.status_code == 200 and "Barnets sömn" in confirm.get_data(as_text=True)
    deleted = client.submit(
        f"/admin/information/{article.id}/delete", {}, token_from=f"/admin/information/{article.id}/delete"
    )
    assert deleted.status_code == 302
    _db.session.expire_all()
    assert _db.session.scalar(select(Article)) is None


def test_bad_input_is_explained_and_nothing_typed_is_lost(app, client, db):
    sign_in_admin(app, client)
    path = "/admin/information/new"
    cases = [
        ({"title_fi": "", "body_fi": "   "}, "Write the text in Finnish."),
        ({"audiences": []}, "Choose at least one group"),
        ({"age_from": "7", "age_to": "3"}, "The upper age cannot be below the lower age."),
        ({"age_to": "40"}, "Enter a number from 0 to 18."),
        ({"title_en": "Sleep"}, "Write the English text too"),
        ({"body_en": "Sleep."}, "Give the English title too"),
        ({"body_sv": "[klick](javascript:alert(1))"}, "Check this link: [klick](javascript:alert(1)"),
        ({"slug": "Inte OK"}, "Use lower-case letters"),
        ({"topic": "astrology"}, "Not a valid choice"),
    ]
    for changes, message in cases:
        answer = client.submit(path + "?lang=en", {**FORM, **changes}, token_from=path)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 422, changes
        assert message in page, (changes, message)
        assert "Barnets sömn" in page  # what was typed is still in the form
    assert _db.session.scalar(select(Article)) is None
    make_article(slug="somn")
    taken = client.submit(path + "?lang=en", FORM, token_from=path)
    assert taken.status_code == 422 and "Another one already uses this short name." in taken.get_data(as_text=True)


def test_a_preview_shows_the_article_safely_without_saving(app, client, db):
    sign_in_admin(app, client)
    path = "/admin/information/new"
    body = "<script>alert(1)</script>\n\n## Rubrik\n- punkt\n[THL](https://thl.fi)"
    preview = client.submit(path, {**FORM, "body_sv": body, "action": "preview"}, token_from=path)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and _db.session.scalar(select(Article)) is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "<h2>Rubrik</h2>" in page and '<a href="https://thl.fi">THL</a>' in page


def test_html_in_a_saved_article_is_shown_as_text(client, db):
    make_article(body_sv='<img src=x onerror=alert(1)> "citat" & <b>fet</b>')
    page = client.get("/information/barn-och-somn?lang=sv").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<b>fet</b>" not in page


def test_nobody_but_an_administrator_may_edit(app, client, db):
    article = make_article()
    paths = ["/admin/information/", "/admin/information/new", f"/admin/information/{article.id}"]
    for path in paths:  # not signed in: sent to sign in
        assert client.get(path).status_code == 302
    assert client.post(f"/admin/information/{article.id}/delete").status_code in (302, 400)
    sign_in(client, app, make_staff({"professional"}))  # a nurse
    for path in [*paths, f"/admin/information/{article.id}/delete"]:
        assert client.get(path).status_code == 403
    refused = client.submit(f"/admin/information/{article.id}/delete", {}, token_from="/staff/")
    assert refused.status_code == 403
    refused = client.submit(f"/admin/information/{article.id}/publish", {"publish": "0"}, token_from="/staff/")
    assert refused.status_code == 403
    _db.session.expire_all()
    assert _db.session.get(Article, article.id).published


def test_an_unpublished_article_is_not_shown_to_families(client, db):
    make_article(published=False)
    assert client.get("/information/barn-och-somn").status_code == 404
    assert client.get("/information/no-such-article").status_code == 404
