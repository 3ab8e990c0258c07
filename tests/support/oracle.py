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


def reading_holds(combine, truth: dict) -> bool:
    """A reading of how the criteria combine, on each criterion's truth."""
    if isinstance(combine, str):
        return truth[combine]
    if "all" in combine:
        return all(reading_holds(item, truth) for item in combine["all"])
    return any(reading_holds(item, truth) for item in combine["any"])


def reading_verdicts(rules: dict, answers: dict, domains: dict) -> dict:
    """Each declared reading's verdict over every completion, by id."""
    seen = {r["id"]: set() for r in rules.get("readings", ())}
    for complete in completions(rules, answers, domains):
        truth = truths(rules, complete)
        for reading in rules.get("readings", ()):
            seen[reading["id"]].add(reading_holds(reading["combine"], truth))
    names = {True: "eligible", False: "ineligible"}
    return {k: names[v.pop()] if len(v) == 1 else "undetermined" for k, v in seen.items()}


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
        "readings": reading_verdicts(rules, answers, domains),
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


# ---------------------------------------------------------------------------
# Explanations by brute force: every box of classes on every set of questions


def _atoms_of(rules: dict, key: str) -> list:
    roots = [c["condition"] for c in rules["criteria"]]
    roots += [t["condition"] for t in rules["amount"].get("tiers", ())]
    return [n for root in roots for n in _walk(root) if n.get("answer") == key]


def value_classes(rules: dict, question: dict, values: list) -> list[frozenset]:
    """The domain's values grouped by how every comparison on the question
    judges them (the oracle's own classes)."""
    atoms = _atoms_of(rules, question["id"])
    groups: dict = {}
    for value in values:
        signature = tuple(holds(rules, a, {question["id"]: value}) for a in atoms)
        groups.setdefault(signature, []).append(value)
    return [frozenset(map(_hashable, g)) for g in groups.values()]


def _hashable(value):
    return (type(value).__name__, value)


def _boxes(keys: list, classes: dict, allowed: dict):
    """Every box: for each key, a non-empty proper union of its allowed classes."""
    per_key = []
    for key in keys:
        options = allowed[key]
        unions = []
        for size in range(1, len(options) + 1):
            for chosen in itertools.combinations(options, size):
                union = frozenset().union(*chosen)
                if len(chosen) < len(classes[key]) or len(options) < len(classes[key]):
                    unions.append(union)
        per_key.append(unions)
    for combo in itertools.product(*per_key):
        yield dict(zip(keys, combo, strict=True))


def _values(box_part) -> list:
    return [value for _, value in box_part]


def _minimal_items(found: list[dict]) -> set:
    """Per set of keys the maximal boxes, then the items no other's subset."""
    maximal = [
        box
        for box in found
        if not any(
            other is not box
            and set(other) == set(box)
            and all(box[k] <= other[k] for k in box)
            and other != box
            for other in found
        )
    ]
    items = {frozenset(box.items()) for box in maximal}
    return {i for i in items if not any(o < i for o in items)}


def explanations(rules: dict, answers: dict, domains: dict) -> dict:
    """``eligible_if`` and ``would_change`` by brute force, each a set of items
    (frozensets of (key, frozenset of domain values))."""
    want = expected(rules, answers, domains)
    questions = {q["id"]: q for q in rules["questions"]}
    classes = {k: value_classes(rules, questions[k], domains[k]) for k in domains}
    open_keys = [k for k in questions if answers.get(k) is None]
    given = {k: v for k, v in answers.items() if v is not None}
    result = {"eligible_if": set(), "would_change": set()}

    def outcomes(fixed: dict, free: list):
        for combo in itertools.product(*(domains[k] for k in free)):
            yield outcome(rules, {**fixed, **dict(zip(free, combo, strict=True))})

    if want["verdict"] == "undetermined":
        found = []
        for size in range(1, len(open_keys) + 1):
            for keys in itertools.combinations(open_keys, size):
                for box in _boxes(list(keys), classes, {k: classes[k] for k in keys}):
                    free = [k for k in open_keys if k not in keys]
                    picks = itertools.product(*(_values(box[k]) for k in keys))
                    if all(
                        v == "eligible"
                        for pick in picks
                        for v, _ in outcomes({**given, **dict(zip(keys, pick, strict=True))}, free)
                    ):
                        found.append(box)
        result["eligible_if"] = _minimal_items(found)
    amounts = [_constant(rules, t["amount"]) for t in rules["amount"].get("tiers", ())]
    amounts.append(_constant(rules, rules["amount"]["base"]))
    if want["verdict"] == "ineligible":
        targets = [None]
    elif want["verdict"] == "eligible" and want["amount"] is not None:
        targets = sorted({a for a in amounts if a > want["amount"]})
    else:
        targets = []
    items: set = set()
    for target in targets:
        found = []
        answered = list(given)
        for size in range(1, len(answered) + 1):
            for keys in itertools.combinations(answered, size):
                allowed = {k: [c for c in classes[k] if _hashable(given[k]) not in c] for k in keys}
                for box in _boxes(list(keys), classes, allowed):
                    fixed = {k: v for k, v in given.items() if k not in keys}
                    picks = itertools.product(*(_values(box[k]) for k in keys))
                    if all(
                        any(
                            v == "eligible" and (target is None or a == target)
                            for v, a in outcomes(
                                {**fixed, **dict(zip(keys, pick, strict=True))}, open_keys
                            )
                        )
                        for pick in picks
                    ):
                        found.append(box)
        items |= _minimal_items(found)
    result["would_change"] = {i for i in items if not any(o < i for o in items)}
    return result


def condition_values(condition: dict, values: list) -> frozenset:
    """The domain values a comparison of the engine's ``when`` selects."""
    op, constant = condition["op"], condition["value"]

    def selects(value) -> bool:
        if op == "any":
            return any(selects_one(part, value) for part in constant)
        return selects_one(condition, value)

    return frozenset(_hashable(v) for v in values if selects(v))


def selects_one(condition: dict, value) -> bool:
    op, constant = condition["op"], condition["value"]
    if op == "between":
        low_in, high_in = condition.get("include", [True, True])
        low, high = constant
        return (value >= low if low_in else value > low) and (
            value <= high if high_in else value < high
        )
    node = {"answer": "x", "op": op, "value": constant}
    return holds({"parameters": {}}, node, {"x": value})
