"""One log line per request on the ``famnen.requests`` logger, written to standard error.

With ``LOG_FORMAT = "json"`` (the default in production) each line is a JSON
object that journald and log collectors can read::

    {"time": "2026-11-22T16:31:21.413Z", "method": "GET", "path": "/book/manage/<token>",
     "endpoint": "booking.manage", "status": 200, "duration_ms": 12.3}

The line holds the URL rule (the path template), never the real path or query
string, so secret link tokens never reach the log; and no IP address, user name
or email address, so the log holds no personal data. This replaces gunicorn's
access log, which logs real paths and addresses and is therefore left off.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request

LOGGER_NAME = "famnen.requests"


class RequestFormatter(logging.Formatter):
    """Format a request record as JSON or as a short line for people, as its app is configured.

    The format travels on the record, so several apps in one process (tests)
    each log the way they were configured.
    """

    def format(self, record: logging.LogRecord) -> str:
        fields = record.famnen_request
        if record.famnen_format == "json":
            return json.dumps(fields, ensure_ascii=False)
        return f"{fields['time']} {fields['method']} {fields['path']} {fields['status']} {fields['duration_ms']} ms"


class StandardErrorHandler(logging.StreamHandler):
    """Write to whatever ``sys.stderr`` is when a line is logged (gunicorn and pytest replace it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass  # always the current standard error


def configure_logger() -> logging.Logger:
    """Give ``famnen.requests`` its standard-error handler, once per process."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.INFO)
    # The line is complete in itself; passing it on to the root logger would print it twice.
    logger.propagate = False
    if not any(isinstance(handler, StandardErrorHandler) for handler in logger.handlers):
        handler = StandardErrorHandler()
        handler.setFormatter(RequestFormatter())
        logger.addHandler(handler)
    return logger


def utc_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z, e.g. 2026-11-22T16:31:21.413Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _start_timer() -> None:
    g.request_started_at = datetime.now(UTC)
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:
        return response  # a response made before our first hook ran
    rule = request.url_rule
    logging.getLogger(LOGGER_NAME).info(
        "request",
        extra={
            "famnen_request": {
                "time": utc_timestamp(g.request_started_at),
                "method": request.method,
                # The rule, never the real path: paths can carry secret tokens.
                "path": rule.rule if rule is not None else None,
                "endpoint": request.endpoint,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
            "famnen_format": current_app.config["LOG_FORMAT"],
        },
    )
    return response


def init_app(app: Flask) -> None:
    """Time every request and log it when the response is ready.

    Registered before the other hooks, so the time includes the access guard,
    and the line is written after every other ``after_request`` hook has run.
    """
    configure_logger()
    app.before_request(_start_timer)
    app.after_request(_log_request)
