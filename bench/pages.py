"""Benchmark: Famnen's public pages over HTTP, against a hello-world Flask app on the same machine.

Makes a throw-away folder with a migrated SQLite database and the demo data,
starts ``bench/hello_world.py`` and Famnen (in production mode, JSON request
log) each under gunicorn with the production settings of
``deploy/gunicorn.conf.py`` and two workers on loopback ports (workers are not
recycled: under wrk's saturating load the production setting of one new worker
every thousand requests would restart one every few seconds, which real traffic
never does, and measure Python's start-up instead of the pages), then loads each
page in turn with ``wrk -t2 -c20 --latency`` and prints requests per second,
the share of hello-world's rate and the 99th percentile latency. Hello-world is
measured before and after the pages; the ratio uses the mean of the two.

Run: ``make bench-http`` or ``.venv/bin/python bench/pages.py [--duration SECONDS]``
(not ``http.py``: a file of that name here would hide the standard library's ``http``
from the other benchmarks).
Needs ``wrk`` (``scripts/system-deps.sh bench`` installs it). Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from blueprints.activities.models import Activity  # noqa: E402
from blueprints.booking.time_search import services_for_families  # noqa: E402
from extensions import db  # noqa: E402

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
# Targets from issue 14.
TARGET_RATIO = 0.12
TARGET_P99_MS = 150.0
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def prepare_database(folder: Path) -> tuple[str, list[tuple[str, str]]]:
    """Migrate a new SQLite database in ``folder``, load the demo data, and list the public pages to load."""
    url = f"sqlite:///{folder / 'famnen.db'}"
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "bench-" + "x" * 40,
            "DATABASE_URL": url,
            "MAIL_BACKEND": "outbox",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        }
    )
    with app.app_context():
        upgrade()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        if result.exit_code != 0:
            raise SystemExit(f"seed-demo failed:\n{result.output}")
        service = services_for_families()[0]
        activity = db.session.scalar(select(Activity).order_by(Activity.id))
        pages = [
            ("front page", "/"),
            ("services", "/book/"),
            (f"free times ({service.slug})", f"/book/{service.slug}"),
            ("activities calendar", "/activities/"),
            ("activity", f"/activities/{activity.id}"),
            ("questionnaires (self-service)", "/questionnaires"),
        ]
        with app.test_client() as client:
            for _, path in pages:
                status = client.get(path).status_code
                if status != 200:
                    raise SystemExit(f"{path} answered {status} in the test client")
    return url, pages


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(stack: ExitStack, app_spec: str, port: int, env: dict[str, str], log: Path) -> str:
    """Start gunicorn with two workers and wait until it answers; stopped when ``stack`` closes."""
    command = [
        str(GUNICORN),
        "--config",
        str(GUNICORN_CONFIG),
        "--workers",
        "2",
        "--max-requests",
        "0",
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        app_spec,
    ]
    handle = stack.enter_context(log.open("w"))
    process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.send_signal(signal.SIGTERM)
        process.wait()

    stack.callback(stop)
    base = f"http://127.0.0.1:{port}"
    # Ready when it answers; failed when the process ends first (its log says why).
    while True:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn for {app_spec} exited with {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(base + "/", timeout=5) as response:
                if response.status == 200:
                    return base
        except OSError:
            time.sleep(0.1)


def run_wrk(url: str, duration: int) -> tuple[float, float]:
    """Requests per second and p99 latency in milliseconds of ``wrk -t2 -c20`` against ``url``.

    An error answer stops the benchmark; a request slower than wrk's two-second
    timeout counts as a socket error and is reported with the figures.
    """
    output = subprocess.run(
        ["wrk", "-t2", "-c20", f"-d{duration}s", "--latency", url], check=True, capture_output=True, text=True
    ).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"wrk got error answers from {url}:\n{output}")
    errors = re.search(r"Socket errors: .*", output)
    if errors:
        print(f"{url}: {errors.group(0)}", file=sys.stderr)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE).groups()
    return rate, float(value) * UNITS_MS[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per page (default 10)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run `bash scripts/system-deps.sh bench` (or apt-get install wrk).")

    folder = Path(tempfile.mkdtemp(prefix="famnen-http-bench-"))
    database_url, pages = prepare_database(folder)
    base_env = {key: value for key, value in os.environ.items() if not key.startswith("FAMNEN_")}
    famnen_env = base_env | {
        "FAMNEN_ENV_NAME": "production",
        "FAMNEN_SECRET_KEY": "bench-" + "y" * 58,
        "FAMNEN_DATABASE_URL": database_url,
        "FAMNEN_BASE_URL": "https://famnen.example.fi",
        "FAMNEN_MAIL_BACKEND": "smtp",
        "FAMNEN_PROXY_COUNT": "1",
    }
    with ExitStack() as stack:
        hello = start_gunicorn(stack, "bench.hello_world:app", free_port(), base_env, folder / "hello.log")
        famnen = start_gunicorn(stack, "app:create_app()", free_port(), famnen_env, folder / "famnen.log")
        # Warm both up (templates compiled, connections opened) before measuring.
        run_wrk(hello + "/", 2)
        for _, path in pages:
            run_wrk(famnen + path, 2)

        hello_before = run_wrk(hello + "/", args.duration)
        results = [(name, path, run_wrk(famnen + path, args.duration)) for name, path in pages]
        hello_after = run_wrk(hello + "/", args.duration)

    hello_rate = (hello_before[0] + hello_after[0]) / 2
    print(f"wrk -t2 -c20 -d{args.duration}s, gunicorn with 2 workers each, {os.cpu_count()} cores; data in {folder}")
    print(
        f"hello world: {hello_before[0]:.0f} and {hello_after[0]:.0f} requests/s, p99 {hello_before[1]:.1f} and "
        f"{hello_after[1]:.1f} ms"
    )
    print(f"{'page':<32} {'path':<24} {'req/s':>7} {'ratio':>6} {'p99 ms':>7}")
    for name, path, (rate, p99) in results:
        ratio = rate / hello_rate
        verdict = "ok" if ratio >= TARGET_RATIO and p99 < TARGET_P99_MS else "below target"
        print(f"{name:<32} {path:<24} {rate:>7.0f} {ratio:>6.1%} {p99:>7.1f}  {verdict}")


if __name__ == "__main__":
    main()
