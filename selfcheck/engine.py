"""The engine: a rule set and (possibly partial) answers in, the result out.

Pure standard library, no I/O beyond reading its own word catalogues: the
very same package runs in CPython (tests, command line, site build) and in
Pyodide (the self-check widget).

A rule set is the plain, JSON-able dict that ``selfcheck.loader`` produces
from a YAML file (and that the site ships to the browser as JSON).
``evaluate`` never raises: invalid answers come back as structured errors.
The engine decides (``compute``: an ``outcome.Evaluation``, data only);
``wording.py`` writes every text of the result from it; ``outcome.result_shape``
lays out the JSON contract of selfcheck/README.md for every path.
"""

from __future__ import annotations

import math
from typing import Any

from . import words
from .analysis import Situation, Structure
from .conditions import quantity_value
from .explain import LEVELS, Explanation, criterion_level
from .formatting import cut, quote, quoted
from .outcome import STATUSES, Evaluation, result_shape, source_data
from .outcome import VERDICTS as VERDICTS  # the verdicts, where callers have always found them
from .ruleset import Question, Rules, questions_by_id, sources_by_id
from .wording import Wording

# ---------------------------------------------------------------------------
# Errors, in every language of the rule set


def visible(text: str) -> str:
    """Text from outside quoted back as it is, but for what a terminal or a
    page would act on or hide: control characters, line breaks, bidirectional
    overrides, zero-width characters, shown as escapes (``\\n``, ``\\x1b``,
    ``\\u202e``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def error(langs: list[str], question: object, code: str, **values: object) -> dict[str, Any]:
    """One error: ``{question, code, message: {lang: text}}``."""
    message = {}
    for lang in langs:
        filled = dict(values)
        if question is not None:
            filled["question"] = quote(str(question), lang)
        message[lang] = words.text(lang, f"errors.{code}", **filled)
    return {"question": question, "code": code, "message": message}


def _message_langs(rules: object) -> list[str]:
    declared = rules.get("languages") if isinstance(rules, dict) else None
    known = words.languages()
    langs = [lang for lang in declared or () if lang in known] if declared else []
    return langs or list(known)


# ---------------------------------------------------------------------------
# Answers


def validate_answers(rules: Rules, answers: object) -> tuple[dict[str, Any], list[Any]]:
    """Check answers against the questions.

    Returns ``(clean, errors)``: ``clean`` maps each answered key to its
    value; ``None`` values count as unanswered. One error per faulty field.
    """
    langs = _message_langs(rules)
    if not isinstance(answers, dict):
        return {}, [error(langs, None, "not_a_mapping")]
    questions = questions_by_id(rules)
    clean, errors = {}, []
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            # a key is quoted back too: never whole
            name = cut(visible(key)) if isinstance(key, str) else quoted(key)
            errors.append(error(langs, name, "unknown_question", known=", ".join(questions)))
            continue
        if value is None:
            continue
        problem = _check_value(langs, question, value)
        if problem:
            errors.append(problem)
        elif question["type"] == "number":
            clean[key] = float(value)
        elif question["type"] == "integer":
            clean[key] = int(value)
        else:
            clean[key] = value
    return clean, errors


def _check_value(langs: list[str], question: Question, value: Any) -> dict[str, Any] | None:
    key, kind = question["id"], question["type"]
    shown = quoted(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            return error(langs, key, "not_a_boolean", value=shown)
        return None
    if kind == "choice":
        options = [o["value"] for o in question["options"]]
        if not isinstance(value, str) or value not in options:
            return error(langs, key, "unknown_option", options=", ".join(options), value=shown)
        return None
    # integer and number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return error(langs, key, "not_a_number", value=shown)
    if not math.isfinite(_as_float(value)):
        return error(langs, key, "not_finite", value=shown)
    if kind == "integer" and isinstance(value, float) and not value.is_integer():
        return error(langs, key, "not_an_integer", value=shown)
    low, high = question.get("min"), question.get("max")
    if low is not None and value < low:
        code = "negative" if low == 0 else "below_minimum"
        return error(langs, key, code, min=low, value=shown)
    if high is not None and value > high:
        return error(langs, key, "above_maximum", max=high, value=shown)
    return None


def _as_float(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        return math.inf


# ---------------------------------------------------------------------------
# Evaluation


class Engine:
    """A rule set ready to evaluate answers (its structure computed once).

    It keeps nothing from one call to the next but what the rules alone
    decide (its structure, its wording's phrases): each result depends on the
    answers and the language only."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.structure = Structure(rules)
        self.wording = Wording(rules, self.structure)
        self.langs = _message_langs(rules)
        self._sources = sources_by_id(rules)

    def evaluate(self, answers: object, lang: str | None = None) -> dict[str, Any]:
        """The result of ``answers`` in ``lang`` (default: the rules' first
        language); never raises."""
        if lang is None:
            lang = self.langs[0]
        try:
            return self._evaluate(answers, lang)
        except Exception as exc:  # never let an exception escape to the caller
            fallback = lang if lang in self.langs else self.langs[0]
            return self._failure(
                fallback, [error(self.langs, None, "internal_error", value=quoted(exc))]
            )

    def _failure(self, lang: str, errors: list[Any]) -> dict[str, Any]:
        return result_shape(
            self.rules,
            lang,
            currency=self.rules["amount"]["currency"],
            errors=errors,
            display=self.wording.display_errors(errors, lang),
        )

    def _evaluate(self, answers: object, lang: str) -> dict[str, Any]:
        if lang not in self.langs:
            return self._failure(
                self.langs[0],
                [
                    error(
                        self.langs,
                        None,
                        "unknown_language",
                        value=quoted(lang),
                        known=", ".join(self.langs),
                    )
                ],
            )
        clean, errors = validate_answers(self.rules, answers)
        if errors:
            return self._failure(lang, errors)
        evaluation = self.compute(clean)
        wording = self.wording
        criteria = wording.criteria(evaluation, lang)
        return result_shape(
            self.rules,
            lang,
            verdict=evaluation.verdict,
            amount=evaluation.amount,
            amount_options=evaluation.amount_options,
            currency=self.rules["amount"]["currency"],
            criteria=criteria,
            missing=evaluation.missing,
            eligible_if=wording.items(evaluation.eligible_if, "eligible_if", lang),
            would_change=wording.items(evaluation.would_change, "would_change", lang),
            confidence=evaluation.confidence,
            readings=evaluation.readings,
            display=wording.display(evaluation, criteria, lang),
        )

    def compute(self, answers: dict[str, Any]) -> Evaluation:
        """What the rules decide for valid answers (``validate_answers``'
        ``clean``), as data: no word in it."""
        rules = self.rules
        situation = Situation(self.structure, answers)
        verdict = situation.verdict()
        options = situation.amount_options() if verdict != "ineligible" else []
        amount = options[0] if verdict == "eligible" and len(options) == 1 else None
        statuses = [
            STATUSES[situation.criterion_status(index)] for index in range(len(rules["criteria"]))
        ]
        explanation = Explanation(self.structure, situation, answers)
        level, basis = explanation.confidence(verdict, amount)
        readings = [
            {
                "id": reading["id"],
                "adopted": bool(reading.get("adopted")),
                "verdict": verdict
                if reading.get("adopted")
                else situation.reading_verdict(reading["combine"]),
                "confidence": reading["confidence"],
                "sources": [source_data(self._sources[s]) for s in reading["sources"]],
            }
            for reading in rules.get("readings", ())
        ]
        level, basis = self._reading_cap(level, basis, verdict, readings)
        return Evaluation(
            answers=answers,
            verdict=verdict,
            amount_options=options,
            amount=amount,
            statuses=statuses,
            # the level of the branch that met or failed each, when it has its own
            levels=[
                criterion_level(rules, rule, answers, status)
                for rule, status in zip(rules["criteria"], statuses, strict=True)
            ],
            missing=situation.missing(),
            eligible_if=explanation.eligible_if(),
            would_change=explanation.would_change(verdict, amount),
            confidence=level,
            basis=basis,
            readings=readings,
            warnings=self._warnings(answers),
        )

    def _reading_cap(
        self, level: str | None, basis: list[Any], verdict: str, readings: list[dict[str, Any]]
    ) -> tuple[str | None, list[Any]]:
        """A settled verdict that another reading would not give is no surer
        than the adopted reading: its level caps the result's, and it joins
        what the result rests on."""
        if level is None or all(r["verdict"] == verdict for r in readings):
            return level, basis
        adopted = next(r for r in self.rules["readings"] if r.get("adopted"))
        cap = adopted["confidence"]
        if LEVELS.index(cap) < LEVELS.index(level):
            return cap, [adopted]
        if cap == level:
            return level, [*basis, adopted]
        return level, basis

    def _warnings(self, answers: dict[str, Any]) -> list[str]:
        """The questions answered above a bound a source gives (``plausible``):
        a warning the reader can confirm, never an error."""
        return [
            question["id"]
            for question in self.rules["questions"]
            if (bound := question.get("plausible"))
            and (value := answers.get(question["id"])) is not None
            and value > quantity_value(self.rules, bound["max"])
        ]


def evaluate(rules: Rules, answers: object, lang: str | None = None) -> dict[str, Any]:
    """Evaluate ``answers`` against ``rules`` in ``lang`` (default: the rules'
    first language); see selfcheck/README.md for the result."""
    try:
        engine = Engine(rules)
    except Exception as exc:
        langs = _message_langs(rules)
        return result_shape(
            rules,
            langs[0] if lang is None else lang,
            currency=None,
            errors=[error(langs, None, "invalid_rules", value=quoted(exc))],
            display=None,
        )
    return engine.evaluate(answers, lang)
