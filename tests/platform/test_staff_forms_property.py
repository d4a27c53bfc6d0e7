"""Every staff form, fed partial, absurd or hostile input by Hypothesis, answers without a 5xx.

The forms are read from their pages as a browser would see them (every input,
select and textarea, with its options), then each is submitted with a valid
CSRF token and values drawn from: its own options, times without dates and
dates without times, days decades away, end before start, 5,000 characters,
markup, control characters and blanks. A rejected submission must say why in
an error summary. Examples are derandomized, so a run is the same on any machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from blueprints.auth.models import User
from core.timeutil import utcnow
from tests.support.activities_factories import make_activity, make_date
from tests.support.helpers import make_staff, sign_in
from tests.support.today import make_appointment

EXAMPLES_PER_FORM = 25
HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "2020-01-01",
    "1899-12-31",
    "9999-12-31",
    "2026-02-30",
    "31.12.2026",
    "09:00",
    "25:61",
    "23:59",
    "00:00",
    "2026-12-24T09:00",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "a" * 5000,
    "Å" * 300,
    "line\r\nbreak",
    "\x00",
    "\u202e",
    "name@example.fi",
    "https://evil.example/",
    "javascript:alert(1)",
    "+358 40 123 4567",
]


@dataclass
class Form:
    """A POST form on a page: where it goes, and each field with the values the page offers."""

    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)


class _FormReader(HTMLParser):
    """Collects the POST forms of a page and their fields."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[Form] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            if (attributes.get("method") or "get").lower() == "post":
                self.forms.append(Form(attributes.get("action") or self.page_path))
            else:
                self.forms.append(Form(""))  # a GET form: read but not submitted
            return
        if not self.forms or tag not in {"input", "select", "textarea", "option"}:
            return
        fields = self.forms[-1].fields
        if tag == "option" and self._select:
            fields[self._select].append(attributes.get("value") or "")
            return
        name = attributes.get("name")
        if not name or name == "csrf_token" or attributes.get("type") in {"submit", "button"}:
            return
        values = fields.setdefault(name, [])
        if tag == "select":
            self._select = name
        elif attributes.get("value") is not None:
            values.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def post_forms(html: str, page_path: str) -> list[Form]:
    """The POST forms of a page that have fields to fill (buttons alone are left out)."""
    reader = _FormReader(page_path)
    reader.feed(html)
    return [form for form in reader.forms if form.action and form.fields]


def field_values(offered: list[str]) -> st.SearchStrategy[list[str]]:
    """One or more values for a field: the page's own options mixed with hostile and random text."""
    single = st.one_of(
        st.sampled_from(offered) if offered else st.nothing(),
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
    )
    return st.lists(single, min_size=0, max_size=2)


@pytest.fixture
def staff_world(app, client, db, family_centre):
    """An administrator and the nurse signed in, each in their own browser, with something to edit."""
    nurse = db.session.get(User, family_centre["nurse"].id)
    activity = make_activity(family_centre["world"].centre_id)
    activity.leaders.append(nurse)
    db.session.commit()
    activity_date = make_date(activity, starts_in=timedelta(days=5))
    appointment = make_appointment(family_centre["world"], utcnow() + timedelta(days=2))
    admin = app.test_client()
    admin.html_checker = None
    sign_in(admin, app, make_staff({"admin"}, email="boss@famnen.example", name="Boss"))
    professional = app.test_client()
    professional.html_checker = None
    sign_in(professional, app, family_centre["nurse"])
    return {
        "admin": (
            admin,
            [
                "/admin/staff/new",
                "/admin/centres/new",
                "/admin/services/new",
                f"/admin/professionals/{nurse.id}",
                "/staff/account",
            ],
        ),
        "professional": (
            professional,
            [
                "/staff/account",
                "/staff/activities/new",
                f"/staff/activities/{activity.id}",
                f"/staff/activities/dates/{activity_date.id}/edit",
                f"/staff/activities/dates/{activity_date.id}/cancel",
                f"/staff/activities/dates/{activity_date.id}/message",
                "/staff/questionnaires/new",
                "/staff/questionnaires/children/new",
                "/staff/agenda/block",
                f"/staff/appointments/{appointment.id}/cancel",
            ],
        ),
    }


def hammer(browser, form: Form, token: str) -> None:
    """Submit ``form`` with Hypothesis' values; no answer is a 5xx, and a refusal says why."""

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.fixed_dictionaries({name: field_values(offered) for name, offered in form.fields.items()}))
    def submit(values):
        data = MultiDict([("csrf_token", token)])
        for name, chosen in values.items():
            data.setlist(name, chosen)
        answer = browser.post(form.action, data=data)
        assert answer.status_code < 500, (form.action, values)
        if answer.status_code == 422:
            assert 'class="error-summary"' in answer.get_data(as_text=True), (form.action, values)

    submit()


@pytest.mark.parametrize("role", ["admin", "professional"])
def test_no_staff_form_answers_5xx_whatever_it_is_sent(staff_world, role):
    browser, pages = staff_world[role]
    for page_path in pages:
        page = browser.get(page_path)
        assert page.status_code == 200, page_path
        html = page.get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        forms = post_forms(html, page_path)
        assert forms, page_path
        for form in forms:
            hammer(browser, form, token)
