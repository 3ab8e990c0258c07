"""The engine decides, the wording says: a result is data first, words second.

``Engine.compute`` works out what the rules decide (``outcome.Evaluation``);
``wording.py`` writes every text from it; ``outcome.result_shape`` lays out
every result, whatever the path (valid answers, invalid answers, unusable
rules). The engine keeps nothing between calls that changes a result, and
speaks the rules' first language unless asked for another.
"""

from __future__ import annotations

import copy
import json

from contract import DISPLAY_KEYS, RESULT_KEYS, RULES
from support.corpus import load_corpus

from selfcheck.engine import Engine, evaluate

LANGS = tuple(RULES["languages"])


def _json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)


def test_a_result_depends_on_its_answers_only():
    """One engine through the whole corpus, in an order that follows no case's
    neighbour, gives each case what a fresh engine gives it."""
    corpus = load_corpus(RULES)
    sets = [c["answers"] for c in corpus["cases"] + corpus["invalid"]]
    shared = Engine(RULES)
    order = [*sets[::2], *sets[1::2][::-1]]
    for answers in order:
        for lang in LANGS:
            fresh = Engine(copy.deepcopy(RULES)).evaluate(copy.deepcopy(answers), lang)
            assert _json(shared.evaluate(copy.deepcopy(answers), lang)) == _json(fresh), answers
    assert not any(name.startswith("_answers") for name in vars(shared))


def test_the_default_language_is_the_rules_first():
    reversed_langs = dict(RULES, languages=[*reversed(RULES["languages"])])
    for rules in (RULES, reversed_langs):
        first = rules["languages"][0]
        assert Engine(rules).evaluate({})["lang"] == first
        assert evaluate(rules, {})["lang"] == first
        assert _json(Engine(rules).evaluate({})) == _json(Engine(rules).evaluate({}, first))


def test_every_path_gives_a_result_of_the_same_shape():
    """Valid answers, invalid answers, an unknown language and unusable rules:
    the same keys in the same order; the display's too, where there is one."""
    engine = Engine(RULES)
    question = RULES["questions"][0]["id"]
    results = {
        "valid": engine.evaluate({}, LANGS[0]),
        "invalid": engine.evaluate({question: object()}, LANGS[0]),
        "language": engine.evaluate({}, "xx"),
        "rules": evaluate({"id": "broken"}, {}, LANGS[0]),
    }
    order = list(results["valid"])
    assert set(order) == RESULT_KEYS
    for path, result in results.items():
        assert list(result) == order, path
    assert results["invalid"]["errors"] and results["language"]["errors"]
    assert [e["code"] for e in results["rules"]["errors"]] == ["invalid_rules"]
    assert results["rules"]["display"] is None
    display_order = list(results["valid"]["display"])
    assert set(display_order) == DISPLAY_KEYS
    for path in ("invalid", "language"):
        display = results[path]["display"]
        assert list(display) == display_order, path
        assert display["errors"] and not display["verdict"], path


def test_the_evaluation_holds_no_words():
    """What the engine decides is the same whatever the language: the words
    come after (the verdict, statuses, missing and reliability of each case
    are equal across languages, and the result's are these)."""
    engine = Engine(RULES)
    for case in load_corpus(RULES)["cases"]:
        decided = engine.compute(engine_answers(engine, case["answers"]))
        for lang in LANGS:
            result = engine.evaluate(case["answers"], lang)
            assert result["verdict"] == decided.verdict
            assert [c["status"] for c in result["criteria"]] == decided.statuses
            assert result["missing"] == decided.missing
            assert result["confidence"] == decided.confidence
            assert result["readings"] == decided.readings


def engine_answers(engine: Engine, answers: dict) -> dict:
    from selfcheck.engine import validate_answers

    clean, errors = validate_answers(engine.rules, answers)
    assert not errors
    return clean
