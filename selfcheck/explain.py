"""Why a result is what it is, computed exactly from the rules.

- ``eligible_if``: when the verdict is undetermined, the minimal sets of
  conditions on unanswered questions that make it eligible whatever the other
  open answers are;
- ``would_change``: when it is ineligible, the minimal sets of changes to the
  given answers after which the aid becomes possible; when it is eligible
  with a settled amount below the rules' largest, the minimal changes after
  which a larger amount becomes possible;
- ``confidence``: how far the verdict can be trusted, from the confidence set
  on the rules' criteria and condition nodes, and the part that limits it.

A condition on a question selects a set of its *classes* (answers the rules
cannot tell apart: ``conditions.classes``), written as one comparison
(``{"question", "op", "value"}``). Questions in different groups
(``analysis.Structure``) never share a condition, so each group's minimal sets
are found on its own questions and the answer is their product: the cost
follows the size of the groups, not the number of questions. Standard
library only (runs in Pyodide).
"""

from __future__ import annotations

import itertools
import operator
from typing import Any

from .analysis import Situation, Structure
from .conditions import (
    NEGATION,
    compare,
    condition_value,
    evaluate_condition,
    inside,
    signature_of,
)
from .ruleset import Condition, Criterion, Question, Rules

LEVELS = ("low", "medium", "high")
MAX_ITEMS = 64  # sets listed at most (the product over groups can grow fast)
MEMO_LIMIT = 4096  # groups' explanations kept per rule set, then forgotten


# ---------------------------------------------------------------------------
# Boxes of classes inside a set of class assignments


# What an explanation's comparison may say besides the rules' own operators:
# a run of a number's values between two bounds (``value: [low, high]``,
# ``include: [low included, high included]``), and a choice of such runs
# (``value``: a list of comparisons).
EXPLAIN_OPERATORS = ("between", "any")


def _boxes(choices: list[list[int]], good: set[Any]) -> list[tuple[Any, ...]]:
    """The maximal boxes — one non-empty set of classes per question, every
    combination of which is in ``good`` (a set of tuples). ``choices``: the
    classes each question may take."""
    found: list[tuple[Any, ...]] = []

    def extend(prefix: tuple[Any, ...], dims: list[list[int]], current: set[Any]) -> None:
        # ``current``: the tails (over ``dims``) that every combination of the
        # prefix's sets accepts.
        if len(dims) == 1:
            last = frozenset(t[0] for t in current)
            if last:
                found.append((*prefix, last))
            return
        slices: dict[Any, Any] = {}
        for t in current:
            slices.setdefault(t[0], set()).add(t[1:])
        head = [c for c in dims[0] if c in slices]
        for size in range(len(head), 0, -1):
            for subset in itertools.combinations(head, size):
                tails = set.intersection(*(slices[c] for c in subset))
                if tails:
                    extend((*prefix, frozenset(subset)), dims[1:], tails)

    extend((), choices, set(good))
    return [
        box
        for box in dict.fromkeys(found)
        if not any(
            other != box and all(a <= b for a, b in zip(box, other, strict=True)) for other in found
        )
    ]


def _minimal_items(
    keys: tuple[Any, ...], choices: dict[Any, Any], good: Any, everything: dict[Any, Any]
) -> list[frozenset[Any]]:
    """The minimal sets of conditions ``{(key, classes)}`` on ``keys`` that hold
    for every assignment they allow. ``good(chosen, allowed)``: those of the
    combinations ``allowed`` (of class indices of the keys ``chosen``, a
    tuple) that qualify; ``choices``:
    the class indices each key may take in a condition; ``everything``: how
    many classes each key has (a condition that allows them all says nothing
    and is not one)."""
    items: list[frozenset[Any]] = []
    for size in range(1, len(keys) + 1):
        for chosen in itertools.combinations(keys, size):
            grid = [sorted(choices[k]) for k in chosen]
            allowed = set(itertools.product(*grid))
            found = good(chosen, allowed)
            if not found:
                continue
            for box in _boxes(grid, found):
                if any(
                    len(classes) == everything[k] for k, classes in zip(chosen, box, strict=True)
                ):
                    continue
                item = frozenset(zip(chosen, box, strict=True))
                if not any(old <= item for old in items):
                    items.append(item)
    return items


def _unmet(met: tuple[Any, ...], first: Any) -> bool:
    return not all(met)


def _projections(assignments: list[dict[Any, Any]], chosen: tuple[Any, ...]) -> set[Any]:
    """The combinations the ``assignments`` give the keys ``chosen``."""
    if len(chosen) == 1:
        (key,) = chosen
        return {(a[key],) for a in assignments}
    pick = operator.itemgetter(*chosen)
    return {pick(a) for a in assignments}


def _order(item: frozenset[Any]) -> tuple[Any, ...]:
    return (len(item), sorted((key, sorted(classes)) for key, classes in item))


def _product(per_group: list[list[frozenset[Any]]]) -> list[frozenset[Any]]:
    """Every combination of one item per group, at most MAX_ITEMS of them."""
    return [
        frozenset().union(*combo)
        for combo in itertools.islice(itertools.product(*per_group), MAX_ITEMS)
    ]


def _minimal(items: list[frozenset[Any]]) -> list[frozenset[Any]]:
    """The items no other item is a subset of, in a stable order (the same in
    every Python: sets of strings iterate in an order that varies)."""
    kept: list[frozenset[Any]] = []
    for item in sorted(set(items), key=_order):
        if not any(old <= item for old in kept):
            kept.append(item)
    return kept


# ---------------------------------------------------------------------------
# The three explanations


class Explanation:
    """The explanations of one result (see the module's docstring)."""

    def __init__(self, structure: Structure, situation: Situation, answers: dict[Any, Any]):
        self.structure = structure
        self.situation = situation
        self.answers = answers
        self.index = {
            key: {_key(v): i for i, v in enumerate(values)}
            for key, values in structure.classes.items()
        }

    def _class_of(self, key: str, value: Any) -> int:
        """The class index of a given answer."""
        return _class_index(self.structure, key, value)

    def _memo(self, key: tuple[Any, ...], compute: Any) -> list[Any]:
        """A group's minimal sets depend only on the group's own answers: worked
        out once per rule set (a bounded store), a copy returned."""
        store = self.structure.explained
        if key not in store:
            if len(store) >= MEMO_LIMIT:
                store.clear()
            store[key] = compute()
        return list(store[key])

    def _completions(
        self, group: Any, given: dict[Any, Any], free: tuple[Any, ...], wanted: Any
    ) -> list[dict[Any, Any]]:
        """The assignments of class indices to the group's questions — ``given``
        kept, each of ``free`` taking every class — for which
        ``wanted(met, first)`` holds (``met``, ``first``: the group's judgement)."""
        classes = self.structure.classes
        found = []
        for combo in itertools.product(*(range(len(classes[k])) for k in free)):
            assignment = {**given, **dict(zip(free, combo, strict=True))}
            if wanted(*self._judge(group, assignment)):
                found.append(assignment)
        return found

    def _judge(self, group: Any, assignment: dict[Any, Any]) -> tuple[Any, ...]:
        values = {k: self.structure.classes[k][i] for k, i in assignment.items()}
        return self.structure.judge(group, values)

    # -- eligible_if ---------------------------------------------------------

    def eligible_if(self) -> list[frozenset[Any]]:
        if self.situation.verdict() != "undetermined":
            return []
        per_group = []
        for local in self.situation.locals:
            group = local.group
            if all(all(met) for met in local.criteria):
                continue  # already met, whatever is answered
            given = {k: self._class_of(k, self.answers[k]) for k in group.keys if k in self.answers}
            open_keys = local.open_keys
            everything = {k: len(self.structure.classes[k]) for k in open_keys}

            def find(
                group: Any = group,
                given: Any = given,
                open_keys: Any = open_keys,
                everything: Any = everything,
            ) -> list[frozenset[Any]]:
                # an assignment of some open questions qualifies when no
                # completion of the others leaves a criterion unmet
                bad = self._completions(group, given, open_keys, _unmet)

                def good(chosen: tuple[Any, ...], allowed: set[Any]) -> set[Any]:
                    return allowed - _projections(bad, chosen)

                choices = {k: set(range(everything[k])) for k in open_keys}
                return _minimal_items(open_keys, choices, good, everything)

            memo = ("eligible_if", group.keys, tuple(sorted(given.items())), open_keys)
            items = self._memo(memo, find)
            if not items:
                return []
            per_group.append(items)
        return _product(per_group)

    # -- would_change --------------------------------------------------------

    def would_change(self, verdict: str, amount: Any) -> list[frozenset[Any]]:
        structure, none = self.structure, len(self.structure.tiers)
        targets: list[int | None]
        if verdict == "ineligible":
            targets = [None]  # any amount: the aid possible at all
        elif verdict == "eligible" and amount is not None and amount < max(structure.amounts):
            targets = [m for m in range(none + 1) if structure.amount(m) > amount]
        else:
            return []
        found: list[frozenset[Any]] = []
        for pick in targets:
            per_group = []
            for local in self.situation.locals:
                items = self._changes(local, pick)
                if items is None:
                    break  # this target cannot be reached by changing answers
                if items:
                    per_group.append(items)
            else:
                found += _product(per_group) if per_group else []
        return _minimal(found)[:MAX_ITEMS]

    def _changes(self, local: Any, pick: int | None) -> list[frozenset[Any]] | None:
        """The minimal changes to the group's given answers after which it can
        meet its criteria (with ``pick`` as the first tier that holds overall,
        when set); [] when it already can; None when no change can."""
        group, structure = local.group, self.structure
        none = len(structure.tiers)

        def fits(met: tuple[Any, ...], first: int) -> bool:
            if not all(met):
                return False
            if pick is None:
                return True
            exact = pick in group.tiers or pick == none
            return first == pick if exact else first > pick

        if any(fits(met, first) for met, first in zip(local.criteria, local.firsts, strict=True)):
            return []
        given = {k: self._class_of(k, self.answers[k]) for k in group.keys if k in self.answers}
        open_keys = local.open_keys
        keys = tuple(k for k in group.keys if k in given)

        def find() -> list[frozenset[Any]]:
            # the changes to some given answers (the others kept) after which
            # a completion of the open questions fits
            fitting = self._completions(group, {}, group.keys, fits)

            def good(chosen: tuple[Any, ...], allowed: set[Any]) -> set[Any]:
                kept = [k for k in keys if k not in chosen]
                agree = [f for f in fitting if all(f[k] == given[k] for k in kept)]
                return _projections(agree, chosen) & allowed

            choices = {k: set(range(len(structure.classes[k]))) - {given[k]} for k in keys}
            everything = {k: len(structure.classes[k]) for k in keys}
            return _minimal_items(keys, choices, good, everything)

        memo = ("changes", group.keys, tuple(sorted(given.items())), open_keys, pick)
        items = self._memo(memo, find)
        return items or None

    # -- confidence ----------------------------------------------------------

    def confidence(self, verdict: str, settled_amount: Any) -> tuple[str | None, list[Any]]:
        """(level, the nodes that limit it) of the verdict; (None, []) while
        it is undetermined. Which criteria hold or fail is the situation's
        (exact); inside a criterion, Kleene's logic on the answers finds the
        parts that decided it (the criterion itself when it cannot). An
        eligible verdict names every part at its weakest level (the amount's
        included), a failed one the most reliable failed part."""
        rules = self.structure.rules
        if verdict not in ("eligible", "ineligible"):
            return None, []
        want = verdict == "eligible"
        parts = []
        for index, criterion in enumerate(rules["criteria"]):
            if self.situation.criterion_status(index) is not want:
                continue
            root, level = criterion["condition"], criterion["confidence"]
            found = _node_confidence(rules, root, self.answers, want, level)
            parts.append(found if found is not None else (level, root))
        if want:
            if settled_amount is not None:
                parts.append(self._amount_confidence())
            return _weakest(parts)
        # One failed criterion suffices: the most reliable one, named by its title.
        unmet = [
            c
            for i, c in enumerate(rules["criteria"])
            if self.situation.criterion_status(i) is False
        ]
        failed = [(level, c["condition"]) for (level, _), c in zip(parts, unmet, strict=True)]
        if not failed:
            # No criterion fails alone: criteria sharing questions cannot all be
            # met together. That failure needs each of them: the weakest.
            joint = [
                (c["confidence"], c["condition"])
                for local in self.situation.locals
                if not any(all(met) for met in local.criteria)
                for c in (rules["criteria"][i] for i in local.group.criteria)
            ]
            return _weakest(joint)
        level, node = max(failed, key=lambda s: LEVELS.index(s[0]))
        return level, [node]

    def _amount_confidence(self) -> tuple[Any, ...]:
        rules = self.structure.rules
        amount = rules["amount"]
        level = amount["confidence"]
        for tier in amount.get("tiers", ()):
            value = evaluate_condition(rules, tier["condition"], self.answers)
            if value is True:
                # A part of the tier's condition weaker than the amount is named
                # itself; otherwise the amount (its own words say why).
                found = _node_confidence(rules, tier["condition"], self.answers, True, level)
                if found is not None and LEVELS.index(found[0]) < LEVELS.index(level):
                    return found
                return (level, amount)
            if value is None:
                break
        return (level, amount)


def criterion_level(
    rules: Rules, criterion: Criterion, answers: dict[Any, Any], status: str
) -> str:
    """How sure a criterion's status is under the answers: the level of the
    part that met or failed it (a branch with its own confidence), else the
    criterion's."""
    level = criterion["confidence"]
    if status not in ("met", "unmet"):
        return level
    found = _node_confidence(rules, criterion["condition"], answers, status == "met", level)
    return found[0] if found is not None else level


def _weakest(parts: list[Any]) -> tuple[str, list[Any]]:
    """(the weakest level, every distinct node at that level, in order)."""
    level = min((lvl for lvl, _ in parts), key=LEVELS.index)
    nodes: list[Any] = []
    for lvl, node in parts:
        if lvl == level and not any(node is seen for seen in nodes):
            nodes.append(node)
    return level, nodes


def _key(value: Any) -> tuple[str, Any]:
    return (type(value).__name__, value)


def _cap(level: str, cap: str) -> str:
    return min(level, cap, key=LEVELS.index)


def _node_confidence(
    rules: Rules, node: Condition, answers: dict[Any, Any], want: bool, inherited: str
) -> tuple[str, Any] | None:
    """(level, node) of the part of ``node`` that makes it ``want`` under the
    answers (Kleene), capped by each node's own confidence; None when the node
    is not ``want``. An ``all`` that holds needs every part (the weakest); an
    ``any`` that holds takes its most reliable true part; failing, the
    reverse."""
    if evaluate_condition(rules, node, answers) is not want:
        return None
    level = _cap(inherited, node.get("confidence", inherited))
    if "not" in node:
        inner = _node_confidence(rules, node["not"], answers, not want, level)
        return (inner[0], inner[1]) if inner else (level, node)
    for key in ("all", "any"):
        if key in node:
            parts = [
                found
                for child in node[key]
                if (found := _node_confidence(rules, child, answers, want, level)) is not None
            ]
            every = (key == "all") == want  # every child counts: take the weakest
            pick = min if every else max
            return pick(parts, key=lambda p: LEVELS.index(p[0]))
    return (level, node)


# ---------------------------------------------------------------------------
# Conditions as comparisons


def describe(structure: Structure, key: str, classes: frozenset[Any]) -> dict[Any, Any]:
    """A set of classes of a question as one comparison
    ``{"question", "op", "value"}`` (worked out once per rule set: a copy)."""
    found = structure.described.get((key, classes))
    if found is None:
        found = structure.described[(key, classes)] = _describe(structure, key, classes)
    return dict(found)


def _describe(structure: Structure, key: str, classes: frozenset[Any]) -> dict[Any, Any]:
    rules = structure.rules
    question = next(q for q in rules["questions"] if q["id"] == key)
    kind = question["type"]
    for atom in _atoms(structure, key):  # a comparison of the rules themselves, when one fits
        if _selects(structure, key, atom["op"], condition_value(rules, atom)) == classes:
            return {"question": key, "op": atom["op"], "value": condition_value(rules, atom)}
    if kind == "boolean":
        (value,) = [structure.classes[key][i] for i in classes]
        return {"question": key, "op": "eq", "value": value}
    if kind == "choice":
        options = [o["value"] for o in question["options"]]
        chosen = [o for o in options if _class_index(structure, key, o) in classes]
        if len(chosen) == 1:
            return {"question": key, "op": "eq", "value": chosen[0]}
        return {"question": key, "op": "in", "value": chosen}
    return _numeric(structure, question, classes)


def _atoms(structure: Structure, key: str) -> list[Any]:
    rules = structure.rules
    seen, atoms = [], []
    for atom in structure.comparisons(key):
        signature = (atom["op"], repr(condition_value(rules, atom)))
        if signature not in seen:
            seen.append(signature)
            atoms.append(atom)
    # their negations, for classes a "not" needs
    atoms += [
        {"answer": key, "op": NEGATION[a["op"]], "value": condition_value(rules, a)}
        for a in list(atoms)
        if a["op"] in NEGATION
    ]
    return atoms


def _class_index(structure: Structure, key: str, value: Any) -> int:
    """The class of an answer: the one whose representative every comparison
    judges the same way."""
    rules, atoms = structure.rules, structure.comparisons(key)
    signature = signature_of(rules, atoms, value)
    return next(
        i
        for i, v in enumerate(structure.classes[key])
        if signature_of(rules, atoms, v) == signature
    )


def _selects(structure: Structure, key: str, op: str, value: Any) -> frozenset[Any]:
    return frozenset(i for i, v in enumerate(structure.classes[key]) if compare(op, v, value))


def _numeric(structure: Structure, question: Question, classes: frozenset[Any]) -> dict[Any, Any]:
    """Numeric classes as comparisons. The answers to a numeric question fall
    into regions — each constant compared with, and the open intervals
    between them — each region in one class; the classes wanted are runs of
    consecutive regions, each run an interval."""
    key, rules = question["id"], structure.rules
    atoms = structure.comparisons(key)
    points = sorted(
        {
            c
            for atom in atoms
            for c in _as_list(condition_value(rules, atom))
            if isinstance(c, (int, float)) and not isinstance(c, bool)
        }
    )
    low, high = question.get("min"), question.get("max")
    integer = question["type"] == "integer"
    regions = []  # (kind "point" | "open", left, right, sample)
    edges = [None, *points, None]
    for index, (left, right) in enumerate(itertools.pairwise(edges)):
        sample = inside(left, right, integer, low, high)
        if sample is not None:
            regions.append(("open", left, right, sample))
        if index < len(points):
            c = points[index]
            if (low is None or c >= low) and (high is None or c <= high):
                regions.append(("point", c, c, c))
    wanted = {signature_of(rules, atoms, structure.classes[key][i]) for i in classes}
    runs: list[list[Any]] = []
    for position, region in enumerate(regions):
        if signature_of(rules, atoms, region[3]) in wanted:
            if runs and runs[-1][-1][0] == position - 1:
                runs[-1].append((position, region))
            else:
                runs.append([(position, region)])
    parts = [_interval(key, run, len(regions)) for run in runs]
    return parts[0] if len(parts) == 1 else {"question": key, "op": "any", "value": parts}


def _interval(key: str, run: list[Any], count: int) -> dict[Any, Any]:
    (first_at, first), (last_at, last) = run[0], run[-1]
    open_left, open_right = first_at == 0, last_at == count - 1
    if first[0] == "point" and first_at == last_at:
        return {"question": key, "op": "eq", "value": first[1]}
    lower = ("ge", first[1]) if first[0] == "point" else ("gt", first[1])
    upper = ("le", last[2]) if last[0] == "point" else ("lt", last[2])
    if open_left:
        return {"question": key, "op": upper[0], "value": upper[1]}
    if open_right:
        return {"question": key, "op": lower[0], "value": lower[1]}
    return {
        "question": key,
        "op": "between",
        "value": [lower[1], upper[1]],
        "include": [lower[0] == "ge", upper[0] == "le"],
    }


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
