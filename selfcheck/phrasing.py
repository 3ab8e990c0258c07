"""Conditions in words: one comparison as a reader reads it.

Used by the criteria page (sitebuild/pages.py) and by the result's
explanations (selfcheck/explain.py): « la réponse à « … ? » est au moins
12 », or the rules' own words for a comparison when they give them (``says``).
Standard library only.
"""

from __future__ import annotations

from typing import Any

from . import words
from .conditions import condition_value, walk
from .formatting import format_quantity, join_or, quote, render_text
from .ruleset import Comparison, Question, Rules


def value_words(rules: Rules, question: Question, value: Any, lang: str) -> str:
    """One value of a question's answer, in words."""
    if question["type"] == "boolean":
        return words.text(lang, "yes" if value else "no").lower()
    if question["type"] == "choice":
        option = next(o for o in question["options"] if o["value"] == value)
        return quote(render_text(rules, option["label"], lang), lang)
    return format_quantity(value, question.get("unit"), lang)


def comparison_parts(rules: Rules, condition: Comparison, lang: str) -> tuple[str, str]:
    """(« la réponse à « … ? » est au moins », « 12 ») for a comparison
    ``{"question", "op", "value"}`` (ops of the rules, and ``between`` with
    ``include``)."""
    question = next(q for q in rules["questions"] if q["id"] == condition["question"])
    label = quote(render_text(rules, question["label"], lang), lang)
    op, value = condition["op"], condition["value"]
    head = " ".join([words.text(lang, "pages.answer"), label])
    if op == "between":
        low, high = (value_words(rules, question, v, lang) for v in value)
        return head, words.text(lang, "pages.between", low=low, high=high)
    values = value if isinstance(value, list) else [value]
    shown = join_or([value_words(rules, question, v, lang) for v in values], lang)
    return f"{head} {words.text(lang, f'pages.ops.{op}')}", shown


def condition_text(
    rules: Rules, condition: Comparison, lang: str, nodes: list[Any] | None = None
) -> str:
    """A comparison in words: the rules' own (``says`` on the comparison node
    that compares the same way), else « la réponse à « … » est … ».
    ``nodes``: the comparison nodes to look in (default: all of the rules')."""
    if condition["op"] == "any":
        parts = condition["value"]
        return join_or([condition_text(rules, part, lang, nodes) for part in parts], lang)
    for node in comparison_nodes(rules) if nodes is None else nodes:
        same = (
            node["answer"] == condition["question"]
            and node["op"] == condition["op"]
            and condition_value(rules, node) == condition["value"]
        )
        if same and "says" in node:
            return render_text(rules, node["says"], lang)
    head, shown = comparison_parts(rules, condition, lang)
    return f"{head} {shown}"


def comparison_nodes(rules: Rules) -> list[Any]:
    """Every comparison node of the criteria and amount tiers."""
    roots = [c["condition"] for c in rules["criteria"]]
    roots += [t["condition"] for t in rules["amount"].get("tiers", ())]
    return [node for root in roots for _, node in walk(root) if "answer" in node]
