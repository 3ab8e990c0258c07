"""Synthetic rule sets of any size, for the engine's cost curve (and tests).

``synthetic_rules(n)`` builds a valid rule set with ``n`` questions: booleans,
whole numbers and amounts in turn, in criteria of two to three questions
(``all`` / ``any`` / ``not``), one criterion in three reaching into the next
group of questions (so that groups of five or six questions share
conditions), and two amount tiers on numbers of different groups. Nothing in
it refers to a real fund.
"""

from __future__ import annotations

KINDS = ("boolean", "integer", "number")


def _text(words: str) -> dict:
    return {"fr": words, "en": words}


def _question(index: int) -> dict:
    kind = KINDS[index % len(KINDS)]
    question = {"id": f"q{index}", "type": kind, "label": _text(f"Question {index}?")}
    if kind != "boolean":
        question["min"] = 0
    if kind == "number":
        question["unit"] = "EUR"
    return question


def _leaf(question: dict, step: int) -> dict:
    if question["type"] == "boolean":
        return {"answer": question["id"], "op": "eq", "value": step % 2 == 0}
    if question["type"] == "integer":
        return {"answer": question["id"], "op": "ge", "value": 5 + step % 7}
    return {"answer": question["id"], "op": "le", "value": 1000 * (1 + step % 5)}


def _criterion(index: int, questions: list, extra: dict | None) -> dict:
    leaves = [_leaf(q, index + i) for i, q in enumerate(questions)]
    if len(leaves) == 1:
        condition = leaves[0]
    elif index % 3 == 0:
        condition = {"all": [leaves[0], {"any": leaves[1:]}]}
    elif index % 3 == 1:
        condition = {"any": [leaves[0], {"all": leaves[1:]}]}
    else:
        condition = (
            {"all": [{"not": {"all": leaves[:2]}}, *leaves[2:]]}
            if len(leaves) > 2
            else {"any": leaves}
        )
    if extra is not None:
        condition = {"any": [condition, _leaf(extra, index)]}
    return {
        "id": f"c{index}",
        "title": _text(f"Condition {index}"),
        "condition": condition,
        "text": {"met": _text("met"), "unmet": _text("unmet"), "unknown": _text("unknown")},
        "sources": ["s"],
        "confidence": ("high", "medium", "low")[index % 3],
        "note": _text("synthetic"),
    }


def synthetic_rules(n: int) -> dict:
    questions = [_question(i) for i in range(n)]
    chunks = [questions[i : i + 3] for i in range(0, n, 3)]
    criteria = []
    for index, chunk in enumerate(chunks):
        following = chunks[index + 1][0] if index % 3 == 0 and index + 1 < len(chunks) else None
        criteria.append(_criterion(index, chunk, following))
    numbers = [q for q in questions if q["type"] == "number"]
    tiers = [
        {"amount": 900, "condition": _leaf(numbers[0], 0)} if numbers else None,
        {"amount": 700, "condition": _leaf(numbers[-1], 1)} if len(numbers) > 1 else None,
    ]
    return {
        "id": f"synthetic-{n}",
        "version": "0.0.0",
        "checked_on": "2026-01-01",
        "languages": ["fr", "en"],
        "name": _text(f"Synthetic rules, {n} questions"),
        "sources": [
            {
                "id": "s",
                "title": "t",
                "outlet": "o",
                "date": "2026-01",
                "url": "https://example.org",
            }
        ],
        "parameters": {},
        "questions": questions,
        "criteria": criteria,
        "amount": {
            "currency": "EUR",
            "base": 500,
            "tiers": [t for t in tiers if t],
            "sources": ["s"],
            "confidence": "high",
        },
        "result": {
            "verdicts": {k: _text(k) for k in ("eligible", "ineligible", "undetermined")},
            "disclaimer": _text("synthetic"),
        },
    }
