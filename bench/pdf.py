"""Benchmark: rendering the PDF summaries.

Measures, after warm-up, the median time to produce a two-page response
summary (a PSC-17 with its earlier responses for comparison) and a child
summary of five responses, split into the app's part
(gathering the data, scoring, the Jinja template) and WeasyPrint's part
(layout and PDF writing).

Run: ``.venv/bin/python bench/pdf.py``. Figures go in docs/benchmarks.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import render_template  # noqa: E402
from flask_babel import force_locale  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from blueprints.auth.accounts import create_staff_user  # noqa: E402
from blueprints.questionnaires import answering, invitations  # noqa: E402
from blueprints.questionnaires.demo import import_shipped_instruments  # noqa: E402
from blueprints.reports.downloads import page_counter_css  # noqa: E402
from blueprints.reports.pdf import render_pdf  # noqa: E402
from blueprints.reports.summaries import child_summary, number, response_summary  # noqa: E402
from core.timeutil import utcnow  # noqa: E402
from extensions import db  # noqa: E402

RUNS = 15
ANSWERS = {f"psc{n}": "often" if n in (4, 5, 8, 10, 12, 14, 16) else "sometimes" for n in range(1, 18)}


def timed(action, runs: int = RUNS) -> float:
    """Median milliseconds of ``action`` after two warm-up runs."""
    for _ in range(2):
        action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def context(summary, reader, language: str) -> dict:
    """What the report templates need besides the summary (as the download view gives it)."""
    return dict(
        document_title="Benchmark",
        author=reader.name,
        municipality=summary.heading.municipality,
        confidential="Sekretessbelagd / Salassa pidettävä",
        printed="Printed",
        page_counter=page_counter_css("Sida %(page)s av %(pages)s"),
        number=number,
        level_words={"normal": "Ingen oro", "borderline": "Gränsfall", "high": "Över gränsvärdet", None: ""},
        direction_words={"up": "stigande", "down": "sjunkande", "same": "oförändrad"},
        summary=summary,
        language=language,
    )


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="famnen-pdf-bench-"))
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "bench-" + "x" * 40,
            "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "MAIL_BACKEND": "outbox",
            "MAIL_OUTBOX_DIR": str(folder / "outbox"),
            "ARGON2_MEMORY_KIB": 8192,
            "ARGON2_TIME_COST": 1,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        upgrade()
        import_shipped_instruments()
        nurse = create_staff_user("nurse@bench.example", "Sara Nyström", "Vinbär och lakrits 77", {"professional"})
        db.session.commit()
        child = invitations.open_case("Elsa", date(2022, 9, 15), nurse)
        db.session.commit()
        responses = []
        for months_ago in (24, 18, 12, 6, 0):
            visit = invitations.invite(child, nurse, ["psc17"], "sv", utcnow() - timedelta(days=30 * months_ago), 30)
            response = visit.responses[0]
            answering.save_answers(response, answering.definition_of(response), ANSWERS, utcnow())
            answering.submit(response, utcnow() - timedelta(days=30 * months_ago))
            responses.append(response)
        latest = responses[-1]
        latest.notes = "Familjen vill gärna börja föräldraträningen efter jul."
        db.session.commit()

        with app.test_request_context(), force_locale("sv"):

            def response_html() -> str:
                summary = response_summary(latest, nurse, "sv")
                return render_template("reports/response.html", **context(summary, nurse, "sv"))

            def child_html() -> str:
                summary = child_summary(child, nurse, "sv", date.today())
                return render_template("reports/child.html", **context(summary, nurse, "sv"))

            html = response_html()
            pages = subprocess.run(
                ["pdfinfo", "-"], input=render_pdf(html), capture_output=True, check=True
            ).stdout.decode()
            page_count = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages"))
            for name, build, target in (
                ("response summary", response_html, 300),
                ("child summary (5 responses)", child_html, 600),
            ):
                app_ms = timed(build)
                document = build()
                weasy_ms = timed(partial(render_pdf, document))
                total = app_ms + weasy_ms
                print(
                    f"{name}: median {total:.0f} ms (target {target} ms) = app {app_ms:.0f} ms ({app_ms / total:.0%}) "
                    f"+ WeasyPrint {weasy_ms:.0f} ms ({weasy_ms / total:.0%})"
                )
            print(f"the response summary has {page_count} pages")


if __name__ == "__main__":
    main()
