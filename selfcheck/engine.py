"""The engine: a rule set and (possibly partial) answers in, the result out.

Pure standard library, no I/O beyond reading its own word catalogues: the
very same package runs in CPython (tests, command line, site build) and in
Pyodide (the self-check widget).

A rule set is the plain, JSON-able dict that ``selfcheck.loader`` produces
from a YAML file (and that the site ships to the browser as JSON).
``evaluate`` never raises: invalid answers come back as structured errors.
The result's shape is the JSON contract of README.md.
"""

from __future__ import annotations

import math

from . import words
from .analysis import Situation, Structure
from .conditions import quantity_value, walk
from .explain import LEVELS, Explanation, criterion_level, describe
from .formatting import format_date, format_money, join_or, quote, render_text, source_name
from .phrasing import condition_text

VERDICTS = ("eligible", "ineligible", "undetermined")
STATUSES = {True: "met", False: "unmet", None: "unknown"}
QUOTED_VALUE_MAX = 80  # characters of a bad value quoted back in a message


# ---------------------------------------------------------------------------
# Errors, in every language of the rule set


def _shown(value) -> str:
    """A bad value as a message quotes it: its repr, cut to QUOTED_VALUE_MAX."""
    try:
        text = repr(value)
    except Exception:  # e.g. an int too long to convert to text
        text = f"<{type(value).__name__}>"
    if len(text) > QUOTED_VALUE_MAX:
        text = text[: QUOTED_VALUE_MAX - 1] + "…"
    return text


def visible(text: str) -> str:
    """Text from outside quoted back as it is, but for what a terminal or a
    page would act on or hide: control characters, line breaks, bidirectional
    overrides, zero-width characters, shown as escapes (``\\n``, ``\\x1b``,
    ``\\u202e``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def error(langs, question, code: str, **values) -> dict:
    """One error: ``{question, code, message: {lang: text}}``."""
    message = {}
    for lang in langs:
        filled = dict(values)
        if question is not None:
            filled["question"] = quote(str(question), lang)
        message[lang] = words.text(lang, f"errors.{code}", **filled)
    return {"question": question, "code": code, "message": message}


def _message_langs(rules) -> list:
    declared = rules.get("languages") if isinstance(rules, dict) else None
    known = words.languages()
    langs = [lang for lang in declared or () if lang in known] if declared else []
    return langs or list(known)


# ---------------------------------------------------------------------------
# Answers


def validate_answers(rules: dict, answers) -> tuple[dict, list]:
    """Check answers against the questions.

    Returns ``(clean, errors)``: ``clean`` maps each answered key to its
    value; ``None`` values count as unanswered. One error per faulty field.
    """
    langs = _message_langs(rules)
    if not isinstance(answers, dict):
        return {}, [error(langs, None, "not_a_mapping")]
    questions = {q["id"]: q for q in rules["questions"]}
    clean, errors = {}, []
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            name = visible(key) if isinstance(key, str) else _shown(key)
            if len(name) > QUOTED_VALUE_MAX:  # a key is quoted back too: never whole
                name = name[: QUOTED_VALUE_MAX - 1] + "…"
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


def _check_value(langs, question: dict, value):
    key, kind = question["id"], question["type"]
    shown = _shown(value)
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


def _as_float(value) -> float:
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        return math.inf


# ---------------------------------------------------------------------------
# Evaluation


class Engine:
    """A rule set ready to evaluate answers (its structure computed once)."""

    def __init__(self, rules: dict):
        self.rules = rules
        self.structure = Structure(rules)
        self._phrases: dict = {}
        self.langs = _message_langs(rules)
        self._sources = {s["id"]: s for s in rules["sources"]}

    def evaluate(self, answers, lang: str = "fr") -> dict:
        try:
            return self._evaluate(answers, lang)
        except Exception as exc:  # never let an exception escape to the caller
            fallback = lang if lang in self.langs else self.langs[0]
            return self._failure(
                fallback, [error(self.langs, None, "internal_error", value=_shown(exc))]
            )

    def _header(self, lang: str) -> dict:
        rules = self.rules
        return {
            "rules": {
                "id": rules["id"],
                "version": rules["version"],
                "checked_on": rules["checked_on"],
            },
            "lang": lang,
        }

    def _failure(self, lang: str, errors: list) -> dict:
        result = self._header(lang)
        result.update(
            verdict=None,
            amount=None,
            amount_options=[],
            currency=self.rules["amount"]["currency"],
            criteria=[],
            missing=[],
            errors=errors,
            eligible_if=[],
            would_change=[],
            confidence=None,
            readings=[],
            display=self._display_errors(errors, lang),
        )
        return result

    def _evaluate(self, answers, lang: str) -> dict:
        rules = self.rules
        if lang not in self.langs:
            return self._failure(
                self.langs[0],
                [
                    error(
                        self.langs,
                        None,
                        "unknown_language",
                        value=_shown(lang),
                        known=", ".join(self.langs),
                    )
                ],
            )
        clean, errors = validate_answers(rules, answers)
        if errors:
            return self._failure(lang, errors)

        self._answers = clean
        situation = Situation(self.structure, clean)
        verdict = situation.verdict()
        options = situation.amount_options() if verdict != "ineligible" else []
        amount = options[0] if verdict == "eligible" and len(options) == 1 else None
        criteria = []
        for index, criterion in enumerate(rules["criteria"]):
            status = STATUSES[situation.criterion_status(index)]
            criteria.append(
                {
                    "id": criterion["id"],
                    "title": render_text(rules, criterion["title"], lang),
                    "status": status,
                    "reason": render_text(rules, criterion["text"][status], lang),
                    "confidence": criterion["confidence"],
                    "sources": [_source(self._sources[s]) for s in criterion["sources"]],
                }
            )
        explanation = Explanation(self.structure, situation, clean)
        level, basis = explanation.confidence(verdict, amount)
        readings = [
            {
                "id": reading["id"],
                "adopted": bool(reading.get("adopted")),
                "verdict": verdict
                if reading.get("adopted")
                else situation.reading_verdict(reading["combine"]),
                "confidence": reading["confidence"],
                "sources": [_source(self._sources[s]) for s in reading["sources"]],
            }
            for reading in rules.get("readings", ())
        ]
        level, basis = self._reading_cap(level, basis, verdict, readings)
        result = self._header(lang)
        result.update(
            verdict=verdict,
            amount=amount,
            amount_options=options,
            currency=rules["amount"]["currency"],
            criteria=criteria,
            missing=situation.missing(),
            errors=[],
            eligible_if=self._items(explanation.eligible_if(), "eligible_if", lang),
            would_change=self._items(
                explanation.would_change(verdict, amount), "would_change", lang
            ),
            confidence=level,
            readings=readings,
        )
        result["display"] = self._display(result, lang, basis)
        return result

    def _reading_cap(self, level, basis: list, verdict: str, readings: list) -> tuple:
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

    def _reading_sentences(self, result: dict, lang: str) -> str:
        """What each other reading would have answered, and why it is not the
        one adopted: one sentence each, for the readings that differ."""
        verdict = result["verdict"]
        if verdict == "undetermined":
            return ""
        declared = {r["id"]: r for r in self.rules.get("readings", ())}
        said = []
        for reading in result["readings"]:
            if reading["adopted"] or reading["verdict"] == verdict:
                continue
            rule = declared[reading["id"]]
            said.append(
                words.text(
                    lang,
                    f"result.other_reading.{self._tense()}.{reading['verdict']}",
                    reading=render_text(self.rules, rule["title"], lang),
                    why=render_text(self.rules, rule["note"], lang),
                )
            )
        return " ".join(said)

    def _tense(self) -> str:
        """How results speak of the fund: in the conditional past once it is
        closed (``status.state`` of the rules)."""
        return "closed" if self.rules.get("status", {}).get("state") == "closed" else "open"

    def _hint(self, verdict: str, lang: str) -> str:
        """The hint under the verdict; in the past once the fund is closed, where
        the catalogue has a past form for that verdict."""
        past = f"result.hints_closed.{verdict}"
        if self._tense() == "closed" and words.has(lang, past):
            return words.text(lang, past)
        return words.text(lang, f"result.hints.{verdict}")

    def _items(self, items: list, kind: str, lang: str) -> list:
        """Explanation items as the contract has them: ``{"when": [comparison,
        …], "text": "…"}``, the comparisons in asking order."""
        order = {key: i for i, key in enumerate(self.structure.keys)}
        shown = []
        for item in items:
            parts = sorted(item, key=lambda part: order[part[0]])
            when = [describe(self.structure, key, classes) for key, classes in parts]
            phrases = [self._phrase(key, classes, lang) for key, classes in parts]
            joined = phrases[-1]
            if len(phrases) > 1:
                separator = words.entry(lang, "explain.separator")
                joined = separator.join(phrases[:-1]) + words.entry(lang, "explain.last") + joined
            frame = f"explain.{self._tense()}.{kind}"
            shown.append({"when": when, "text": words.text(lang, frame, conditions=joined)})
        return shown

    def _phrase(self, key: str, classes: frozenset, lang: str) -> str:
        """A set of answers to one question, in words (worked out once)."""
        memo = (key, classes, lang)
        if memo not in self._phrases:
            comparison = describe(self.structure, key, classes)
            nodes = self.structure.comparisons(key)
            self._phrases[memo] = condition_text(self.rules, comparison, lang, nodes)
        return self._phrases[memo]

    # -- what people read --------------------------------------------------

    def amount_text(self, result: dict, lang: str) -> str:
        """``300 €``; ``200 € ou 300 € selon vos ressources`` while still open;
        the catalogue's "none" when no amount is possible."""
        options = result["amount_options"]
        if not options:
            return words.text(lang, "result.amount_none")
        texts = [format_money(a, result["currency"], lang) for a in options]
        if len(texts) == 1:
            return texts[0]
        pending = self.rules["amount"].get("pending")
        depends = (
            render_text(self.rules, pending, lang)
            if pending
            else words.text(lang, "result.amount_depends")
        )
        return f"{join_or(texts, lang)} {depends}"

    def _display(self, result: dict, lang: str, basis) -> dict:
        rules, verdict = self.rules, result["verdict"]
        amount = ""
        if verdict != "ineligible" and result["amount_options"]:
            line = "result.amount_line" if verdict == "eligible" else "result.amount_possible"
            amount = words.text(lang, line, amount=self.amount_text(result, lang))
        # a result resting on a point of low confidence says « peut-être »
        low = rules["result"].get("verdicts_low", {}) if result["confidence"] == "low" else {}
        said_as = low.get(verdict) or rules["result"]["verdicts"][verdict]
        headline = render_text(rules, said_as, lang)
        # What the live region says once the answers settle: the verdict, and
        # the amount, or the conditions that were not met.
        said = [headline, amount]
        unmet = [
            words.text(lang, "result.named", title=c["title"])
            for c in result["criteria"]
            if c["status"] == "unmet"
        ]
        if verdict == "ineligible" and unmet:
            key = "result.failed" if len(unmet) == 1 else "result.failed_many"
            listed = words.entry(lang, "format.list").join(unmet)
            said.append(words.text(lang, key, conditions=listed))
        criteria = []
        questions = {q["id"]: q for q in rules["questions"]}
        for criterion, rule in zip(result["criteria"], rules["criteria"], strict=True):
            moot = verdict == "ineligible" and criterion["status"] == "unknown"
            # the level of the branch that met or failed it, when it has its own
            sure = criterion_level(rules, rule, self._answers, criterion["status"])
            level = words.text(lang, f"levels.{sure}")
            criteria.append(
                {
                    "id": criterion["id"],
                    "status": words.text(lang, f"statuses.{criterion['status']}"),
                    "mark": words.text(lang, f"marks.{criterion['status']}"),
                    "reason": words.text(lang, "result.moot") if moot else criterion["reason"],
                    "moot": words.text(lang, "result.moot") if moot else "",
                    "confidence": words.text(lang, "result.confidence", level=level),
                    "sources": [self._source_label(s, lang) for s in criterion["sources"]],
                }
            )
        return {
            "verdict": headline,
            "hint": self._hint(verdict, lang),
            "amount": amount,
            "amount_value": self.amount_text(result, lang),
            "announcement": " ".join(t for t in said if t),
            "criteria": criteria,
            "missing": [self._missing(questions[k], lang) for k in result["missing"]],
            "rules": self._rules_line(lang),
            "disclaimer": render_text(rules, rules["result"]["disclaimer"], lang),
            "notice": self._notice(lang),
            "confidence": self._confidence_line(result["confidence"], basis, lang),
            "reading": self._reading_sentences(result, lang),
            "warnings": self._warnings(lang),
            "errors": [],
        }

    def _notice(self, lang: str) -> str:
        """The fund's status today, as every page shows it (``status.notice``)."""
        notice = self.rules.get("status", {}).get("notice")
        return render_text(self.rules, notice, lang) if notice else ""

    def _missing(self, question: dict, lang: str) -> dict:
        """A question still open, for « Ce qui manque, et où le trouver »: its
        short name, a link text naming it, and where a reader finds the answer
        (``where``), with its sources and their confidence."""
        short = render_text(self.rules, question.get("short", question["label"]), lang)
        where = question.get("where", {})
        return {
            "question": question["id"],
            "label": short,
            "answer": words.text(lang, "result.answer", question=short),
            "where": (
                render_text(self.rules, where["text"], lang)
                if where
                else words.text(lang, "result.no_where")
            ),
            "sources": [
                self._source_label(self._sources[i], lang) for i in where.get("sources", ())
            ],
            "confidence": (
                words.text(
                    lang, "result.where_confidence", level=words.text(lang, f"levels.{level}")
                )
                if (level := where.get("confidence"))
                else ""
            ),
        }

    def _warnings(self, lang: str) -> list:
        """Answers above a bound a source gives (``plausible``): a warning the
        reader can confirm, never an error."""
        shown = []
        for question in self.rules["questions"]:
            bound = question.get("plausible")
            value = self._answers.get(question["id"])
            if bound and value is not None and value > quantity_value(self.rules, bound["max"]):
                text = render_text(self.rules, bound["text"], lang)
                shown.append({"question": question["id"], "text": text})
        return shown

    def _rules_line(self, lang: str) -> str:
        return rules_line(self.rules, lang)

    def _confidence_line(self, level, basis: list, lang: str) -> str:
        """« Fiabilité de ce résultat : moyenne — elle repose sur : … »."""
        if level is None:
            return ""
        key = "result.confidence_line_low" if level == "low" else "result.confidence_line"
        return words.text(
            lang,
            key,
            level=words.text(lang, f"levels.{level}"),
            basis=words.entry(lang, "format.list").join(
                self._basis_text(node, lang) for node in basis
            ),
        )

    def _basis_text(self, node, lang: str) -> str:
        """What a confidence rests on: a criterion (its title), a comparison
        (the rules' words for it), or the amount (its ``basis``)."""
        rules = self.rules
        if any(node is reading for reading in rules.get("readings", ())):
            return render_text(rules, node["title"], lang)
        if node is rules["amount"]:
            amount = rules["amount"]
            said = amount.get("basis") or amount.get("cited_for") or rules["name"]
            return render_text(rules, said, lang)
        for criterion in rules["criteria"]:
            if node is criterion["condition"]:
                title = render_text(rules, criterion["title"], lang)
                return words.text(lang, "result.named", title=title)
        if "answer" in node:
            value = (
                rules["parameters"][node["param"]]["value"] if "param" in node else node["value"]
            )
            comparison = {"question": node["answer"], "op": node["op"], "value": value}
            return condition_text(rules, comparison, lang)
        owner = next(
            c for c in rules["criteria"] if any(n is node for _, n in walk(c["condition"]))
        )
        return render_text(rules, owner["title"], lang)

    def _display_errors(self, errors: list, lang: str) -> dict:
        questions = {q["id"]: q for q in self.rules["questions"]}
        shown = []
        for problem in errors:
            question = questions.get(problem["question"])
            code = problem["code"]
            text = problem["message"].get(lang, "")
            if question is not None and words.has(lang, f"field_errors.{code}"):
                text = words.text(
                    lang, f"field_errors.{code}", min=question.get("min"), max=question.get("max")
                )
            if question is not None:
                # Both number fields can say "enter a number": each names its question.
                short = render_text(self.rules, question.get("short", question["label"]), lang)
                text = words.text(lang, "result.error_for", question=short, message=text)
            shown.append({"question": problem["question"], "text": text})
        return {
            "verdict": "",
            "hint": "",
            "amount": "",
            "amount_value": "",
            "announcement": "",
            "criteria": [],
            "missing": [],
            "rules": "",
            "disclaimer": "",
            "notice": "",
            "confidence": "",
            "reading": "",
            "warnings": [],
            "errors": shown,
        }

    def _source_label(self, source: dict, lang: str) -> dict:
        return {
            "id": source["id"],
            "label": source_name(source, lang),
            "title": source["title"],
            "url": source["url"],
        }


def _source(source: dict) -> dict:
    return {k: source.get(k) for k in ("id", "outlet", "title", "date", "url")}


def rules_line(rules: dict, lang: str) -> str:
    """When the rules were last checked, and against what: the result's last
    line, and the criteria page's (sitebuild/pages.py)."""
    checked = format_date(rules["checked_on"], lang)
    if "checked_against" not in rules:
        return words.text(
            lang, "result.rules_line_plain", version=rules["version"], checked_on=checked
        )
    against = render_text(rules, rules["checked_against"], lang)
    return words.text(
        lang, "result.rules_line", version=rules["version"], checked_on=checked, against=against
    )


def evaluate(rules: dict, answers, lang: str = "fr") -> dict:
    """Evaluate ``answers`` against ``rules``; see the README for the result."""
    try:
        engine = Engine(rules)
    except Exception as exc:
        langs = _message_langs(rules)
        return {
            "rules": {k: rules.get(k) for k in ("id", "version", "checked_on")}
            if isinstance(rules, dict)
            else {},
            "lang": lang,
            "verdict": None,
            "amount": None,
            "amount_options": [],
            "currency": None,
            "criteria": [],
            "missing": [],
            "errors": [error(langs, None, "invalid_rules", value=_shown(exc))],
            "eligible_if": [],
            "would_change": [],
            "confidence": None,
            "readings": [],
            "display": None,
        }
    return engine.evaluate(answers, lang)
