"""A long fuzz run: every route as every role with malformed input, reporting every 5xx.

The same fuzzer as tests/platform/test_fuzz.py (tests/support/fuzzing.py), with many more
random requests. Run ``make fuzz`` or
``FUZZ_EXAMPLES=20000 FUZZ_SEED=7 .venv/bin/python bench/fuzz.py``; set
``FUZZ_DATABASE_URL`` to an empty, migrated PostgreSQL database to fuzz on
PostgreSQL instead of a temporary SQLite file. Exits 1 when a request
answered 5xx, listing them.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from tests.support import fuzzing  # noqa: E402
from tests.support.config import BASE_CONFIG  # noqa: E402
from tests.support.helpers import FamnenClient  # noqa: E402


def main() -> int:
    """Fuzz a fresh demo installation and print what answered 5xx."""
    examples = int(os.environ.get("FUZZ_EXAMPLES", "20000"))
    seed = int(os.environ.get("FUZZ_SEED", str(int(time.time()))))
    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("FUZZ_DATABASE_URL") or f"sqlite:///{folder}/famnen.db"
        app = create_app({**BASE_CONFIG, "DATABASE_URL": url, "MAIL_OUTBOX_DIR": f"{folder}/outbox"})
        # The app logs each 500 with its traceback; the fuzzer's summary below is enough.
        for handler in list(app.logger.handlers):
            app.logger.removeHandler(handler)
        app.logger.propagate = False
        app.logger.setLevel(logging.ERROR)
        logging.getLogger("famnen.requests").setLevel(logging.WARNING)
        with app.app_context():
            upgrade()
        setup = fuzzing.prepare(app, FamnenClient)
        plan = fuzzing.requests(app, seed, examples, setup.words)
        started = time.perf_counter()
        failures = fuzzing.run(app, setup, plan, seed)
        seconds = time.perf_counter() - started
    print(f"seed {seed}: {len(plan)} requests in {seconds:.0f} s, {len(failures)} answered 5xx")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
