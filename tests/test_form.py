"""The widget's worker side, ``selfcheck.form.Session``, in CPython: JSON text in,
JSON text out, as the worker calls it in Pyodide (sitebuild/web/worker.js).

- ``evaluate`` is the JSON contract for plain answers, the engine's own result;
- ``form``, for every case of every corpus, with the answers as the form holds
  them (numbers as a reader of the page's language types them, "I don't know"
  as ``unknown``): the same result as the answers themselves; a share fragment
  that fills the form back to the same result; the questions to show (those
  answered or "I don't know", and those the result still lists as missing, in
  asking order); a recap of exactly those answered or "I don't know", in
  asking order;
- while an answer must be corrected: the engine's errors, no question hidden
  (``visible`` null), no recap, and the fragment keeps what was typed;
- what goes out is JSON that JavaScript's ``JSON.parse`` reads (no NaN or
  Infinity token).
"""

from __future__ import annotations

import functools
import json
from urllib.parse import parse_qsl

import pytest
from support.corpus import corpora, form_values

from selfcheck import loader
from selfcheck.engine import evaluate
from selfcheck.form import Session


@functools.cache
def _rules(path) -> dict:
    return loader.load(path)


@functools.cache
def _session(path) -> Session:
    return Session(json.dumps(_rules(path), ensure_ascii=False))


def _strict(text: str):
    """JSON as JSON.parse reads it: no NaN or Infinity token."""

    def refuse(token):
        raise AssertionError(f"{token} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _params():
    for path, corpus in corpora():
        rules = _rules(path)
        for case in corpus["cases"]:
            for lang in rules["languages"]:
                yield pytest.param(path, case, lang, id=f"{rules['id']}:{case['id']}:{lang}")


def _form(session: Session, form: dict, unknown: list, lang: str) -> dict:
    return _strict(session.form(json.dumps({"form": form, "unknown": unknown}), lang))


@pytest.mark.parametrize(("path", "corpus_case", "lang"), list(_params()))
def test_a_form_answers_as_its_answers_do(path, corpus_case, lang):
    rules, session = _rules(path), _session(path)
    answers = corpus_case["answers"]
    given = {k: v for k, v in answers.items() if v is not None}
    unknown = [k for k, v in answers.items() if v is None]
    form = form_values(rules, given, lang)

    view = _form(session, form, unknown, lang)
    expected = evaluate(rules, given, lang)
    assert view["result"] == expected
    assert _strict(session.evaluate(json.dumps(given), lang)) == expected

    # the share fragment fills the form back to the same result
    refilled = dict(parse_qsl(view["fragment"], keep_blank_values=True))
    assert refilled == form
    assert _form(session, refilled, [], lang)["result"] == expected

    order = [q["id"] for q in rules["questions"]]
    touched = set(given) | set(unknown)
    shown = [k for k in order if k in touched or k in expected["missing"]]
    assert view["visible"] == shown
    assert [row["question"] for row in view["recap"]] == [k for k in order if k in touched]
    for row in view["recap"]:
        assert set(row) == {"question", "label", "value", "edit"}
        assert all(isinstance(row[k], str) and row[k] for k in ("label", "value", "edit"))


def _number_question(rules: dict) -> dict:
    return next(q for q in rules["questions"] if q["type"] in ("integer", "number"))


@pytest.mark.parametrize("path", [path for path, _ in corpora()], ids=lambda p: p.stem)
def test_an_answer_to_correct_hides_nothing_and_keeps_what_was_typed(path):
    rules, session = _rules(path), _session(path)
    key = _number_question(rules)["id"]
    for lang in rules["languages"]:
        view = _form(session, {key: "abc"}, [], lang)
        assert [e["question"] for e in view["result"]["errors"]] == [key]
        assert view["result"]["verdict"] is None
        assert view["visible"] is None
        assert view["recap"] == []
        assert dict(parse_qsl(view["fragment"])) == {key: "abc"}
