"""Condition trees: what the rules' conditions are and how one is evaluated.

A condition is a declarative tree, never code: ``{"all": [...]}``, ``{"any":
[...]}``, ``{"not": node}``, or a comparison ``{"answer", "op", "value" |
"param"}``. Truth values are ``True``, ``False`` and ``None`` (unknown),
combined with Kleene's strong three-valued logic. Standard library only.

Conditions only compare an answer with constants, so the answers to one
question fall into finitely many *classes* that every comparison treats alike;
``classes`` gives one representative value per class. The engine reasons on
those classes (selfcheck/analysis.py).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

from .ruleset import Condition, Question, Rules

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
ORDERED_OPERATORS = ("lt", "le", "gt", "ge")
NEGATION = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}


def compare(op: str, actual: Any, expected: Any) -> bool:
    result: bool
    if op == "eq":
        result = actual == expected
    elif op == "ne":
        result = actual != expected
    elif op == "in":
        result = actual in expected
    elif op == "lt":
        result = actual < expected
    elif op == "le":
        result = actual <= expected
    elif op == "gt":
        result = actual > expected
    elif op == "ge":
        result = actual >= expected
    else:
        raise ValueError(f"unknown operator {op!r}")
    return result


def condition_value(rules: Rules, node: Condition) -> Any:
    """The constant a comparison node compares with (a literal or a parameter)."""
    if "param" in node:
        return rules["parameters"][node["param"]]["value"]
    return node["value"]


def quantity_value(rules: Rules, quantity: Any) -> Any:
    """An amount of the rules: a number, or ``{param: name}``."""
    if isinstance(quantity, dict):
        return rules["parameters"][quantity["param"]]["value"]
    return quantity


def evaluate_condition(
    rules: Rules, node: Condition, answers: dict[str, Any], trace: dict[int, set[Any]] | None = None
) -> bool | None:
    """Kleene evaluation of a condition tree: True, False or None (unknown).

    ``trace``, when given, is a dict receiving ``id(node) -> set of values``
    for every node evaluated (used by the coverage test).
    """
    if "all" in node:
        values = [evaluate_condition(rules, child, answers, trace) for child in node["all"]]
        result = False if False in values else (None if None in values else True)
    elif "any" in node:
        values = [evaluate_condition(rules, child, answers, trace) for child in node["any"]]
        result = True if True in values else (None if None in values else False)
    elif "not" in node:
        inner = evaluate_condition(rules, node["not"], answers, trace)
        result = None if inner is None else not inner
    else:
        actual = answers.get(node["answer"])
        if actual is None:
            result = None
        else:
            result = compare(node["op"], actual, condition_value(rules, node))
    if trace is not None:
        trace.setdefault(id(node), set()).add(result)
    return result


def walk(node: Condition, path: str = "") -> Iterator[tuple[str, Condition]]:
    """Every (path, node) of one condition tree, root first."""
    yield path, node
    for index, child in enumerate(node.get("all", ())):
        yield from walk(child, f"{path}.all[{index}]")
    for index, child in enumerate(node.get("any", ())):
        yield from walk(child, f"{path}.any[{index}]")
    if "not" in node:
        yield from walk(node["not"], f"{path}.not")


def iter_conditions(rules: Rules) -> Iterator[tuple[str, Condition]]:
    """Every (path, node) of every condition tree of the rule set, root first."""
    for index, criterion in enumerate(rules["criteria"]):
        yield from walk(criterion["condition"], f"criteria[{index}].condition")
    for index, tier in enumerate(rules["amount"].get("tiers", ())):
        yield from walk(tier["condition"], f"amount.tiers[{index}].condition")


def depth(node: Condition) -> int:
    """How deep a condition tree is nested (a comparison: 1). Iterative, so a
    hostile file cannot exhaust the stack."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(current, dict):
            children = [*current.get("all", ()), *current.get("any", ())]
            if "not" in current:
                children.append(current["not"])
            stack.extend((child, level + 1) for child in children)
    return deepest


def questions_in(node: Condition) -> set[Any]:
    """The answer keys a condition tree compares."""
    return {n["answer"] for _, n in walk(node) if "answer" in n}


def comparisons(rules: Rules, key: str) -> list[Any]:
    """Every comparison of the rule set on the answer ``key``."""
    return [node for _, node in iter_conditions(rules) if node.get("answer") == key]


def classes(rules: Rules, question: Question, atoms: list[Any] | None = None) -> list[Any]:
    """One value of each class of answers the rule set's comparisons tell apart,
    in a stable order (``atoms``: the question's comparisons, when known)."""
    key, kind = question["id"], question["type"]
    if atoms is None:
        atoms = comparisons(rules, key)
    if kind == "boolean":
        candidates: list[Any] = [True, False]
    elif kind == "choice":
        candidates = [o["value"] for o in question["options"]]
    else:
        candidates = _numeric_candidates(rules, question, atoms)
    seen: set[tuple[Any, ...]] = set()
    result: list[Any] = []
    for value in candidates:
        signature = signature_of(rules, atoms, value)
        if signature not in seen:
            seen.add(signature)
            result.append(value)
    return result


def signature_of(rules: Rules, atoms: list[Any], value: Any) -> tuple[Any, ...]:
    """How each comparison of ``atoms`` judges ``value``: its class."""
    return tuple(compare(a["op"], value, condition_value(rules, a)) for a in atoms)


def _numeric_candidates(rules: Rules, question: Question, atoms: list[Any]) -> list[Any]:
    """Each constant compared with, and one value inside each open interval
    between consecutive constants (and beyond both ends), within the bounds."""
    low, high = question.get("min"), question.get("max")
    integer = question["type"] == "integer"
    points = set()
    for atom in atoms:
        constant = condition_value(rules, atom)
        for c in constant if isinstance(constant, list) else [constant]:
            if isinstance(c, (int, float)) and not isinstance(c, bool):
                points.add(c)
    ordered = sorted(points)
    candidates = list(ordered)
    edges = [None, *ordered, None]
    for left, right in itertools.pairwise(edges):
        value = inside(left, right, integer)
        if value is not None:
            candidates.append(value)
    if low is not None:
        candidates.append(low)
    if high is not None:
        candidates.append(high)
    return [v for v in candidates if (low is None or v >= low) and (high is None or v <= high)]


def inside(left: Any, right: Any, integer: bool, low: Any = None, high: Any = None) -> Any:
    """A number strictly between left and right (None: unbounded), within the
    bounds ``low`` and ``high`` when given, or None when there is none."""
    if left is None and right is None:
        candidates = [0 if low is None else low]
    elif left is None:
        candidates = [math.ceil(right) - 1 if integer else right - 1, low]
    elif right is None:
        candidates = [math.floor(left) + 1 if integer else left + 1, high]
    else:
        candidates = [math.floor(left) + 1 if integer else (left + right) / 2]
    for value in candidates:
        if value is None:
            continue
        between = (left is None or value > left) and (right is None or value < right)
        bounded = (low is None or value >= low) and (high is None or value <= high)
        if between and bounded:
            return value
    return None
