"""A result as data, and the one shape every result has.

The engine (``engine.py``) works out an ``Evaluation`` from valid answers:
what the rules decide, with no word in it. The wording (``wording.py``) turns
it into the texts people read. ``result_shape`` lays out the JSON contract
(selfcheck/README.md) the same way for every path: valid answers, invalid answers,
rules that cannot be used. Standard library only (runs in Pyodide).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VERDICTS = ("eligible", "ineligible", "undetermined")
STATUSES = {True: "met", False: "unmet", None: "unknown"}


@dataclass(frozen=True)
class Evaluation:
    """What the rules decide for one set of valid answers, before any wording."""

    answers: dict[str, Any]  # the answers as validated (numbers as numbers)
    verdict: str
    amount_options: list[Any]  # the amounts still possible, smallest first
    amount: Any  # the settled amount, or None
    statuses: list[str]  # each criterion's, in the rules' order
    levels: list[str]  # how sure each status is: the level of the part that decided it
    missing: list[str]  # the questions that can still change the outcome, in asking order
    eligible_if: list[frozenset[Any]]  # minimal sets of conditions (explain.py)
    would_change: list[frozenset[Any]]
    confidence: str | None  # the result's reliability, None while undetermined
    basis: list[Any]  # the rules' nodes that reliability rests on
    readings: list[dict[str, Any]]  # each declared reading and its verdict
    warnings: list[str]  # the questions answered above a bound a source gives


def source_data(source: Mapping[str, Any]) -> dict[str, Any]:
    """A source as a result carries it."""
    return {k: source.get(k) for k in ("id", "outlet", "title", "date", "url")}


def rules_header(rules: object) -> dict[str, Any]:
    """Which rules answered: their id, version and the day they were checked."""
    if not isinstance(rules, dict):
        return {}
    return {k: rules.get(k) for k in ("id", "version", "checked_on")}


def result_shape(
    rules: object,
    lang: str | None,
    *,
    currency: str | None,
    display: dict[str, Any] | None,
    errors: list[dict[str, Any]] | None = None,
    verdict: str | None = None,
    amount: Any = None,
    amount_options: list[Any] | None = None,
    criteria: list[dict[str, Any]] | None = None,
    missing: list[str] | None = None,
    eligible_if: list[dict[str, Any]] | None = None,
    would_change: list[dict[str, Any]] | None = None,
    confidence: str | None = None,
    readings: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A result in the contract's order; what a path does not know is empty."""
    return {
        "rules": rules_header(rules),
        "lang": lang,
        "verdict": verdict,
        "amount": amount,
        "amount_options": amount_options or [],
        "currency": currency,
        "criteria": criteria or [],
        "missing": missing or [],
        "errors": errors or [],
        "eligible_if": eligible_if or [],
        "would_change": would_change or [],
        "confidence": confidence,
        "readings": readings or [],
        "display": display,
    }
