"""Ids from URLs, query strings and forms, bounded to what both databases hold.

SQLite stores integers up to 2^63 - 1 and PostgreSQL's ``integer`` columns up
to 2^31 - 1; a larger id made the database refuse the query (a 500). Every id
a request carries is read here, so an id outside 1..2^31 - 1 is simply an id
that matches nothing: a URL with one is a 404, a query or form value with one
reads as absent, on either database alike.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """The ``<int:...>`` URL converter: a positive integer up to ``MAX_ID``, anything else is no match (404)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value: str | int | None) -> int:
    """``value`` as an id in 1..MAX_ID; ValueError otherwise.

    Use it as werkzeug's ``type=`` (``request.args.get("child", type=parse_id)``),
    which turns the ValueError into the default (None).
    """
    number = int(str(value).strip())
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"id out of range: {number}")
    return number


def init_app(app: Flask) -> None:
    """Make ``<int:...>`` in every route the bounded id converter; call before blueprints add their rules."""
    app.url_map.converters["int"] = IdConverter
