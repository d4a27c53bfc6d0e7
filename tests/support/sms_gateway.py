"""A real HTTP server on a loopback port standing in for an operator's SMS gateway.

It records every request (method, path, query, headers, body) and answers each
with the next of the answers it was told to give: ``"ok"`` (200 and a JSON body
with a message id), an HTTP status such as ``500`` or ``400`` (with a body that
echoes the request, as some gateways do), or ``"hang"``: read the request, then
answer nothing until the test ends, so the client's timeout is what ends it.
When no answer is queued, it answers ``"ok"``.

The server runs in a thread of the test process. ``start`` waits until it
answers, for as long as the thread lives (``tests/servers.py`` explains why a
wait watches the server rather than a clock).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

from tests.support.servers import POLL_SECONDS, SAFETY_LIMIT

READY_PATH = "/__ready"


@dataclass
class GatewayRequest:
    """One request the gateway received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        """The body as form fields (each given once)."""
        return {name: values[0] for name, values in parse_qs(self.body.decode("ascii"), strict_parsing=True).items()}

    @property
    def json(self):
        """The body parsed as JSON."""
        return json.loads(self.body.decode("utf-8"))


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - http.server's signature
        """Quiet: the test reads ``requests`` instead."""

    def _handle(self) -> None:
        if self.path == READY_PATH:
            self._reply(204, b"")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        parts = urlsplit(self.path)
        gateway = self.server.gateway
        answer = gateway._record(
            GatewayRequest(self.command, parts.path, parse_qs(parts.query), dict(self.headers), body)
        )
        if answer == "hang":
            # Until the test ends; the client gives up long before (SMS_HTTP_TIMEOUT).
            gateway._released.wait(SAFETY_LIMIT)
            return
        if answer == "ok":
            self._reply(
                200, json.dumps({"messages": [{"id": f"gw-{len(gateway.requests)}"}]}).encode(), "application/json"
            )
        else:
            self._reply(int(answer), b"Refused: " + body + self.path.encode(), "text/plain")

    do_GET = do_POST = _handle  # noqa: N815 - http.server's method names

    def _reply(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a hanging handler never keeps the test run alive
    gateway: SmsGateway


class SmsGateway:
    """The local gateway: ``url``, ``requests`` received, and ``answer(...)`` to choose what it says."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.gateway = self
        # A short poll interval: stopping waits for the serving loop to notice.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="sms-gateway", daemon=True
        )
        self._answers: deque[str | int] = deque()
        self._lock = threading.Lock()
        self._released = threading.Event()
        self.requests: list[GatewayRequest] = []
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/send"

    def answer(self, *answers: str | int) -> None:
        """Queue the answers to the next requests, in order: ``"ok"``, ``"hang"`` or a status code."""
        with self._lock:
            self._answers.extend(answers)

    def _record(self, request: GatewayRequest) -> str | int:
        with self._lock:
            self.requests.append(request)
            return self._answers.popleft() if self._answers else "ok"

    def start(self) -> SmsGateway:
        """Serve in a thread and return once the server answers."""
        self._thread.start()
        started = time.monotonic()
        ready_url = self.url.replace("/send", READY_PATH)
        while True:
            if not self._thread.is_alive():
                raise RuntimeError("The SMS gateway's thread ended while starting.")
            try:
                with urlopen(ready_url, timeout=POLL_SECONDS * 10):
                    return self
            except OSError:
                pass
            if time.monotonic() - started > SAFETY_LIMIT:
                raise RuntimeError(f"The SMS gateway did not answer within {SAFETY_LIMIT} s.")
            time.sleep(POLL_SECONDS)

    def stop(self) -> None:
        """Let hanging requests go and stop serving."""
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
