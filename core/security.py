"""Security headers on every response, and translated error pages without stack traces."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from extensions import db

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ]
)

ERROR_TEXTS = {
    400: (
        _l("The request could not be handled"),
        _l("Something in the request was not as expected. Go back and try again."),
    ),
    403: (
        _l("No access"),
        _l(
            "You do not have access to this page. If you think you should, contact the administrator of your family "
            "centre."
        ),
    ),
    404: (_l("Page not found"), _l("The page may have been moved or removed, or the address may be mistyped.")),
    405: (_l("Not possible here"), _l("This page cannot be used that way. Go back and try again.")),
    413: (_l("Too much data"), _l("What you sent was too large to receive. Shorten it and try again.")),
    429: (_l("Too many attempts"), _l("Too many requests came in a short time. Wait a moment and try again.")),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side and it has been logged. Try again in a moment."),
    ),
}
CSRF_TEXT = _l(
    "The form could not be sent because its security check failed. This happens when the page has "
    "been open in another session or cookies are blocked. Go back, reload the page and send it again."
)


def render_error(status: int, message: str | None = None) -> Response:
    """Render the translated error page for ``status``; for htmx requests, into the main area."""
    title, default_message = ERROR_TEXTS.get(status, ERROR_TEXTS[500])
    is_htmx = bool(request.headers.get("HX-Request"))
    template = "errors/_error.html" if is_htmx else "errors/error.html"
    response = current_app.make_response(
        (render_template(template, status=status, title=title, message=message or default_message), status)
    )
    if is_htmx:
        # Show the error where the page's main content is, not inside a small fragment.
        response.headers["HX-Retarget"] = "#main"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def _handle_http_error(error: HTTPException) -> Response:
    status = error.code or 500
    if status not in ERROR_TEXTS:
        return error.get_response()
    return render_error(status)


def _handle_csrf_error(error: CSRFError) -> Response:
    current_app.logger.info("CSRF check failed: %s", error.description)
    return render_error(400, str(CSRF_TEXT))


def _handle_unexpected_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _handle_http_error(error)
    # The session may hold a failed transaction; end it before rendering.
    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(InternalServerError.code)


class _GuardedInput:
    """``wsgi.input`` whose read errors are the client's 400, whichever server parses the body.

    A malformed chunked body makes the server's reader fail while the app reads
    the form: werkzeug's development server raises OSError, which werkzeug turns
    into a 400, but gunicorn raises its own parse errors, which were a 500.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def _guarded(self, method, *args):
        try:
            return method(*args)
        except HTTPException:
            raise
        except Exception as error:  # noqa: BLE001 - every server has its own errors for a broken body
            raise BadRequest(f"The request body could not be read: {error!r}") from error

    def read(self, *args) -> bytes:
        """Read like the server's stream; a broken body is a 400."""
        return self._guarded(self._stream.read, *args)

    def readline(self, *args) -> bytes:
        """Read a line like the server's stream; a broken body is a 400."""
        return self._guarded(self._stream.readline, *args)

    def readlines(self, *args) -> list[bytes]:
        """Read the lines like the server's stream; a broken body is a 400."""
        return self._guarded(self._stream.readlines, *args)

    def __iter__(self):
        return iter(self.readline, b"")


def _guard_request_body(wsgi_app):
    """Wrap each request's body stream in ``_GuardedInput``."""

    def guarded_app(environ, start_response):
        environ["wsgi.input"] = _GuardedInput(environ["wsgi.input"])
        return wsgi_app(environ, start_response)

    return guarded_app


def _refuse_nul_characters() -> None:
    """Refuse a request whose address, query or form holds a NUL character (400).

    Nobody types one, and PostgreSQL cannot store or even compare text that
    holds one, so it would fail the query (a 500) where SQLite just finds nothing.
    """
    values = [request.path]
    for data in (request.args, request.form):
        for key, items in data.lists():
            values.append(key)
            values.extend(items)
    if any("\x00" in value for value in values):
        abort(400)


def _set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Same-origin keeps manage-link tokens out of Referer headers sent elsewhere,
    # while Flask-WTF's HTTPS referrer check still sees our own pages.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static":
        # Pages can hold client data: never keep them in shared or browser caches.
        headers.setdefault("Cache-Control", "no-store")
        headers.add("Vary", "HX-Request")
    return response


def init_app(app: Flask) -> None:
    """Install the body guard, the proxy fix, security headers and error handlers."""
    app.wsgi_app = _guard_request_body(app.wsgi_app)  # type: ignore[method-assign]
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
    app.before_request(_refuse_nul_characters)
    app.after_request(_set_security_headers)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(Exception, _handle_unexpected_error)
