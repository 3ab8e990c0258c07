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

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
ORDERED_OPERATORS = ("lt", "le", "gt", "ge")
NEGATION = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}


def compare(op: str, actual, expected) -> bool:
    if op == "eq":
        return actual == expected
    if op == "ne":
        return actual != expected
    if op == "in":
        return actual in expected
    if op == "lt":
        return actual < expected
    if op == "le":
        return actual <= expected
    if op == "gt":
        return actual > expected
    if op == "ge":
        return actual >= expected
    raise ValueError(f"unknown operator {op!r}")


def condition_value(rules: dict, node: dict):
    """The constant a comparison node compares with (a literal or a parameter)."""
    if "param" in node:
        return rules["parameters"][node["param"]]["value"]
    return node["value"]


def quantity_value(rules: dict, quantity):
    """An amount of the rules: a number, or ``{param: name}``."""
    if isinstance(quantity, dict):
        return rules["parameters"][quantity["param"]]["value"]
    return quantity


def evaluate_condition(rules: dict, node: dict, answers: dict, trace=None):
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


def walk(node: dict, path: str = ""):
    """Every (path, node) of one condition tree, root first."""
    yield path, node
    for key in ("all", "any"):
        for index, child in enumerate(node.get(key, ())):
            yield from walk(child, f"{path}.{key}[{index}]")
    if "not" in node:
        yield from walk(node["not"], f"{path}.not")


def iter_conditions(rules: dict):
    """Every (path, node) of every condition tree of the rule set, root first."""
    for index, criterion in enumerate(rules["criteria"]):
        yield from walk(criterion["condition"], f"criteria[{index}].condition")
    for index, tier in enumerate(rules["amount"].get("tiers", ())):
        yield from walk(tier["condition"], f"amount.tiers[{index}].condition")


def depth(node: dict) -> int:
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


def questions_in(node: dict) -> set:
    """The answer keys a condition tree compares."""
    return {n["answer"] for _, n in walk(node) if "answer" in n}


def comparisons(rules: dict, key: str) -> list:
    """Every comparison of the rule set on the answer ``key``."""
    return [node for _, node in iter_conditions(rules) if node.get("answer") == key]


def classes(rules: dict, question: dict, atoms: list | None = None) -> list:
    """One value of each class of answers the rule set's comparisons tell apart,
    in a stable order (``atoms``: the question's comparisons, when known)."""
    key, kind = question["id"], question["type"]
    if atoms is None:
        atoms = comparisons(rules, key)
    if kind == "boolean":
        candidates = [True, False]
    elif kind == "choice":
        candidates = [o["value"] for o in question["options"]]
    else:
        candidates = _numeric_candidates(rules, question, atoms)
    seen, result = set(), []
    for value in candidates:
        signature = signature_of(rules, atoms, value)
        if signature not in seen:
            seen.add(signature)
            result.append(value)
    return result


def signature_of(rules: dict, atoms: list, value) -> tuple:
    """How each comparison of ``atoms`` judges ``value``: its class."""
    return tuple(compare(a["op"], value, condition_value(rules, a)) for a in atoms)


def _numeric_candidates(rules: dict, question: dict, atoms: list) -> list:
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
        value = _inside(left, right, integer)
        if value is not None:
            candidates.append(value)
    if low is not None:
        candidates.append(low)
    if high is not None:
        candidates.append(high)
    return [v for v in candidates if (low is None or v >= low) and (high is None or v <= high)]


def _inside(left, right, integer: bool):
    """A number strictly between left and right (None: unbounded), or None."""
    if left is None and right is None:
        return 0
    if left is None:
        value = math.ceil(right) - 1 if integer else right - 1
    elif right is None:
        value = math.floor(left) + 1 if integer else left + 1
    elif integer:
        value = math.floor(left) + 1
    else:
        value = (left + right) / 2
    inside = (left is None or value > left) and (right is None or value < right)
    return value if inside else None
