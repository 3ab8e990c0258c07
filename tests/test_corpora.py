"""Every corpus of tests/cases/ through the engine, each against the rules file
it names, in every language of those rules: a fund's corpus runs with no test
code of its own.

Each valid case gives exactly its expected verdict, amounts, criterion
statuses and ``missing`` (and, when the case states them, ``eligible_if``,
``would_change``, ``confidence`` and the other readings' verdicts), through
``Engine.evaluate`` and the module-level ``evaluate`` alike, as plain JSON,
without altering the answers. Each invalid case gives exactly its expected
errors, in every language, and nothing else.
"""

from __future__ import annotations

import collections
import copy
import functools
import json

import pytest
from contract import RESULT_KEYS
from support.corpus import corpora

from selfcheck import loader
from selfcheck.engine import Engine, evaluate


@functools.cache
def _rules(path) -> dict:
    return loader.load(path)


@functools.cache
def _engine(path) -> Engine:
    return Engine(_rules(path))


def _params(key: str):
    for rules_path, corpus in corpora():
        rules = _rules(rules_path)
        for case in corpus.get(key, ()):
            for lang in rules["languages"]:
                yield pytest.param(rules_path, case, lang, id=f"{rules['id']}:{case['id']}:{lang}")


def _other_readings(result: dict) -> dict:
    """The verdict of each reading not adopted, by id."""
    return {r["id"]: r["verdict"] for r in result["readings"] if not r["adopted"]}


def _routes(items) -> list:
    """Routes (``eligible_if``, ``would_change``) compared as sets of comparisons."""
    return sorted(sorted(map(repr, when)) for when in items)


@pytest.mark.parametrize(("rules_path", "corpus_case", "lang"), list(_params("cases")))
def test_case(rules_path, corpus_case, lang):
    case = corpus_case
    rules = _rules(rules_path)
    answers = copy.deepcopy(case["answers"])
    result = _engine(rules_path).evaluate(answers, lang)
    expect = case["expect"]

    assert answers == case["answers"], "the engine must not alter the answers"
    assert set(result) == RESULT_KEYS
    assert result["errors"] == []
    assert result["lang"] == lang
    assert result["rules"] == {k: rules[k] for k in ("id", "version", "checked_on")}
    assert result["currency"] == rules["amount"]["currency"]

    assert result["verdict"] == expect["verdict"]
    assert result["amount"] == expect["amount"]
    assert result["amount_options"] == expect["amount_options"]
    assert result["missing"] == expect["missing"]
    assert [c["id"] for c in result["criteria"]] == [c["id"] for c in rules["criteria"]]
    assert {c["id"]: c["status"] for c in result["criteria"]} == expect["criteria"]
    for key in ("eligible_if", "would_change"):  # optional in a corpus
        if key in expect:
            assert _routes(item["when"] for item in result[key]) == _routes(expect[key]), key
    if "confidence" in expect:
        assert result["confidence"] == expect["confidence"]
    if "readings" in expect:
        assert _other_readings(result) == expect["readings"]

    # the module-level function gives the very same result, and it is plain JSON
    assert evaluate(rules, copy.deepcopy(case["answers"]), lang) == result
    assert json.loads(json.dumps(result, allow_nan=False)) == result


@pytest.mark.parametrize(("rules_path", "corpus_case", "lang"), list(_params("invalid")))
def test_invalid_case(rules_path, corpus_case, lang):
    case = corpus_case
    rules = _rules(rules_path)
    result = _engine(rules_path).evaluate(copy.deepcopy(case["answers"]), lang)
    assert set(result) == RESULT_KEYS
    assert result["lang"] == lang
    assert result["verdict"] is None
    assert result["amount"] is None
    assert result["amount_options"] == []
    assert result["criteria"] == []
    assert result["missing"] == []
    got = collections.Counter((e["question"], e["code"]) for e in result["errors"])
    expected = collections.Counter((e["question"], e["code"]) for e in case["expect_errors"])
    assert got == expected
    for error in result["errors"]:
        assert set(error) == {"question", "code", "message"}
        assert set(error["message"]) == set(rules["languages"])
        for text in error["message"].values():
            assert isinstance(text, str)
            assert text.strip()
            if error["question"] is not None:
                assert error["question"] in text
    assert json.loads(json.dumps(result, allow_nan=False)) == result
