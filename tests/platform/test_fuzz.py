"""No request answers 5xx: a bounded fuzz run over every route, as every role (tests/support/fuzzing.py).

``make fuzz`` runs the same fuzzer much longer (bench/fuzz.py). The clients
skip the Nu Html Checker (see ``fuzzing.prepare``): most answers are error
pages the ordinary tests check, and checking thousands would take minutes.
"""

import os

from tests.support import fuzzing
from tests.support.helpers import FamnenClient

SEED = int(os.environ.get("FUZZ_SEED", "20260514"))
# Each rule once per role and method (about 560 requests), plus this many random ones:
# about 20 s of CPU, under a minute on a machine busy with other work.
EXTRA_REQUESTS = int(os.environ.get("FUZZ_EXAMPLES", "1500"))


def test_no_request_answers_5xx(app, db):
    setup = fuzzing.prepare(app, FamnenClient)
    plan = fuzzing.requests(app, SEED, EXTRA_REQUESTS, setup.words)
    failures = fuzzing.run(app, setup, plan, SEED)
    assert not failures, f"{len(failures)} of {len(plan)} requests answered 5xx:\n" + "\n".join(map(str, failures[:40]))
