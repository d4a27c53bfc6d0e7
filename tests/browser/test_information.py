"""A family on a 360 px phone searches the information pages with an inflected word and opens the article.

It runs in Swedish and in Finnish: the search must find "sömn" from "nätterna" and "barnets", "uni" from
"unesta" and "lapsen", first from the front page without scripts' help, then live as the family types.
"""

from playwright.sync_api import expect

from tests.support.information import FOOD, make_article

WORDS = {
    "sv": {"front": "nätterna", "typed": "barnets sömn", "title": "Barn och sömn", "other": "Mat för hela familjen"},
    "fi": {
        "front": "unesta",
        "typed": "lapsen nukkumisesta",
        "title": "Lapsi ja uni",
        "other": "Ruokaa koko perheelle",
    },
}


def test_a_family_finds_an_article_by_an_inflected_word_on_a_phone(new_ui, db, language):
    words = WORDS[language]
    make_article()
    make_article(**FOOD)
    ui = new_ui(width=360)
    page = ui.page

    ui.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#front-q").fill(words["front"])
    page.locator("#front-q").press("Enter")
    page.wait_for_url("**/information/?q=*")
    ui.check()
    results = page.locator("#information-results")
    expect(results.get_by_role("link", name=words["title"])).to_be_visible()
    expect(results.get_by_role("link", name=words["other"])).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Typing updates the results in place; the box keeps the focus and the live region tells the count.
    box = page.locator("#information-q")
    box.fill("")
    box.press_sequentially(words["typed"], delay=20)
    expect(page.locator("#live-region")).not_to_be_empty()
    expect(results.get_by_role("link", name=words["title"])).to_be_visible()
    expect(box).to_be_focused()
    page.wait_for_url("**/information/?q=*")
    ui.check()

    results.get_by_role("link", name=words["title"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["title"])
    ui.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
