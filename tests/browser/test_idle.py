"""The idle warning: two minutes before a staff session ends, a dialog offers to continue (WCAG 2.2.1)."""

import pytest

from tests.support.browser import FOUNDATION_TEXTS, is_start_page, sign_in_staff
from tests.support.helpers import make_staff


@pytest.fixture(autouse=True)
def one_minute_idle_limit(app_config):
    """A one-minute idle limit with a 57-second warning, so the warning shows after three seconds."""
    app_config.update(STAFF_IDLE_MINUTES=1, STAFF_IDLE_WARNING_SECONDS=57)


def test_idle_warning_lets_staff_stay_signed_in(ui, app, db, language):
    texts = FOUNDATION_TEXTS[language]
    login = make_staff(name="Sara Nyström")
    page = ui.page
    sign_in_staff(ui, login)

    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible")
    ui.check()  # the open dialog passes axe too
    dialog.get_by_role("button", name=texts["stay"]).click()
    dialog.wait_for(state="hidden")
    assert is_start_page(page, texts)
    page.reload()
    ui.check()
    assert is_start_page(page, texts)
