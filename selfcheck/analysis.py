"""Exact reasoning over every completion of partial answers, in polynomial time.

The verdict, the amounts still possible and the questions still worth asking
are defined over *every* way to answer the open questions. Trying every
combination is exponential in the number of open questions. This module
splits the questions into **groups** that never share a condition: two
questions are in one group when some criterion or amount tier compares both
(directly or through a chain of such). Groups are independent, so

- only the combinations *inside* one group are tried (one value per class of
  answers: ``conditions.classes``), and
- what the whole rule set does follows from what each group can do: all
  criteria are met only if every group meets its own, and the amount is the
  first amount tier that holds, whichever group holds it.

The cost is the sum over groups of the combinations of their own open
questions, times the number of tiers: linear in the number of groups. The one
exponential left is the size of a group; the loader refuses a rule set whose
largest group exceeds ``GROUP_BUDGET`` combinations (selfcheck/loader.py).

Standard library only (runs in Pyodide).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from .conditions import classes, evaluate_condition, iter_conditions, quantity_value, questions_in
from .ruleset import Rules

# The most combinations of answer classes one group may have (all its
# questions open). The loader refuses rules over it, naming the questions.
GROUP_BUDGET = 4096
# The most comparisons one evaluation may make: each group's combinations times
# the comparisons of its conditions, summed (the real rules: about 20).
WORK_BUDGET = 50_000


@dataclass
class Group:
    """Questions that share conditions, and the criteria and tiers they decide."""

    keys: tuple[Any, ...]  # answer keys, in asking order
    criteria: tuple[Any, ...]  # indices into rules["criteria"]
    tiers: tuple[Any, ...]  # indices into rules["amount"]["tiers"], ascending
    size: int = 0  # combinations of classes with every question open


class Structure:
    """What a rule set is made of, computed once: each question's classes and
    the independent groups."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.keys = [q["id"] for q in rules["questions"]]
        # each question's comparisons, found in one walk of the rules
        self._compared: dict[Any, Any] = {key: [] for key in self.keys}
        for _, node in iter_conditions(rules):
            if "answer" in node:
                self._compared.setdefault(node["answer"], []).append(node)
        self.classes = {
            q["id"]: classes(rules, q, self._compared[q["id"]]) for q in rules["questions"]
        }
        self.tiers = list(rules["amount"].get("tiers", ()))
        self.amounts = [quantity_value(rules, t["amount"]) for t in self.tiers]
        self.amounts.append(quantity_value(rules, rules["amount"]["base"]))
        units = [("criterion", i, c["condition"]) for i, c in enumerate(rules["criteria"])]
        units += [("tier", i, t["condition"]) for i, t in enumerate(self.tiers)]
        self.groups = _groups(self.keys, units, self.classes)
        self.group_of = {key: g for g, group in enumerate(self.groups) for key in group.keys}
        self._judged: dict[Any, Any] = {}
        self.described: dict[Any, Any] = {}  # selfcheck/explain.py's describe(), once per class set
        # selfcheck/explain.py's minimal sets, once per group state
        self.explained: dict[Any, Any] = {}

    def comparisons(self, key: str) -> list[Any]:
        """Every comparison of the rule set on the answer ``key``."""
        found: list[Any] = self._compared.get(key, [])
        return found

    def amount(self, pick: int) -> Any:
        """The amount when tier ``pick`` is the first that holds (len(tiers): none)."""
        return self.amounts[pick]

    def judge(self, group: Group, values: dict[Any, Any]) -> tuple[Any, ...]:
        """What one group gives when each of its questions has a value: (each of
        its criteria met?, the first of its tiers that holds, or len(tiers))."""
        key = (group.keys, tuple(values[k] for k in group.keys))
        cached = self._judged.get(key)
        if cached is None:
            rules = self.rules
            met = tuple(
                evaluate_condition(rules, rules["criteria"][i]["condition"], values) is True
                for i in group.criteria
            )
            first = next(
                (
                    t
                    for t in group.tiers
                    if evaluate_condition(rules, self.tiers[t]["condition"], values) is True
                ),
                len(self.tiers),
            )
            if len(self._judged) > 50_000:  # answers vary without end: keep memory bounded
                self._judged.clear()
            cached = self._judged[key] = (met, first)
        return cached

    def reading_size(self, combine: dict[Any, Any]) -> int:
        """How many combinations of criterion values evaluating the reading
        ``combine`` may try: per group, at most one per combination of its
        answer classes and one per set of values of the criteria it decides."""
        used = criteria_in(combine)
        ids = [c["id"] for c in self.rules["criteria"]]
        size = 1
        for group in self.groups:
            count = sum(1 for i in group.criteria if ids[i] in used)
            if count:
                size *= min(2**count, max(1, group.size))
        return size

    def over_budget(self, budget: int = GROUP_BUDGET) -> list[Any]:
        """The groups whose combinations exceed ``budget``."""
        return [g for g in self.groups if g.size > budget]


def _groups(keys: list[Any], units: list[Any], question_classes: dict[Any, Any]) -> list[Any]:
    """Connected components of the questions, two questions being linked when
    one criterion or tier compares both."""
    parent = {key: key for key in keys}

    def find(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    unit_keys = []
    for _, _, node in units:
        compared = questions_in(node)
        used = [k for k in keys if k in compared]
        unit_keys.append(used)
        for other in used[1:]:
            parent[find(other)] = find(used[0])
    members: dict[Any, Any] = {}
    for key in keys:
        members.setdefault(find(key), []).append(key)
    groups = []
    for root, group_keys in members.items():
        criteria = tuple(
            i
            for (kind, i, _), used in zip(units, unit_keys, strict=True)
            if kind == "criterion" and used and find(used[0]) == root
        )
        tiers = tuple(
            i
            for (kind, i, _), used in zip(units, unit_keys, strict=True)
            if kind == "tier" and used and find(used[0]) == root
        )
        size = 1
        for key in group_keys:
            size *= max(1, len(question_classes[key]))
        groups.append(Group(tuple(group_keys), criteria, tiers, size))
    return groups


@dataclass
class Local:
    """One group under the given answers: every combination of its open
    questions, and what each gives."""

    group: Group
    open_keys: tuple[Any, ...]
    combos: list[Any]  # tuples of values, one per open key
    criteria: list[Any]  # per combo: tuple of bools, one per group criterion
    firsts: list[Any]  # per combo: the first tier of the group that holds, or len(tiers)
    outcomes: set[Any] = field(default_factory=set)  # {(criteria all met, first tier)}


class Situation:
    """A rule set's structure under some (valid, partial) answers: the exact
    verdict, amounts, criterion statuses and questions still worth asking."""

    def __init__(self, structure: Structure, answers: dict[Any, Any]):
        self.structure = structure
        self.answers = answers
        none = len(structure.tiers)
        self.locals = []
        for group in structure.groups:
            open_keys = tuple(k for k in group.keys if k not in answers)
            given = {k: answers[k] for k in group.keys if k in answers}
            combos = list(itertools.product(*(structure.classes[k] for k in open_keys)))
            local = Local(group, open_keys, combos, [], [])
            for combo in combos:
                complete = dict(given)
                complete.update(zip(open_keys, combo, strict=True))
                met, first = structure.judge(group, complete)
                local.criteria.append(met)
                local.firsts.append(first)
                local.outcomes.add((all(met), first))
            self.locals.append(local)
        # For every pick m (a tier, or len(tiers) for the base amount): can each
        # group meet its criteria with m as the first tier that holds overall?
        self._ok = [[self._can_pick(local, m) for m in range(none + 1)] for local in self.locals]
        self._ok_failures = [sum(1 for row in self._ok if not row[m]) for m in range(none + 1)]
        self._meet_failures = sum(1 for local in self.locals if not _can_meet(local))

    def _can_pick(self, local: Local, pick: int) -> bool:
        """Can this group meet its criteria with none of its tiers before
        ``pick`` holding, and ``pick`` holding if it is one of its tiers? (The
        base amount, ``pick == len(tiers)``: none of its tiers holds.)"""
        exact = pick in local.group.tiers or pick == len(self.structure.tiers)
        return any(
            met and (first == pick if exact else first > pick) for met, first in local.outcomes
        )

    # -- the whole rule set ------------------------------------------------

    def verdict(self) -> str:
        if all(met for local in self.locals for met, _ in local.outcomes):
            return "eligible"
        if self._meet_failures:
            return "ineligible"
        return "undetermined"

    def amount_options(self) -> list[Any]:
        none = len(self.structure.tiers)
        return sorted(
            {self.structure.amount(m) for m in range(none + 1) if self._ok_failures[m] == 0}
        )

    def reading_verdict(self, combine: dict[Any, Any]) -> str:
        """The verdict under one reading of how the criteria combine (a tree
        of ``all`` / ``any`` over criterion ids), over every completion of the
        answers: groups are independent, so the criterion values possible
        together are the product of each group's own (bounded by the loader:
        ``Structure.reading_size``)."""
        ids = [c["id"] for c in self.structure.rules["criteria"]]
        used = criteria_in(combine)
        choices = []
        for local in self.locals:
            positions = [(p, ids[i]) for p, i in enumerate(local.group.criteria) if ids[i] in used]
            if positions:
                choices.append(
                    {tuple((name, met[p]) for p, name in positions) for met in local.criteria}
                )
        truths = set()
        for pick in itertools.product(*choices):
            truths.add(combination_holds(combine, dict(pair for part in pick for pair in part)))
            if len(truths) == 2:
                return "undetermined"
        return "eligible" if truths == {True} else "ineligible"

    def criterion_status(self, index: int) -> bool | None:
        """True, False or None (depends on the open answers) for one criterion."""
        g = next(i for i, local in enumerate(self.locals) if index in local.group.criteria)
        local = self.locals[g]
        position = local.group.criteria.index(index)
        values = {met[position] for met in local.criteria}
        return values.pop() if len(values) == 1 else None

    def missing(self) -> list[Any]:
        """The open questions whose answer can change the outcome (no aid, or
        which amount) for some answers to the other open questions, in asking
        order."""
        relevant = set()
        for g, local in enumerate(self.locals):
            for position, key in enumerate(local.open_keys):
                if self._can_change(g, local, position):
                    relevant.add(key)
        return [k for k in self.structure.keys if k in relevant]

    def _can_change(self, g: int, local: Local, position: int) -> bool:
        buckets: dict[Any, Any] = {}
        for combo, met, first in zip(local.combos, local.criteria, local.firsts, strict=True):
            rest = combo[:position] + combo[position + 1 :]
            buckets.setdefault(rest, set()).add((all(met), first))
        pairs = {
            (a, b)
            for outcomes in buckets.values()
            for a, b in itertools.combinations(sorted(outcomes), 2)
        }
        return any(self._distinguishable(g, a, b) for a, b in pairs)

    def _others_ok(self, g: int, pick: int) -> bool:
        """Can every group but ``g`` meet its criteria with no tier of theirs
        before ``pick`` holding (and ``pick`` holding, if it is theirs)?"""
        return self._ok_failures[pick] - (0 if self._ok[g][pick] else 1) == 0

    def _distinguishable(self, g: int, a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
        """Do two outcomes of group ``g`` give a different overall outcome for
        some answers to the other groups' open questions?"""
        (met_a, first_a), (met_b, first_b) = a, b
        if met_a != met_b:
            others_can_meet = self._meet_failures - (0 if _can_meet(self.locals[g]) else 1) == 0
            return others_can_meet
        if not met_a or first_a == first_b:
            return False
        none = len(self.structure.tiers)
        own = set(self.locals[g].group.tiers)
        for pick in [t for t in range(none) if t not in own] + [none]:
            if self._others_ok(g, pick):
                amount = self.structure.amount
                if amount(min(first_a, pick)) != amount(min(first_b, pick)):
                    return True
        return False


def criteria_in(combine: Any) -> set[Any]:
    """The criterion ids a reading names."""
    if isinstance(combine, str):
        return {combine}
    found: set[Any] = set()
    for item in combine.get("all", combine.get("any", ())):
        found |= criteria_in(item)
    return found


def combination_holds(combine: Any, values: dict[Any, Any]) -> bool:
    """A reading on criterion values (each criterion id → True or False)."""
    if isinstance(combine, str):
        held: bool = values[combine]
        return held
    if "all" in combine:
        return all(combination_holds(item, values) for item in combine["all"])
    return any(combination_holds(item, values) for item in combine["any"])


def _can_meet(local: Local) -> bool:
    return any(met for met, _ in local.outcomes)
