"""A real multi-worker HTTP server (gunicorn) for concurrency tests, a small browser-like client,
and ``at_once`` to send requests at the same moment."""

from __future__ import annotations

import http.cookiejar
import os
import re
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tests.support.servers import ServerProcess, free_port

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class GunicornServer:
    """Famnen under gunicorn with several worker processes, configured through the environment."""

    def __init__(self, database_url: str, outbox: Path, workers: int = 4, threads: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "FAMNEN_ENV_NAME": "testing",
            "FAMNEN_SECRET_KEY": "tests-only-secret-key-that-is-long-enough-0123456789",
            "DATABASE_URL": database_url,
            "FAMNEN_MAIL_BACKEND": "outbox",
            "FAMNEN_MAIL_OUTBOX_DIR": str(outbox),
            "FAMNEN_ARGON2_TIME_COST": "1",
            "FAMNEN_ARGON2_MEMORY_KIB": "8192",
            "FAMNEN_ARGON2_PARALLELISM": "1",
        }
        self.server = ServerProcess(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                # Threads as in production (deploy/gunicorn.conf.py), where chats wait for news in threads.
                *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
                "--bind",
                f"127.0.0.1:{self.port}",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=environment,
        )
        # A page answers once a worker has booted; a slow boot is waited for, a failed one reported.
        self.server.wait_until_serving(lambda: urllib.request.urlopen(self.url + "/", timeout=30).close())

    def stop(self) -> None:
        """Stop the server and its workers."""
        self.server.stop()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping HTTP client that fills in forms' CSRF tokens, for requests from many threads."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def set_cookie(self, name: str, value: str) -> None:
        """Hold a cookie for the server, as if it had set it (a session made by the test)."""
        host = urllib.parse.urlsplit(self.base_url).hostname
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0, name, value, None, False, host, False, False, "/", True, False, None, False, None, None, {}
            )
        )

    def get(self, path: str) -> tuple[int, str]:
        """GET a page: (status, body)."""
        return self._open(urllib.request.Request(self.base_url + path))

    def token(self, path: str) -> str:
        """The CSRF token of the form on a page."""
        status, body = self.get(path)
        match = CSRF.search(body)
        if not match:
            raise AssertionError(f"no form on {path} ({status})")
        return match.group(1)

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        """POST a form: (status, body); redirects are not followed."""
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=data, method="POST"))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def at_once(count: int, action: Callable[[int], tuple[int, str]]) -> list[tuple[int, str]]:
    """Run ``action(index)`` in ``count`` threads that start at the same moment; results by index."""
    start = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        start.wait()
        results[index] = action(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
