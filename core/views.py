"""What views share: answering a form page with the status its submission earned."""

from __future__ import annotations

from flask import render_template
from flask_wtf import FlaskForm

INVALID_SUBMISSION = 422


def form_status(form: FlaskForm) -> int:
    """422 when ``form`` came back submitted, 200 when it is shown fresh.

    A view redirects after a submission that succeeded, so a submitted form it
    shows again failed: its own checks, or one the view added to its errors.
    """
    return INVALID_SUBMISSION if form.is_submitted() else 200


def render_form(template: str, form: FlaskForm, *, status: int | None = None, **context) -> tuple[str, int]:
    """Render ``template`` with ``form`` (and ``context``), answering ``form_status(form)``.

    ``status`` replaces it where a submission failed for another reason than its
    content: 409 when the time was taken meanwhile, 429 while sign-ins are throttled.
    """
    return render_template(template, form=form, **context), status or form_status(form)
