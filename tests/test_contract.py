"""The documented JSON contract is the one the site publishes and the engine keeps.

selfcheck/README.md lists a result's fields in tables, each after a
``<!-- contract:NAME -->`` marker: the result, its ``criteria`` items, its
``display`` and the items of ``display.criteria`` and ``display.missing``. For
each, the fields documented are exactly those the published result schema
requires (sitebuild/api.py, which tests/contract.py reads) and exactly those the
engine returns, for answers that settle each verdict, answers that settle
nothing, and invalid answers, in every language of the rules.
"""

from __future__ import annotations

import re

import pytest
from contract import (
    CRITERION_KEYS,
    DISPLAY_CRITERION_KEYS,
    DISPLAY_KEYS,
    DISPLAY_MISSING_KEYS,
    RESULT_KEYS,
    RULES,
)
from support.corpus import load_corpus
from support.paths import IMAGINARY_RULES, REPO

from selfcheck import loader
from selfcheck.engine import evaluate

REFERENCE = REPO / "selfcheck" / "README.md"
SCHEMA_KEYS = {
    "result": RESULT_KEYS,
    "criteria": CRITERION_KEYS,
    "display": DISPLAY_KEYS,
    "display.criteria": DISPLAY_CRITERION_KEYS,
    "display.missing": DISPLAY_MISSING_KEYS,
}


def documented() -> dict[str, set[str]]:
    """Each marked table's fields: the first cell of its rows, in backquotes."""
    text = REFERENCE.read_text(encoding="utf-8")
    tables = {}
    for name, body in re.findall(r"<!-- contract:([\w.]+) -->\n((?:\|.*\n)+)", text):
        rows = body.splitlines()[2:]  # past the header and its rule
        tables[name] = {re.match(r"\| `(\w+)` \|", row).group(1) for row in rows}
    return tables


DOCUMENTED = documented()


def test_the_reference_documents_each_part_of_the_contract_once():
    text = REFERENCE.read_text(encoding="utf-8")
    assert set(DOCUMENTED) == set(SCHEMA_KEYS)
    for name in SCHEMA_KEYS:
        assert text.count(f"<!-- contract:{name} -->") == 1, name


@pytest.mark.parametrize("name", sorted(SCHEMA_KEYS))
def test_the_documented_fields_are_those_the_schema_requires(name):
    assert DOCUMENTED[name] == set(SCHEMA_KEYS[name])


def _answer_sets(rules: dict) -> list[dict]:
    """Nothing answered; each question answered alone with its first value;
    and an answer of the wrong type (invalid)."""
    sets: list[dict] = [{}]
    for question in rules["questions"]:
        kind = question["type"]
        if kind == "choice":
            values = [o["value"] for o in question["options"]]
        elif kind == "boolean":
            values = [True, False]
        else:
            values = [question.get("min", 0)]
        sets += [{question["id"]: v} for v in values]
    sets.append({rules["questions"][0]["id"]: [1, 2]})
    return sets


def _corpus_answers(rules: dict) -> list[dict]:
    return [case["answers"] for case in load_corpus(rules)["cases"]]


@pytest.mark.parametrize("which", ["fund", "imaginary"])
def test_the_engine_returns_exactly_the_documented_fields(which):
    rules = RULES if which == "fund" else loader.load(IMAGINARY_RULES)
    answer_sets = _answer_sets(rules) + _corpus_answers(rules)
    seen = {"valid": False, "invalid": False, "missing": False}
    for lang in rules["languages"]:
        for answers in answer_sets:
            result = evaluate(rules, answers, lang)
            where = (lang, answers)
            assert set(result) == DOCUMENTED["result"], where
            assert set(result["display"]) == DOCUMENTED["display"], where
            for item in result["criteria"]:
                assert set(item) == DOCUMENTED["criteria"], where
            for item in result["display"]["criteria"]:
                assert set(item) == DOCUMENTED["display.criteria"], where
            for item in result["display"]["missing"]:
                assert set(item) == DOCUMENTED["display.missing"], where
            seen["invalid" if result["errors"] else "valid"] = True
            seen["missing"] |= bool(result["display"]["missing"])
    assert all(seen.values()), seen  # each shape of result was met
