"""What views share: answering a form page with the status its submission earned (422 for one that failed)."""

from __future__ import annotations

from flask import render_template, request
from flask_wtf import FlaskForm

INVALID_SUBMISSION = 422


def form_status(form: FlaskForm) -> int:
    """422 when ``form`` was submitted and failed, 200 when it is shown fresh or shown back without a fault (a preview).

    Failed means an error on a field or the form: from its own checks, or one
    the view added after asking the database (an email address already taken).
    """
    return INVALID_SUBMISSION if form.is_submitted() and form.errors else 200


def render_form(template: str, form: FlaskForm, *, status: int | None = None, **context) -> tuple[str, int]:
    """Render ``template`` with ``form`` (and ``context``), answering ``form_status(form)``.

    ``status`` replaces it where a submission failed for another reason than its
    content: 409 when the time was taken meanwhile, 429 while sign-ins are throttled.
    """
    return render_template(template, form=form, **context), status or form_status(form)


def client_address() -> str:
    """The browser's network address, as the trusted proxy (PROXY_COUNT) reported it."""
    return request.remote_addr or "unknown"
