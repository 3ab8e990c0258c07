"""What the parity tests compare: the grid of answer sets built from the rules,
and readable differences between two JSON values.

The grid: each question absent or at each of its brute-force values
(tests/support/oracle.py ``domain``: every option, each constant of the
conditions and its neighbours, the bounds), every combination — an evenly
spaced subset when there are more than ``GRID_MAX``. The browser tests evaluate
it in the page (``window.selfcheck.evaluate``) and compare each result, JSON for
JSON, with CPython's ``Engine(rules).evaluate(answers, lang)``.
"""

from __future__ import annotations

import math

from support.oracle import domain

GRID_MAX = 1_500  # above this many answer sets, an evenly spaced subset …
GRID_SUBSET = 1_200  # … of this many


def grid_axes(rules: dict) -> list[tuple[str, list]]:
    """Each question with its values in the grid: absent (None), then the oracle's
    brute-force values (every option, each constant and its neighbours, the bounds)."""
    return [(q["id"], [None, *domain(rules, q)]) for q in rules["questions"]]


def grid_size(rules: dict) -> int:
    """How many answer sets the full product of the axes holds."""
    return math.prod(len(values) for _, values in grid_axes(rules))


def grid_answer_sets(rules: dict) -> list[dict]:
    """The product of the axes; above GRID_MAX sets, GRID_SUBSET of them evenly
    spaced over it (deterministic)."""
    axes = grid_axes(rules)
    total = grid_size(rules)
    count = total if total <= GRID_MAX else GRID_SUBSET
    sets = []
    for i in range(count):
        index, answers = i * total // count, {}
        for key, values in reversed(axes):  # the last question varies fastest
            index, position = divmod(index, len(values))
            if values[position] is not None:
                answers[key] = values[position]
        sets.append({key: answers[key] for key, _ in axes if key in answers})
    return sets


def diff(got, want, path="$") -> list[str]:
    """Readable differences between two JSON values (paths, first ones first)."""
    if isinstance(got, dict) and isinstance(want, dict):
        lines = []
        for key in list(want) + [k for k in got if k not in want]:
            if key not in got:
                lines.append(f"{path}.{key}: missing in the page (want {want[key]!r})")
            elif key not in want:
                lines.append(f"{path}.{key}: unexpected {got[key]!r}")
            else:
                lines += diff(got[key], want[key], f"{path}.{key}")
        return lines
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            shown = f"{got} != wanted {want}" if len(repr(got) + repr(want)) < 200 else ""
            return [f"{path}: {len(got)} items in the page, {len(want)} wanted {shown}"]
        lines = []
        for index, (g, w) in enumerate(zip(got, want, strict=False)):
            lines += diff(g, w, f"{path}[{index}]")
        return lines
    if got != want or isinstance(got, bool) != isinstance(want, bool):
        return [f"{path}: page {got!r} != wanted {want!r}"]
    return []
