"""The shared case corpus (tests/cases/<rules id>.yaml) as the browser tests use it.

Everything fund-specific those tests need comes from here or from the rules: the
cases to run, their answers as a form holds them, and an invalid answer built
from the questions. Adding a question and a criterion touches only the rules
file and the cases file.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qsl

import yaml

from selfcheck.form import fragment
from support.paths import CASES_DIR, REPO


@functools.cache
def _corpus(rules_id: str) -> dict:
    return yaml.safe_load((CASES_DIR / f"{rules_id}.yaml").read_text(encoding="utf-8"))


def corpora() -> list[tuple[Path, dict]]:
    """Every corpus of tests/cases/, each with the rules file it names (a fresh
    copy), in file order."""
    found = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        corpus = copy.deepcopy(_corpus(path.stem))
        found.append((REPO / corpus["rules"], corpus))
    return found


def load_corpus(rules: dict) -> dict:
    """The corpus of ``rules`` (a fresh copy: callers may not alter each other's)."""
    return copy.deepcopy(_corpus(rules["id"]))


def form_values(rules: dict, answers: dict, lang: str) -> dict[str, str]:
    """The answers as the form holds them, field name → value, in asking order:
    a choice's option value, a boolean's radio value (``oui``/``non``), a number
    as a reader of ``lang`` types it. Unknown (None) answers are left out."""
    return dict(parse_qsl(fragment(rules, answers, lang), keep_blank_values=True))


def kind(case: dict) -> tuple:
    """What a case ends on: (verdict, amount options)."""
    return case["expect"]["verdict"], tuple(case["expect"]["amount_options"])


def answered(case: dict) -> bool:
    """Some answer given (not only "I don't know")."""
    return any(value is not None for value in case["answers"].values())


def settled_eligible(case: dict) -> bool:
    """Eligible, the amount settled, no "I don't know" answer."""
    expect = case["expect"]
    return (
        expect["verdict"] == "eligible"
        and expect.get("amount") is not None
        and None not in case["answers"].values()
    )


def first(cases: Iterable[dict], test: Callable[[dict], bool], what: str) -> dict:
    """The first case that passes ``test``; a clear failure when there is none."""
    for case in cases:
        if test(case):
            return case
    raise LookupError(f"the corpus has no case {what}")


def one_of_each_kind(cases: Iterable[dict]) -> list[dict]:
    """The first case (with some answer given) of each (verdict, amount options)."""
    chosen: dict[tuple, dict] = {}
    for case in cases:
        if answered(case):
            chosen.setdefault(kind(case), case)
    return list(chosen.values())


def invalid_answers(rules: dict) -> dict:
    """Answers the engine rejects, built from the questions: the first numeric
    question with a ``min`` gets min − 1."""
    for question in rules["questions"]:
        if question["type"] in ("integer", "number") and question.get("min") is not None:
            return {question["id"]: question["min"] - 1}
    raise LookupError("no numeric question with a min: no invalid answer to build")


def js_number(value) -> str:
    """``String(number)`` in JavaScript (the widget's ``data-amount``), for the
    integers and short decimals of the rules and the corpus."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)
