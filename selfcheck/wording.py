"""Every text of a result: the words a person reads, written from the data.

The engine (``engine.py``) decides; this module only says. It writes the
criteria's titles and reasons, the explanations' sentences and the whole
``display`` object of the JSON contract (selfcheck/README.md) from an ``Evaluation``
(``outcome.py``), the rules' texts and the word catalogues
(``selfcheck/locales/``). Standard library only (runs in Pyodide).
"""

from __future__ import annotations

from typing import Any

from . import words
from .analysis import Structure
from .conditions import walk
from .explain import describe
from .formatting import format_date, format_money, join_or, render_text, source_name
from .outcome import Evaluation, source_data
from .phrasing import condition_text
from .ruleset import Question, Rules, Source, Text, questions_by_id, sources_by_id


def display_shape(**given: Any) -> dict[str, Any]:
    """The ``display`` object in the contract's order; what is not given is
    empty (an error's display says its errors and nothing else)."""
    shape: dict[str, Any] = {
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
        "errors": [],
    }
    unknown = given.keys() - shape.keys()
    if unknown:
        raise KeyError(f"not in a display: {sorted(unknown)}")
    shape.update(given)
    return shape


def rules_line(rules: Rules, lang: str) -> str:
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


class Wording:
    """The words of one rule set's results (its phrases worked out once)."""

    def __init__(self, rules: Rules, structure: Structure):
        self.rules = rules
        self.structure = structure
        self._phrases: dict[tuple[str, frozenset[Any], str], str] = {}
        self._sources = sources_by_id(rules)
        self._questions = questions_by_id(rules)

    # -- the result's own texts ---------------------------------------------

    def criteria(self, evaluation: Evaluation, lang: str) -> list[dict[str, Any]]:
        """Each criterion with its status, in words where the contract has words."""
        rules = self.rules
        return [
            {
                "id": criterion["id"],
                "title": render_text(rules, criterion["title"], lang),
                "status": status,
                "reason": render_text(rules, criterion["text"][status], lang),
                "confidence": criterion["confidence"],
                "sources": [source_data(self._sources[s]) for s in criterion["sources"]],
            }
            for criterion, status in zip(rules["criteria"], evaluation.statuses, strict=True)
        ]

    def items(self, items: list[frozenset[Any]], kind: str, lang: str) -> list[dict[str, Any]]:
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

    def _phrase(self, key: str, classes: frozenset[Any], lang: str) -> str:
        """A set of answers to one question, in words (worked out once)."""
        memo = (key, classes, lang)
        if memo not in self._phrases:
            comparison = describe(self.structure, key, classes)
            nodes = self.structure.comparisons(key)
            self._phrases[memo] = condition_text(self.rules, comparison, lang, nodes)
        return self._phrases[memo]

    def _tense(self) -> str:
        """How results speak of the fund: in the conditional past once it is
        closed (``status.state`` of the rules)."""
        return "closed" if self.rules.get("status", {}).get("state") == "closed" else "open"

    # -- display ------------------------------------------------------------

    def amount_text(self, options: list[Any], lang: str) -> str:
        """``300 €``; ``200 € ou 300 € selon vos ressources`` while still open;
        the catalogue's "none" when no amount is possible."""
        if not options:
            return words.text(lang, "result.amount_none")
        currency = self.rules["amount"]["currency"]
        texts = [format_money(a, currency, lang) for a in options]
        if len(texts) == 1:
            return texts[0]
        pending = self.rules["amount"].get("pending")
        depends = (
            render_text(self.rules, pending, lang)
            if pending
            else words.text(lang, "result.amount_depends")
        )
        return f"{join_or(texts, lang)} {depends}"

    def display(
        self, evaluation: Evaluation, criteria: list[dict[str, Any]], lang: str
    ) -> dict[str, Any]:
        """What the page shows for valid answers (``criteria``: the result's)."""
        rules, verdict = self.rules, evaluation.verdict
        amount = ""
        if verdict != "ineligible" and evaluation.amount_options:
            line = "result.amount_line" if verdict == "eligible" else "result.amount_possible"
            amount = words.text(
                lang, line, amount=self.amount_text(evaluation.amount_options, lang)
            )
        # a result resting on a point of low confidence says « peut-être »
        low = rules["result"].get("verdicts_low", {}) if evaluation.confidence == "low" else {}
        said_as = low.get(verdict) or rules["result"]["verdicts"][verdict]
        headline = render_text(rules, said_as, lang)
        # What the live region says once the answers settle: the verdict, and
        # the amount, or the conditions that were not met.
        said = [headline, amount]
        unmet = [
            words.text(lang, "result.named", title=c["title"])
            for c in criteria
            if c["status"] == "unmet"
        ]
        if verdict == "ineligible" and unmet:
            key = "result.failed" if len(unmet) == 1 else "result.failed_many"
            listed = words.entry(lang, "format.list").join(unmet)
            said.append(words.text(lang, key, conditions=listed))
        shown = []
        for criterion, sure in zip(criteria, evaluation.levels, strict=True):
            moot = verdict == "ineligible" and criterion["status"] == "unknown"
            level = words.text(lang, f"levels.{sure}")
            shown.append(
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
        return display_shape(
            verdict=headline,
            hint=self._hint(verdict, lang),
            amount=amount,
            amount_value=self.amount_text(evaluation.amount_options, lang),
            announcement=" ".join(t for t in said if t),
            criteria=shown,
            missing=[self._missing(self._questions[k], lang) for k in evaluation.missing],
            rules=rules_line(rules, lang),
            disclaimer=render_text(rules, rules["result"]["disclaimer"], lang),
            notice=self._notice(lang),
            confidence=self._confidence_line(evaluation.confidence, evaluation.basis, lang),
            reading=self._reading_sentences(evaluation, lang),
            warnings=[
                {"question": key, "text": render_text(rules, self._plausible(key), lang)}
                for key in evaluation.warnings
            ],
        )

    def _plausible(self, key: str) -> Text:
        """Why an answer above its question's plausible bound deserves a look."""
        return self._questions[key]["plausible"]["text"]

    def display_errors(self, errors: list[dict[str, Any]], lang: str) -> dict[str, Any]:
        """What the page shows for answers it cannot take: one text per error,
        naming its question."""
        shown = []
        for problem in errors:
            question = self._questions.get(problem["question"])
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
        return display_shape(errors=shown)

    def _hint(self, verdict: str, lang: str) -> str:
        """The hint under the verdict; in the past once the fund is closed, where
        the catalogue has a past form for that verdict."""
        past = f"result.hints_closed.{verdict}"
        if self._tense() == "closed" and words.has(lang, past):
            return words.text(lang, past)
        return words.text(lang, f"result.hints.{verdict}")

    def _reading_sentences(self, evaluation: Evaluation, lang: str) -> str:
        """What each other reading would have answered, and why it is not the
        one adopted: one sentence each, for the readings that differ."""
        verdict = evaluation.verdict
        if verdict == "undetermined":
            return ""
        declared = {r["id"]: r for r in self.rules.get("readings", ())}
        said = []
        for reading in evaluation.readings:
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

    def _notice(self, lang: str) -> str:
        """The fund's status today, as every page shows it (``status.notice``)."""
        notice = self.rules.get("status", {}).get("notice")
        return render_text(self.rules, notice, lang) if notice else ""

    def _missing(self, question: Question, lang: str) -> dict[str, Any]:
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

    def _confidence_line(self, level: str | None, basis: list[Any], lang: str) -> str:
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

    def _basis_text(self, node: dict[str, Any], lang: str) -> str:
        """What a confidence rests on: a reading (its title), a criterion (its
        title), a comparison (the rules' words for it), or the amount (its
        ``basis``)."""
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

    def _source_label(self, source: Source, lang: str) -> dict[str, Any]:
        return {
            "id": source["id"],
            "label": source_name(source, lang),
            "title": source["title"],
            "url": source["url"],
        }
