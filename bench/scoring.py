"""Benchmark: the time to score one response, per shipped instrument.

Run with ``.venv/bin/python bench/scoring.py [--calls N]``. Each definition is
read once; then one realistic response is scored N times, each call timed on
its own with ``time.perf_counter_ns``, after a warm-up. Prints the median and
95th percentile per call. The figures are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from blueprints.questionnaires.definition import Definition, load_file  # noqa: E402
from blueprints.questionnaires.scoring import score_response  # noqa: E402

WARM_UP_CALLS = 200


def realistic_answers(definition: Definition) -> dict[str, object]:
    """Answer every option item with its second option (or first), so every scale and condition is worked."""
    answers: dict[str, object] = {}
    for item in definition.items.values():
        if item.response_scale is not None:
            codes = item.response_scale.codes
            answers[item.id] = [codes[0]] if item.type == "multiple" else codes[min(1, len(codes) - 1)]
    return answers


def time_calls(definition: Definition, answers: dict[str, object], calls: int) -> list[int]:
    """Nanoseconds for each of ``calls`` scorings of the same response."""
    for _ in range(WARM_UP_CALLS):
        score_response(definition, answers, 48)
    timings = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        score_response(definition, answers, 48)
        timings.append(time.perf_counter_ns() - start)
    return timings


def main() -> None:
    """Time every definition in instruments/ and print a table in microseconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000, help="scorings timed per instrument")
    calls = parser.parse_args().calls
    print(f"Python {platform.python_version()} on {platform.machine()}, {calls} calls per instrument")
    print(f"{'instrument':<22} {'items':>5} {'scales':>6} {'median µs':>10} {'p95 µs':>8}")
    for path in sorted((ROOT / "instruments").glob("*.yaml")):
        definition = load_file(path)
        timings = time_calls(definition, realistic_answers(definition), calls)
        median = statistics.median(timings) / 1000
        p95 = statistics.quantiles(timings, n=20)[-1] / 1000
        print(f"{definition.id:<22} {len(definition.items):>5} {len(definition.scales):>6} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
