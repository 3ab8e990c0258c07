"""A brute-force reference for the engine, written independently of it.

``truths(rules, complete)`` evaluates the rules' conditions on COMPLETE answers
with plain two-valued logic (no Kleene, no classes); ``outcome`` gives the
verdict and amount of complete answers. ``domain(rules, question)`` is a set of
values per question chosen from the rules' constants (each constant, one
below and one above, the bounds), not from the engine's classes. Every
question of the rules the engine answers "can change the outcome" must have a
witness among these values, and every other must have none.
"""

from __future__ import annotations

import itertools


def _constant(rules: dict, node):
    """What a comparison compares with, or an amount: a literal or a parameter."""
    if isinstance(node, dict) and "param" in node:
        return rules["parameters"][node["param"]]["value"]
    return node["value"] if isinstance(node, dict) else node


def holds(rules: dict, node: dict, complete: dict) -> bool:
    """A condition on complete answers."""
    if "all" in node:
        return all(holds(rules, child, complete) for child in node["all"])
    if "any" in node:
        return any(holds(rules, child, complete) for child in node["any"])
    if "not" in node:
        return not holds(rules, node["not"], complete)
    value, constant = complete[node["answer"]], _constant(rules, node)
    return {
        "eq": lambda: value == constant,
        "ne": lambda: value != constant,
        "lt": lambda: value < constant,
        "le": lambda: value <= constant,
        "gt": lambda: value > constant,
        "ge": lambda: value >= constant,
        "in": lambda: value in constant,
    }[node["op"]]()


def truths(rules: dict, complete: dict) -> dict:
    """Each criterion's truth, by id."""
    return {c["id"]: holds(rules, c["condition"], complete) for c in rules["criteria"]}


def outcome(rules: dict, complete: dict) -> tuple:
    """(verdict, amount) of complete answers."""
    if not all(truths(rules, complete).values()):
        return ("ineligible", None)
    for tier in rules["amount"].get("tiers", ()):
        if holds(rules, tier["condition"], complete):
            return ("eligible", _constant(rules, tier["amount"]))
    return ("eligible", _constant(rules, rules["amount"]["base"]))


def _walk(node: dict):
    yield node
    for child in [*node.get("all", ()), *node.get("any", ())]:
        yield from _walk(child)
    if "not" in node:
        yield from _walk(node["not"])


def domain(rules: dict, question: dict) -> list:
    """Brute-force values for one question."""
    kind = question["type"]
    if kind == "boolean":
        return [True, False]
    if kind == "choice":
        return [o["value"] for o in question["options"]]
    points = set()
    roots = [c["condition"] for c in rules["criteria"]]
    roots += [t["condition"] for t in rules["amount"].get("tiers", ())]
    for root in roots:
        for node in _walk(root):
            if node.get("answer") == question["id"]:
                constant = _constant(rules, node)
                for c in constant if isinstance(constant, list) else [constant]:
                    step = 1 if kind == "integer" else 0.01
                    points.update({c - step, c, c + step})
    low, high = question.get("min"), question.get("max")
    points.update(v for v in (low, high, 0, 10**6) if v is not None)
    values = sorted(
        p
        for p in points
        if (low is None or p >= low)
        and (high is None or p <= high)
        and (kind != "integer" or float(p).is_integer())
    )
    return [int(v) if kind == "integer" else v for v in values]


def completions(rules: dict, answers: dict, domains: dict):
    """Every completion of the open questions over ``domains``."""
    keys = [q["id"] for q in rules["questions"] if answers.get(q["id"]) is None]
    fixed = {k: v for k, v in answers.items() if v is not None}
    for combo in itertools.product(*(domains[k] for k in keys)):
        yield {**fixed, **dict(zip(keys, combo, strict=True))}


def expected(rules: dict, answers: dict, domains: dict) -> dict:
    """What the engine must answer, by brute force: verdict, amount options,
    criterion statuses and the questions that can change the outcome."""
    outcomes, statuses = [], {c["id"]: set() for c in rules["criteria"]}
    for complete in completions(rules, answers, domains):
        outcomes.append(outcome(rules, complete))
        for key, value in truths(rules, complete).items():
            statuses[key].add(value)
    verdicts = {v for v, _ in outcomes}
    verdict = verdicts.pop() if len(verdicts) == 1 else "undetermined"
    options = sorted({a for v, a in outcomes if v == "eligible"})
    names = {True: "met", False: "unmet"}
    return {
        "verdict": verdict,
        "amount_options": options,
        "amount": options[0] if verdict == "eligible" and len(options) == 1 else None,
        "criteria": {k: names[v.pop()] if len(v) == 1 else "unknown" for k, v in statuses.items()},
        "missing": [
            q["id"]
            for q in rules["questions"]
            if answers.get(q["id"]) is None and can_change(rules, answers, q["id"], domains)
        ],
    }


def can_change(rules: dict, answers: dict, key: str, domains: dict) -> bool:
    """Is there a completion of the other open questions for which two values
    of ``key`` give different outcomes (no aid, or which amount)?"""
    others = [
        q["id"] for q in rules["questions"] if answers.get(q["id"]) is None and q["id"] != key
    ]
    fixed = {k: v for k, v in answers.items() if v is not None}
    for combo in itertools.product(*(domains[k] for k in others)):
        seen = set()
        for value in domains[key]:
            complete = {**fixed, **dict(zip(others, combo, strict=True)), key: value}
            seen.add(
                outcome(rules, complete)[1] if outcome(rules, complete)[0] == "eligible" else None
            )
            if len(seen) > 1:
                return True
    return False
