"""Condition coverage of the rules file by the shared corpus.

Every condition node (criteria and amount tiers, root and children) must be
evaluated True and False, and left unknown, by some case; and every child of
an ``all`` / ``any`` node must, in some case, decide that node on its own.
"""

from __future__ import annotations

import pytest

from selfcheck.conditions import evaluate_condition, iter_conditions
from selfcheck.engine import validate_answers


def _roots(ruleset):
    yield from (criterion["condition"] for criterion in ruleset["criteria"])
    yield from (tier["condition"] for tier in ruleset["amount"].get("tiers", ()))


def _traces(ruleset, corpus) -> list[dict]:
    """One trace (id(node) -> set of values) per case of the corpus."""
    traces = []
    for case in corpus["cases"]:
        clean, errors = validate_answers(ruleset, case["answers"])
        assert errors == [], case["id"]
        trace: dict = {}
        for root in _roots(ruleset):
            evaluate_condition(ruleset, root, clean, trace)
        traces.append(trace)
    return traces


def test_rules_have_condition_nodes(ruleset):
    paths = [path for path, _ in iter_conditions(ruleset)]
    assert len(paths) == len(set(paths))
    assert "criteria[2].condition.any[1]" in paths
    assert "amount.tiers[0].condition" in paths


@pytest.mark.parametrize("value", [True, False, None], ids=["true", "false", "unknown"])
def test_every_condition_node_takes_every_value(ruleset, corpus, value):
    reached: dict = {}
    for trace in _traces(ruleset, corpus):
        for key, values in trace.items():
            reached.setdefault(key, set()).update(values)
    never = [
        path for path, node in iter_conditions(ruleset) if value not in reached.get(id(node), ())
    ]
    assert not never, f"never evaluated {value}: {never}"


def test_every_child_decides_its_parent_alone(ruleset, corpus):
    """For any: the child True and its siblings False; for all: the reverse."""
    traces = _traces(ruleset, corpus)

    def single(trace, node):
        values = trace.get(id(node), set())
        assert len(values) <= 1  # each node is evaluated once per case
        return next(iter(values), "not evaluated")

    undecided = []
    for path, node in iter_conditions(ruleset):
        for key, decisive in (("any", True), ("all", False)):
            children = node.get(key, ())
            for index, child in enumerate(children):
                siblings = [c for i, c in enumerate(children) if i != index]
                if not any(
                    single(t, child) is decisive
                    and all(single(t, s) is (not decisive) for s in siblings)
                    for t in traces
                ):
                    undecided.append(f"{path}.{key}[{index}]")
    assert not undecided
