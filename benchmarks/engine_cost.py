"""How the engine's cost grows with the number of questions: figures, not a test.

``PYTHONPATH=tests python benchmarks/engine_cost.py`` (part of ``make bench``) evaluates
synthetic rule sets (benchmarks/synthetic.py) of 4 to 40 questions in CPython:

- ``evaluate({})``: every question open, the widest case: the first call on a
  new engine (median over new engines; the engine memoises what it works out
  per group, so this is the honest figure for one reader) and a repeat;
- random partial answers (the mean over a fixed set of them, on one engine);
- the same by brute force over every completion (tests/support/oracle.py),
  while one evaluation stays under a second: the exponential the engine avoids.

Ratios are to the 4-question rule set of the same run. Target: ≤ 20 ms per
evaluation at 30 questions.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from support import oracle  # the brute-force oracle, tests/support/ (PYTHONPATH=tests)
from synthetic import synthetic_rules

from selfcheck.engine import Engine

SIZES = (4, 10, 20, 30, 40)
TARGET_MS, TARGET_AT = 20.0, 30
BRUTE_LIMIT_S = 1.0


def _partial(rules: dict, rng: random.Random) -> dict:
    answers = {}
    for question in rules["questions"]:
        if rng.random() < 0.5:
            continue
        kind = question["type"]
        answers[question["id"]] = (
            rng.random() < 0.5
            if kind == "boolean"
            else rng.randint(0, 20)
            if kind == "integer"
            else rng.uniform(0, 6000)
        )
    return answers


def _time(call, repeats: int) -> float:
    """Median seconds of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(n: int, repeats: int, samples: int) -> dict:
    rules = synthetic_rules(n)
    setup = _time(lambda: Engine(rules), repeats)
    engine = Engine(rules)
    first = _time(lambda: Engine(rules).evaluate({}, "fr"), repeats) - setup
    empty = _time(lambda: engine.evaluate({}, "fr"), repeats)
    rng = random.Random(n)
    partials = [_partial(rules, rng) for _ in range(samples)]
    start = time.perf_counter()
    for answers in partials:
        engine.evaluate(answers, "fr")
    partial = (time.perf_counter() - start) / samples
    largest = max(g.size for g in engine.structure.groups)
    return {
        "questions": n,
        "groups": len(engine.structure.groups),
        "largest_group": largest,
        "setup_ms": setup * 1000,
        "first_ms": first * 1000,
        "empty_ms": empty * 1000,
        "partial_ms": partial * 1000,
    }


def brute_force(n: int) -> float | None:
    """Seconds for one brute-force evaluation of ``{}``; None past the limit."""
    rules = synthetic_rules(n)
    domains = {q["id"]: oracle.domain(rules, q) for q in rules["questions"]}
    combinations = 1
    for values in domains.values():
        combinations *= len(values)
    if combinations > 200_000:
        return None
    start = time.perf_counter()
    oracle.expected(rules, {}, domains)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args(argv)
    rows = [measure(n, args.repeats, args.samples) for n in SIZES]
    base = rows[0]
    print("Engine cost, synthetic rules (CPython; ratios to 4 questions)")
    print(
        f"{'questions':>9} {'groups':>6} {'largest':>7} {'setup':>9} "
        f"{'first evaluate({})':>18} {'ratio':>6} {'repeat':>9} "
        f"{'partial answers':>16} {'ratio':>6}"
    )
    for row in rows:
        print(
            f"{row['questions']:>9} {row['groups']:>6} {row['largest_group']:>7} "
            f"{row['setup_ms']:>6.2f} ms "
            f"{row['first_ms']:>15.2f} ms {row['first_ms'] / base['first_ms']:>5.1f}x "
            f"{row['empty_ms']:>6.2f} ms "
            f"{row['partial_ms']:>13.2f} ms {row['partial_ms'] / base['partial_ms']:>5.1f}x"
        )
    at = next(r for r in rows if r["questions"] == TARGET_AT)
    worst = max(at["setup_ms"] + at["first_ms"], at["partial_ms"])
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    print(
        f"Target ≤ {TARGET_MS:.0f} ms per evaluation at {TARGET_AT} questions "
        f"(a new engine's set-up and first evaluate({{}}) together): {verdict} ({worst:.1f} ms)"
    )
    print("Brute force over every completion (the tests' oracle), evaluate({}):")
    for n in range(2, 41):
        seconds = brute_force(n)
        if seconds is None:
            print(f"  {n} questions: too many completions to try")
            break
        print(f"  {n} questions: {seconds * 1000:.1f} ms")
        if seconds > BRUTE_LIMIT_S:
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
