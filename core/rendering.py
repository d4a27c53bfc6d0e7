"""One URL, two answers: the whole page, or for an htmx request the fragment the page includes."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, render_template, request


def wants_fragment() -> bool:
    """Whether this is an htmx request for a fragment (not a history restore, which needs the page)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def render_page_or_fragment(page: str, fragment: str, **context) -> str:
    """Render ``fragment`` for htmx requests and ``page`` (which includes it) otherwise."""
    is_fragment = wants_fragment()
    return render_template(fragment if is_fragment else page, is_fragment=is_fragment, **context)


def url_with(base: str, **changes) -> str:
    """``base`` with the current query string, some values changed (None removes one)."""
    values = {key: value for key, value in request.args.items()}
    values.update(changes)
    query = urlencode({key: value for key, value in values.items() if value not in (None, "")})
    return f"{base}?{query}" if query else base


def init_app(app: Flask) -> None:
    """Make ``url_with`` available in templates."""
    app.jinja_env.globals["url_with"] = url_with
