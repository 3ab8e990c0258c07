"""The self-check form's side of the engine: what the widget's worker calls.

The widget (sitebuild/web/) sends the form as the reader left it — each field's
raw value, text as typed — and puts into the page what comes back. Everything
in between happens here, in Python (Pyodide): typed numbers are read
(``parsing.read_number``), the answers evaluated, and the share fragment, the
questions to show and how each number was understood are written. Standard
library only.

Form values (also the share fragment's): a choice's option value; for a
boolean, the words of ``form_values`` in the catalogue of the rules' first
language (``oui`` / ``non`` in French), whatever language the page speaks, so
that a shared link reads the same in every language; a number as typed. A
key left out is not answered; ``unknown`` lists the keys answered "I don't know".
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from . import words
from .engine import Engine
from .formatting import format_quantity, render_text
from .parsing import read_number, write_number
from .ruleset import Rules


def boolean_values(rules: Rules) -> dict[str, bool]:
    """The form's value for each boolean answer (see the module's docstring)."""
    said = words.entry(rules["languages"][0], "form_values")
    return {str(said["true"]): True, str(said["false"]): False}


def answers_from_form(rules: Rules, form: dict[str, Any]) -> dict[str, Any]:
    """The answers a form stands for. A number that cannot be read stays as
    typed: the engine then says what is wrong with it."""
    answers = {}
    booleans = boolean_values(rules)
    for question in rules["questions"]:
        key, kind = question["id"], question["type"]
        raw = form.get(key)
        if raw is None or raw == "":
            continue
        if kind == "boolean":
            answers[key] = booleans.get(raw, raw)
        elif kind in ("integer", "number"):
            number = read_number(str(raw), question.get("unit"))
            answers[key] = str(raw) if number is None else number
        else:
            answers[key] = raw
    return answers


# What urllib.parse.quote_plus leaves as it is. urllib.parse is not imported:
# it imports ipaddress, 85 ms of the engine's start in Pyodide 314.0.7 (measured
# under Node); tests/test_form_encoding.py holds this to urlencode.
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


def _quote_plus(text: str) -> str:
    return "".join(
        chr(byte) if byte in _UNRESERVED else "+" if byte == 0x20 else f"%{byte:02X}"
        for byte in text.encode("utf-8")
    )


def urlencode(pairs: list[Any]) -> str:
    """``urllib.parse.urlencode(pairs)`` for pairs of strings."""
    return "&".join(f"{_quote_plus(key)}={_quote_plus(value)}" for key, value in pairs)


def fragment(rules: Rules, answers: dict[str, Any], lang: str) -> str:
    """The answers as a share link's fragment (and ``data-answers``):
    ``statut=technicien&jours_travailles=12``, in asking order; numbers written
    so that they read back exactly."""
    word_for = {meant: word for word, meant in boolean_values(rules).items()}
    pairs = []
    for question in rules["questions"]:
        value = answers.get(question["id"])
        if value is None:
            continue
        if isinstance(value, bool):
            text = word_for[value]
        elif isinstance(value, (int, float)):
            text = write_number(value, lang)
        else:
            text = str(value)
        pairs.append((question["id"], text))
    return urlencode(pairs)


def evaluate_form(
    engine: Engine, form: dict[str, Any], lang: str, unknown: Iterable[str] = ()
) -> dict[str, Any]:
    """Evaluate a form: exactly what the widget puts into the page next.

    ``result``: the engine's result (the JSON contract); ``fragment``: the
    answers it reflects as a share fragment (a number that could not be read,
    as typed); ``visible``: the questions to show (answered, "I don't know",
    or still able to change the outcome), or None while an answer must be
    corrected; ``recap``: the answers as the engine read them (``recap``)."""
    rules = engine.rules
    answers = answers_from_form(rules, form)
    result = engine.evaluate(answers, lang)
    valid = not result["errors"]
    touched = set(answers) | set(unknown)
    visible = (
        [q["id"] for q in rules["questions"] if q["id"] in touched or q["id"] in result["missing"]]
        if valid
        else None
    )
    return {
        "result": result,
        "fragment": fragment(rules, answers, lang),
        "visible": visible,
        "recap": recap(rules, answers, set(unknown), lang) if valid else [],
    }


def recap(rules: Rules, answers: dict[str, Any], unknown: set[Any], lang: str) -> list[Any]:
    """The answers as the engine read them, for the reader to check:
    ``{question, label, value, edit}`` in asking order (``edit``: the name of
    the link to change it, which names the question)."""
    rows = []
    for question in rules["questions"]:
        key = question["id"]
        if key not in answers and key not in unknown:
            continue
        value = answers.get(key)
        if key not in answers:
            shown = words.text(lang, "dont_know")
        elif question["type"] == "boolean":
            shown = words.text(lang, "yes" if value else "no")
        elif question["type"] == "choice":
            option = next(o for o in question["options"] if o["value"] == value)
            shown = render_text(rules, option["label"], lang)
        else:
            shown = format_quantity(value, question.get("unit"), lang)
        label = render_text(rules, question.get("short", question["label"]), lang)
        rows.append(
            {
                "question": key,
                "label": label,
                "value": shown,
                "edit": words.text(lang, "widget.edit", question=label),
            }
        )
    return rows


def _json(value: object) -> str:
    """JSON that JavaScript's JSON.parse reads: a number that is not finite (an
    answer the engine refused: 4,301 digits typed) is written as text, where
    Python would write the bare token ``Infinity``."""

    def finite(item: object) -> object:
        if isinstance(item, float) and not math.isfinite(item):
            return str(item)
        if isinstance(item, dict):
            return {key: finite(each) for key, each in item.items()}
        if isinstance(item, list | tuple):
            return [finite(each) for each in item]
        return item

    return json.dumps(finite(value), ensure_ascii=False)


class Session:
    """One rule set in the worker: JSON text in, JSON text out (Pyodide moves
    strings between JavaScript and Python faster than objects)."""

    def __init__(self, rules_json: str):
        self.engine = Engine(json.loads(rules_json))

    def evaluate(self, answers_json: str, lang: str) -> str:
        """``window.selfcheck.evaluate``: the JSON contract for plain answers."""
        return _json(self.engine.evaluate(json.loads(answers_json), lang))

    def form(self, form_json: str, lang: str) -> str:
        """The widget's form: ``{"form": {...}, "unknown": [...]}`` in."""
        message = json.loads(form_json)
        shown = evaluate_form(
            self.engine, message.get("form", {}), lang, message.get("unknown", ())
        )
        return _json(shown)
