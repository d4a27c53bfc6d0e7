"""Benchmark: live chat delivery through the production server configuration (issue 13).

Makes a throw-away folder with a migrated SQLite database (or empties the PostgreSQL
database given with ``--postgres``), seeds a channel, its professionals and the
conversations, and starts Famnen in production mode under gunicorn with
``deploy/gunicorn.conf.py`` as it is (2 gthread workers x 100 threads, workers recycled
after about 1,000 requests), bound to a free loopback port. Then, over HTTP:

- every professional signs in through the real pages (password and one-time code) and picks
  up their chats (``--per-professional``, the channel's default of 3 each); every family
  has its own browser session, holding the key of its conversation;
- every end of every conversation (the family's page and the professional's page: two per
  conversation) keeps one long-polling request open, exactly as the page's htmx poller does:
  ``…/updates?after=ID&state=S&wait=25``, the next request taken from the answer, a failed
  one asked again after 2, 4, 8… s, a 45 s client timeout (htmx's, from ``_poller.html``);
- ``--rate`` messages a second in all are sent for ``--seconds``, to the conversations in
  turn, alternately family to professional and professional to family, as the message form
  posts them (body, ``client_key``, CSRF token; ``HX-Request``), each from a thread of its
  own so a slow answer never holds up the schedule; one page's form posts its next message
  only once the previous one was answered, as htmx does. A body carries its sequence
  number and send time.

Each request is a new connection carrying nginx's headers (``Host``, ``X-Forwarded-For``,
``-Proto: https``, ``-Host``; ``PROXY_COUNT=1``), as ``deploy/nginx-famnen.conf`` passes
requests on (HTTP/1.0 to the upstream, no keep-alive); nginx itself is not run. The families'
conversations are started in this process with ``conversations.start`` rather than through
the form, so the bench runs on any day (the form is refused on public holidays and outside
opening hours); the professionals pick them up through the server.

Measured: delivery latency, from the moment the sender starts the POST to the moment the
other end's waiting request has been answered and parsed (p50/p95/p99/max; also from the
moment the message was due, which adds any wait for the page's previous send); messages
lost, duplicated (a message id or sequence number shown twice at one end) and out of order
(shown after a message with a higher id, or after a later message of the same sender). A
message answered 200 but not shown at the other end ``--grace`` seconds after the last send
is asked for once more from that end's cursor, without waiting: shown then, it was late;
not shown, it is lost (the cursor passed it). Also: the send requests' time at the client
and, from Famnen's request log, in the app (the difference is time spent queued for a free
thread or a worker that accepts); errors and timeouts of the waiting requests; the RSS of
each gunicorn worker sampled from ``/proc`` every half second (when sending began, peak
while measuring, at the end with its PSS; the set-up's sign-ins, argon2 at 64 MiB a hash,
are left out), worker restarts and CPU time. Targets from the issue: p95 under 1 s,
nothing lost, duplicated or reordered.

Run: ``.venv/bin/python bench/chat.py`` (issue 13's load: 200 conversations, 20 messages/s,
60 s; two to four minutes with set-up), ``--seconds 10`` for a smoke run. ``--threads``,
``--workers`` and ``--max-requests`` override the gunicorn configuration, to see what a
change would do. The app is imported from the tree this file is in, so a tree exported with
``git archive`` measures that commit. Runs on Linux (reads ``/proc``). Figures go in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import functools
import html
import http.client
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import time as day_time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text, update  # noqa: E402

from app import create_app  # noqa: E402
from blueprints.auth import accounts  # noqa: E402
from blueprints.chat import conversations  # noqa: E402
from blueprints.chat.hours import opening_at  # noqa: E402
from blueprints.chat.models import ChatHours, ChatMessage, Conversation  # noqa: E402
from blueprints.chat.routes import KEYS  # noqa: E402
from core import timeutil  # noqa: E402
from extensions import db  # noqa: E402
from tests.support.chat import OPEN_MOMENT, make_channel  # noqa: E402
from tests.support.helpers import CSRF_PATTERN, StaffLogin, make_staff, next_code  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
SECRET_KEY = "bench-chat-" + "z" * 53
PUBLIC_HOST = "famnen.example.fi"  # what nginx passes on as Host and X-Forwarded-Host
SESSION_COOKIE = "famnen_session"
# htmx gives up on a waiting request after (25 + 20) s (templates/chat/_poller.html).
POLL_TIMEOUT = 45
SEND_TIMEOUT = 60
# Targets from issue 13.
TARGET_P95_MS = 1000.0
OVERRIDABLE = ("workers", "threads", "max_requests")

MESSAGE_ID = re.compile(r'id="message-(\d+)"')
BODY_SEQUENCE = re.compile(r'<p class="chat-body">#(\d+) ')
POLLER = re.compile(r'data-hx-get="([^"]*/updates\?[^"]*)"')


# --- Seeding -------------------------------------------------------------------------------------------


@dataclass
class Seeded:
    """What the database holds for the run: each conversation's id, link token and family cookie."""

    conversations: list[tuple[int, str, str]]
    professionals: list[tuple[StaffLogin, list[int]]]


def empty_postgres(url: str) -> None:
    """Drop and re-create the public schema of the PostgreSQL database at ``url`` (as the test suite does)."""
    app = create_app({"ENV_NAME": "testing", "SECRET_KEY": SECRET_KEY, "DATABASE_URL": url})
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()


def seed(app, count: int, per_professional: int) -> Seeded:
    """Migrate, then add a channel open all week, its professionals and ``count`` conversations waiting in its queue."""
    with app.app_context():
        upgrade()
        # Every professional has the same password: hash it once (argon2 at the production cost takes 0.3 s).
        accounts.hash_password = functools.lru_cache(maxsize=None)(accounts.hash_password)
        logins = [
            make_staff({"professional"}, email=f"nurse{number}@bench.example", name=f"Nurse {number}")
            for number in range(math.ceil(count / per_professional))
        ]
        channel = make_channel(
            [login.id for login in logins],
            slug="bench",
            hours=[ChatHours(weekday=day, start_time=day_time(0), end_time=day_time(23, 59)) for day in range(7)],
            max_per_professional=per_professional,
            max_queue=count,
        )

        # Starting checks the opening hours; on a public holiday (or in the day's last minute) the
        # conversations are started at an ordinary Wednesday morning and their times set to now after.
        now = timeutil.utcnow()
        moment = now if opening_at(channel, now) is not None else OPEN_MOMENT
        serializer = app.session_interface.get_signing_serializer(app)
        started = []
        real_clock, timeutil.clock = timeutil.clock, lambda: moment
        try:
            for number in range(count):
                address = f"10.1.{number // 250}.{number % 250 + 1}"
                conversation, browser_key = conversations.start(
                    channel, f"Familj {number}", "sv", f"Fråga nummer {number}: hur sover ett barn bäst?", address
                )
                cookie = serializer.dumps({KEYS: {conversation.reference: browser_key}})
                started.append((conversation.id, conversations.link_token(conversation), cookie))
        finally:
            timeutil.clock = real_clock
        if moment != now:
            db.session.execute(update(Conversation).values(created_at=now))
            db.session.execute(update(ChatMessage).values(created_at=now))
        db.session.commit()
        db.engine.dispose()
    held = [
        (login, [conversation_id for conversation_id, _, _ in started[index :: len(logins)]])
        for index, login in enumerate(logins)
    ]
    return Seeded(started, held)


# --- The server -----------------------------------------------------------------------------------------


def start_server(database_url: str, port: int, log: Path, overrides: list[str]) -> subprocess.Popen:
    """Famnen in production mode under gunicorn with deploy/gunicorn.conf.py; returns once it answers."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("FAMNEN_")}
    environment.pop("DATABASE_URL", None)
    environment.pop("SECRET_KEY", None)
    environment |= {
        "FAMNEN_ENV_NAME": "production",
        "FAMNEN_SECRET_KEY": SECRET_KEY,
        "FAMNEN_DATABASE_URL": database_url,
        "FAMNEN_BASE_URL": f"https://{PUBLIC_HOST}",
        "FAMNEN_MAIL_BACKEND": "smtp",
        "FAMNEN_PROXY_COUNT": "1",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONFIG),
        *overrides,
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "app:create_app()",
    ]
    with log.open("w") as handle:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT)
    probe = Browser(port, "10.9.9.9")
    deadline = time.monotonic() + 120
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log}")
        try:
            if probe.request("GET", "/", timeout=5).status == 200:
                return process
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(process)
            raise SystemExit(f"gunicorn did not answer within 120 s; see {log}")
        time.sleep(0.2)


def stop_server(process: subprocess.Popen) -> None:
    """Stop gunicorn at once (SIGQUIT: waiting requests are not waited for)."""
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's child processes (its workers)."""
    try:
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def status_kib(pid: int, name: str) -> int | None:
    """A ``kB`` field of /proc/<pid>/status (VmRSS, VmHWM), or None when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def pss_kib(pid: int) -> int | None:
    """The proportional set size of a process (its shared pages divided among their users)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time a process has used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """Reads every worker's RSS and CPU time twice a second.

    ``mark()`` starts the measured part: the set-up's sign-ins (argon2 takes 64 MiB a hash) are
    not counted in the peak, and CPU time is counted from there.
    """

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master = master
        self.lock = threading.Lock()
        self.at_mark: dict[int, tuple[int, float]] = {}  # RSS kB and CPU s when the measured part began
        self.peak_kib: dict[int, int] = {}  # since the mark
        self.cpu: dict[int, float] = {}  # the latest reading
        self.stopped = threading.Event()

    def sample(self) -> dict[int, tuple[int, float]]:
        readings = {}
        for pid in worker_pids(self.master):
            rss, cpu = status_kib(pid, "VmRSS"), cpu_seconds(pid)
            if rss is not None and cpu is not None:
                readings[pid] = (rss, cpu)
        with self.lock:
            for pid, (rss, cpu) in readings.items():
                self.peak_kib[pid] = max(self.peak_kib.get(pid, 0), rss)
                self.cpu[pid] = cpu
        return readings

    def mark(self) -> None:
        readings = self.sample()
        with self.lock:
            self.at_mark = readings
            self.peak_kib = {pid: rss for pid, (rss, _) in readings.items()}

    def run(self) -> None:
        while not self.stopped.is_set():
            self.sample()
            self.stopped.wait(0.5)


# --- Browsers -------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str


class Browser:
    """One web browser behind nginx: its own address and cookies; each request on a new connection,
    with the headers nginx adds (``deploy/nginx-famnen.conf``)."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()

    def request(
        self, method: str, path: str, fields: dict | None = None, *, timeout: float = 60, fragment: bool = False
    ) -> Answer:
        headers = {
            "Host": PUBLIC_HOST,
            "X-Forwarded-For": self.address,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": PUBLIC_HOST,
            "Connection": "close",
            "User-Agent": "famnen-bench-chat",
            "Accept-Language": "sv",
        }
        with self._lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if fragment:
            headers["HX-Request"] = "true"
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # Over HTTPS Flask-WTF wants a same-origin Referer.
            headers["Referer"] = f"https://{PUBLIC_HOST}{path}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
        finally:
            connection.close()
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return Answer(response.status, response.headers, content)

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        with self._lock:
            for header in set_cookies:
                parsed = SimpleCookie()
                parsed.load(header)
                for name, morsel in parsed.items():
                    if morsel.value:
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)

    def form_token(self, page: str) -> tuple[str, str]:
        """GET ``page``: the CSRF token of its form, and the page."""
        answer = self.request("GET", page)
        match = CSRF_PATTERN.search(answer.text)
        if answer.status != 200 or not match:
            raise SystemExit(f"GET {page} answered {answer.status} without a form:\n{answer.text[:2000]}")
        return match.group(1) or match.group(2), answer.text

    def post_form(self, path: str, fields: dict, expect: int = 302) -> Answer:
        answer = self.request("POST", path, fields)
        if answer.status != expect:
            raise SystemExit(f"POST {path} answered {answer.status}, not {expect}:\n{answer.text[:2000]}")
        return answer


def location_path(answer: Answer) -> str:
    """The path a redirect points to."""
    return urlsplit(answer.headers["Location"]).path


def sign_in(app, browser: Browser, login: StaffLogin) -> None:
    """Password, then the one-time code, through the sign-in pages."""
    token, _ = browser.form_token("/staff/sign-in")
    answer = browser.post_form(
        "/staff/sign-in", {"csrf_token": token, "email": login.email, "password": login.password}
    )
    code_page = location_path(answer)
    token, _ = browser.form_token(code_page)
    browser.post_form(code_page, {"csrf_token": token, "code": next_code(app, login)})


# --- The conversations' two ends ------------------------------------------------------------------------


@dataclass(eq=False)
class End:
    """One side of one conversation as its page shows it: where it waits, where it sends, what it has shown."""

    number: int  # the conversation's place in the run
    side: str  # "family" or "staff"
    browser: Browser
    page: str
    send_path: str
    csrf: str = ""
    poll: str = ""
    sent: int = 0
    seen_ids: set[int] = field(default_factory=set)
    newest_id: int = 0
    newest_from_other: int = -1  # the highest sequence number shown from the other side
    # One message form per page: htmx posts the next message once the previous one has been answered.
    sending: threading.Lock = field(default_factory=threading.Lock)

    def open_page(self) -> None:
        """Load the conversation's page: its form's CSRF token and the waiting request it starts."""
        self.csrf, page = self.browser.form_token(self.page)
        found = POLLER.search(page)
        if not found:
            raise SystemExit(f"{self.page} has no waiting request")
        self.poll = html.unescape(found.group(1))
        self.seen_ids.update(int(found_id) for found_id in MESSAGE_ID.findall(page))
        self.newest_id = max(self.seen_ids, default=0)


@dataclass(eq=False)
class Sent:
    sequence: int
    end: End
    receiver: End
    written: float  # when the message was due to be sent (the person pressed Send)
    started: float = 0.0  # when its POST began (after the end's previous send was answered)
    finished: float | None = None
    status: int | None = None
    error: str = ""
    received: float | None = None


class Run:
    """The messages sent and shown, and the waiting requests' troubles, shared by all threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent: dict[int, Sent] = {}
        self.duplicates = 0
        self.reordered = 0
        self.poll_answers = 0
        self.poll_errors: Counter[str] = Counter()
        self.stop = threading.Event()

    def show(self, end: End, fragment: str, moment: float) -> None:
        """Record what a waiting request's answer shows at ``end``: each message in it, in order."""
        positions = [(match.start(), int(match.group(1))) for match in MESSAGE_ID.finditer(fragment)]
        with self.lock:
            self.poll_answers += 1
            for index, (start, message_id) in enumerate(positions):
                stop = positions[index + 1][0] if index + 1 < len(positions) else len(fragment)
                sequence_match = BODY_SEQUENCE.search(fragment, start, stop)
                if message_id in end.seen_ids:
                    self.duplicates += 1
                    continue
                out_of_order = message_id < end.newest_id
                end.seen_ids.add(message_id)
                end.newest_id = max(end.newest_id, message_id)
                sent = self.sent.get(int(sequence_match.group(1))) if sequence_match else None
                if sent is not None and sent.end.side != end.side:
                    if sent.received is not None:
                        self.duplicates += 1
                        continue
                    sent.received = moment
                    out_of_order = out_of_order or sent.sequence < end.newest_from_other
                    end.newest_from_other = max(end.newest_from_other, sent.sequence)
                self.reordered += out_of_order


def keep_waiting(run: Run, end: End) -> None:
    """One end's waiting request, again and again, as the page's poller and famnen.js do."""
    failures = 0
    while not run.stop.is_set():
        try:
            answer = end.browser.request("GET", end.poll, timeout=POLL_TIMEOUT, fragment=True)
            problem = None if answer.status < 300 else f"status {answer.status}"
        except TimeoutError:
            problem = "client timeout (45 s)"
        except (OSError, http.client.HTTPException) as error:
            problem = type(error).__name__
        moment = time.perf_counter()
        if run.stop.is_set():
            return
        if problem:
            with run.lock:
                run.poll_errors[problem] += 1
            failures += 1
            run.stop.wait(min(30, 2**failures))
            continue
        failures = 0
        run.show(end, answer.text, moment)
        following = POLLER.search(answer.text)
        if not following:
            return  # the conversation ended
        end.poll = html.unescape(following.group(1))


def send(run: Run, sent: Sent) -> None:
    """Post one message as the message form does; a lost connection is sent again once with the same key."""
    end = sent.end
    with end.sending:
        sent.started = time.perf_counter()
        body = f"#{sent.sequence} {end.side} {time.time():.6f} Hur sover han på dagen?"
        post(sent, {"csrf_token": end.csrf, "body": body, "client_key": f"bench-{sent.sequence}"})


def post(sent: Sent, fields: dict) -> None:
    end = sent.end
    for _attempt in range(2):
        try:
            answer = end.browser.request("POST", end.send_path, dict(fields), timeout=SEND_TIMEOUT, fragment=True)
        except TimeoutError:
            sent.error = "client timeout"
            return
        except (OSError, http.client.HTTPException) as error:
            sent.error = type(error).__name__
            continue
        sent.finished = time.perf_counter()
        sent.status = answer.status
        sent.error = "" if answer.status == 200 else f"status {answer.status}"
        return


# --- Figures --------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def spread(values: list[float]) -> str:
    return " ".join(
        f"{label} {percentile(values, share):,.0f}"
        for label, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
    )


def request_log(log: Path, since: str) -> dict[str, list[tuple[int, float]]]:
    """Famnen's request log lines from ``since`` (an ISO time) on: (status, duration ms) by endpoint."""
    found: dict[str, list[tuple[int, float]]] = {}
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("time", "") >= since:
            found.setdefault(entry.get("endpoint") or "", []).append((entry["status"], entry["duration_ms"]))
    return found


def gunicorn_events(log: Path) -> Counter[str]:
    """How often gunicorn wrote its notable lines (worker boots and restarts, timeouts, errors)."""
    events: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        for marker in ("Booting worker", "Autorestarting worker", "WORKER TIMEOUT", "Traceback", "[ERROR]"):
            if marker in line:
                events[marker] += 1
    return events


# --- Main -----------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=200, help="open conversations (default 200)")
    parser.add_argument("--rate", type=float, default=20, help="messages per second in all (default 20)")
    parser.add_argument("--seconds", type=float, default=60, help="how long messages are sent (default 60)")
    parser.add_argument(
        "--per-professional", type=int, default=3, help="conversations each professional holds (default 3)"
    )
    parser.add_argument(
        "--grace",
        type=float,
        default=60,
        help="seconds after the last send's answer before a message not shown counts as lost (default 60)",
    )
    parser.add_argument("--postgres", metavar="URL", help="use this PostgreSQL database instead (it is EMPTIED)")
    parser.add_argument("--workers", type=int, help="override the configuration's workers")
    parser.add_argument("--threads", type=int, help="override the configuration's threads per worker")
    parser.add_argument("--max-requests", type=int, help="override the configuration's max_requests (0: never)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="famnen-chat-bench-"))
    database_url = args.postgres or f"sqlite:///{folder / 'famnen.db'}"
    if args.postgres:
        empty_postgres(database_url)
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "SMS_OUTBOX_DIR": str(folder / "sms-outbox"),
        }
    )
    print(f"seeding {args.conversations} conversations in {folder} …", flush=True)
    seeded = seed(app, args.conversations, args.per_professional)

    overrides = []
    for option, value in (("--workers", args.workers), ("--threads", args.threads)):
        if value is not None:
            overrides += [option, str(value)]
    if args.max_requests is not None:
        overrides += ["--max-requests", str(args.max_requests)]
        if args.max_requests == 0:
            overrides += ["--max-requests-jitter", "0"]
    port = free_port()
    log = folder / "server.log"
    server = start_server(database_url, port, log, overrides)
    sampler = MemorySampler(server.pid)
    sampler.start()
    run = Run()
    try:
        ends = open_conversations(app, port, seeded)
        print(f"{len(ends)} conversation ends open; waiting requests start", flush=True)
        for end in ends:
            threading.Thread(target=keep_waiting, args=(run, end), daemon=True).start()
        time.sleep(3)  # every end's first waiting request is in before the first message

        sampler.mark()
        client_cpu = time.process_time()
        since = timeutil.utcnow().isoformat(timespec="milliseconds").replace("+00:00", "Z")
        lags = dispatch(run, ends, args.rate, args.seconds)
        last_send = time.perf_counter()
        settle(run, args.grace)
        client_cpu = time.process_time() - client_cpu
        sampler.sample()
        load = os.getloadavg()
        at_end = {pid: (status_kib(pid, "VmRSS"), pss_kib(pid)) for pid in worker_pids(server.pid)}
        run.stop.set()
        unshown = catch_up(run)
    finally:
        sampler.stopped.set()
        stop_server(server)

    report(args, run, lags, last_send, log, since, unshown)
    print(f"{'client CPU s, load average at the end':<40} {client_cpu:.1f}, {load[0]:.1f}")
    report_workers(sampler, at_end)
    print(f"data and server log in {folder}")


def open_conversations(app, port: int, seeded: Seeded) -> list[End]:
    """Sign the professionals in, let them pick up their chats, and open both ends' pages."""
    by_id = {
        conversation_id: (number, token, cookie)
        for number, (conversation_id, token, cookie) in enumerate(seeded.conversations)
    }
    ends: dict[tuple[int, str], End] = {}
    failures: list[BaseException] = []

    def professional(index: int, login: StaffLogin, held: list[int]) -> None:
        browser = Browser(port, f"10.2.{index // 250}.{index % 250 + 1}")
        sign_in(app, browser, login)
        for conversation_id in held:
            page = f"/staff/chat/{conversation_id}"
            token, _ = browser.form_token(page)
            browser.post_form(f"{page}/pick-up", {"csrf_token": token})
            end = End(by_id[conversation_id][0], "staff", browser, page, f"{page}/send")
            end.open_page()
            ends[(end.number, "staff")] = end

    def family(conversation_id: int) -> None:
        number, token, cookie = by_id[conversation_id]
        browser = Browser(port, f"10.1.{number // 250}.{number % 250 + 1}")
        browser.cookies[SESSION_COOKIE] = cookie
        end = End(number, "family", browser, f"/chat/c/{token}", f"/chat/c/{token}/send")
        end.open_page()
        ends[(number, "family")] = end

    def in_threads(jobs: list, width: int) -> None:
        def work(chunk: list) -> None:
            for job in chunk:
                try:
                    job()
                except BaseException as error:  # noqa: BLE001 - reported below, in the main thread
                    failures.append(error)

        threads = [threading.Thread(target=work, args=(jobs[start::width],)) for start in range(width)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]

    started = time.perf_counter()
    in_threads(
        [
            functools.partial(professional, index, login, held)
            for index, (login, held) in enumerate(seeded.professionals)
        ],
        4,
    )
    print(
        f"{len(seeded.professionals)} professionals signed in and picked up their chats "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    # The families' pages are opened after the pick-ups, so their first waiting request shows them picked up.
    in_threads([functools.partial(family, conversation_id) for conversation_id, _, _ in seeded.conversations], 8)
    return [ends[key] for key in sorted(ends)]


def dispatch(run: Run, ends: list[End], rate: float, seconds: float) -> list[float]:
    """Send ``rate`` messages a second for ``seconds``: each to the next conversation, its ends taking turns.

    Each send has a thread of its own, so a slow answer never delays the next message.
    Returns how late each send started after its planned moment (the client's own lag).
    """
    pairs: dict[int, dict[str, End]] = {}
    for end in ends:
        pairs.setdefault(end.number, {})[end.side] = end
    order = sorted(pairs)
    turns = Counter()
    lags = []
    threads = []
    begin = time.perf_counter()
    for sequence in range(int(rate * seconds)):
        planned = begin + sequence / rate
        pause = planned - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        number = order[sequence % len(order)]
        side = "family" if turns[number] % 2 == 0 else "staff"
        turns[number] += 1
        sender = pairs[number][side]
        sender.sent += 1
        sent = Sent(sequence, sender, pairs[number]["staff" if side == "family" else "family"], planned)
        with run.lock:
            run.sent[sequence] = sent
        thread = threading.Thread(target=send, args=(run, sent), daemon=True)
        thread.start()
        threads.append(thread)
        lags.append(time.perf_counter() - planned)
    for thread in threads:
        thread.join(SEND_TIMEOUT * 2 + 5)
    return lags


@dataclass
class Unshown:
    """Messages stored but not shown at the other end within the grace, sorted out by asking once more."""

    late: list[Sent] = field(default_factory=list)  # shown when the end asked again: only slow
    lost: list[Sent] = field(default_factory=list)  # not shown then either: the end's cursor has passed them
    unknown: list[Sent] = field(default_factory=list)  # the server did not answer the question in time

    def verdict(self, item: Sent) -> str:
        return "late" if item in self.late else "LOST" if item in self.lost else "not asked (no answer)"


def catch_up(run: Run) -> Unshown:
    """After the grace: each end still missing messages asks once more from its own cursor, without waiting.

    The question may queue behind the server's waiting requests, so it is given two minutes, three times.
    """
    with run.lock:
        missing = [item for item in run.sent.values() if item.status == 200 and item.received is None]
    by_receiver: dict[int, list[Sent]] = {}
    for item in missing:
        by_receiver.setdefault(id(item.receiver), []).append(item)
    unshown = Unshown()

    def ask(items: list[Sent]) -> None:
        receiver = items[0].receiver
        for _attempt in range(3):
            try:
                answer = receiver.browser.request(
                    "GET", re.sub(r"wait=\d+", "wait=0", receiver.poll), timeout=120, fragment=True
                )
            except (OSError, http.client.HTTPException):
                continue
            if answer.status == 200:
                shown = {int(sequence) for sequence in BODY_SEQUENCE.findall(answer.text)}
                for item in items:
                    (unshown.late if item.sequence in shown else unshown.lost).append(item)
                return
        unshown.unknown.extend(items)

    threads = [threading.Thread(target=ask, args=(items,)) for items in by_receiver.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return unshown


def settle(run: Run, grace: float) -> None:
    """Wait until every message stored has been shown at the other end, or ``grace`` seconds."""
    deadline = time.perf_counter() + grace
    while time.perf_counter() < deadline:
        with run.lock:
            if all(sent.received is not None for sent in run.sent.values() if sent.status == 200):
                return
        time.sleep(0.2)


def report(args, run: Run, lags: list[float], last_send: float, log: Path, since: str, unshown: Unshown) -> None:
    """Print the messages' figures, the requests' and the server's."""
    with run.lock:
        sent = list(run.sent.values())
    stored = [item for item in sent if item.status == 200]
    failed = [item for item in sent if item.status != 200]
    received = [item for item in sent if item.received is not None]
    latencies = [(item.received - item.started) * 1000 for item in received]
    from_written = [(item.received - item.written) * 1000 for item in received]
    behind = [item for item in sent if item.started - item.written > 0.05]
    send_ms = [(item.finished - item.started) * 1000 for item in sent if item.finished is not None]
    after_window = [item for item in received if item.received > last_send]

    logged = request_log(log, since)
    app_send_ms = [ms for endpoint in ("chat.send", "chat_staff.send") for _, ms in logged.get(endpoint, [])]
    statuses = Counter(status for lines in logged.values() for status, _ in lines)
    polls_logged = sum(len(logged.get(endpoint, [])) for endpoint in ("chat.updates", "chat_staff.updates"))
    changed = [f"{name} {value}" for name, value in vars(args).items() if name in OVERRIDABLE and value is not None]
    row = "{:<40} {}".format
    print()
    print(
        f"chat bench: {args.conversations} conversations ({2 * args.conversations} waiting ends), "
        f"{args.rate:g} messages/s for {args.seconds:g} s; gunicorn with deploy/gunicorn.conf.py"
        + (" and " + ", ".join(changed) if changed else "")
        + f"; {'PostgreSQL' if args.postgres else 'SQLite'}; {os.cpu_count()} cores"
    )
    errors = dict(Counter(item.error for item in failed))
    print(row("messages sent", f"{len(sent)} (answered 200: {len(stored)}; failed: {len(failed)} {errors or ''})"))
    print(row("messages shown at the other end", f"{len(received)} ({len(after_window)} after the last send)"))
    lost = unshown.lost
    print(row("lost / duplicated / out of order", f"{len(lost)} / {run.duplicates} / {run.reordered}"))
    not_shown = unshown.late + unshown.lost + unshown.unknown
    print(
        row(
            f"not shown {args.grace:g} s after the last send",
            f"{len(not_shown)} (asked again: {len(unshown.late)} shown then, {len(lost)} lost, "
            f"{len(unshown.unknown)} unanswered)",
        )
    )
    begin = min((item.written for item in sent), default=0.0)
    for item in sorted(not_shown, key=lambda item: item.sequence)[:10]:
        print(
            f"  #{item.sequence} {item.end.side} to {item.receiver.side} in conversation {item.end.number}, "
            f"sent at {item.started - begin:.1f} s, answered in {((item.finished or 0) - item.started) * 1000:,.0f} ms;"
            f" {unshown.verdict(item)}; the receiver asks {item.receiver.poll.split('?')[1]}"
        )
    print(row("delivery ms, POST start to shown", spread(latencies)))
    print(row("delivery ms, Send pressed to shown", spread(from_written)))
    print(row("sends waiting for the end's previous one", len(behind)))
    print(row("send request ms, at the client", spread(send_ms)))
    print(row("send request ms, in the app (its log)", spread(app_send_ms)))
    print(row("client lag starting sends ms", spread([lag * 1000 for lag in lags])))
    failures = dict(run.poll_errors) or 0
    print(
        row("waiting requests answered", f"{run.poll_answers} (in the app's log: {polls_logged}; failed: {failures})")
    )
    print(row("responses by status (app log)", dict(sorted(statuses.items()))))
    print(row("gunicorn log", dict(gunicorn_events(log))))
    p95 = percentile(latencies, 0.95)
    met = p95 < TARGET_P95_MS and not (not_shown or failed or run.duplicates or run.reordered)
    print(row(f"target p95 < {TARGET_P95_MS:.0f} ms, 0 lost/dup/reordered", "met" if met else "NOT met"))


def report_workers(sampler: MemorySampler, at_end: dict[int, tuple[int | None, int | None]]) -> None:
    """Each worker's memory (MiB) and CPU time over the measured part."""
    print("workers: RSS MiB when sending began, peak while measuring (every 0.5 s), at the end, PSS at the end; CPU s")
    for pid in sorted(sampler.peak_kib):
        rss_then, cpu_then = sampler.at_mark.get(pid, (None, 0.0))
        rss, pss = at_end.get(pid, (None, None))
        print(
            f"  pid {pid:<8}"
            + (f" start {rss_then / 1024:6.1f}" if rss_then else " start   (new)")
            + f"  peak {sampler.peak_kib[pid] / 1024:6.1f}"
            + (f"  end {rss / 1024:6.1f}  PSS {pss / 1024:6.1f}" if rss and pss else "  end (recycled)        ")
            + f"  CPU {sampler.cpu.get(pid, 0.0) - cpu_then:5.1f}"
        )


if __name__ == "__main__":
    main()
