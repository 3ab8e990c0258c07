"""Three-valued evaluation of a rule set against (possibly partial) answers.

Pure standard library, no I/O: the very same file runs in CPython (tests,
command line, site build) and in Pyodide (the self-check widget).

A rule set is the plain, JSON-able dict that ``selfcheck.rules`` produces from
a YAML file (and that the site ships to the browser as JSON). ``evaluate``
never raises: invalid answers come back as structured errors.

Truth values are ``True``, ``False`` and ``None`` (unknown), combined with
Kleene's strong three-valued logic.
"""

from __future__ import annotations

import itertools
import math
import re

VERDICTS = ("eligible", "ineligible", "undetermined")
STATUSES = {True: "met", False: "unmet", None: "unknown"}
OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in")
ORDERED_OPERATORS = ("lt", "le", "gt", "ge")

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


# ---------------------------------------------------------------------------
# Conditions


def _compare(op: str, actual, expected) -> bool:
    if op == "eq":
        return actual == expected
    if op == "ne":
        return actual != expected
    if op == "in":
        return actual in expected
    if op == "lt":
        return actual < expected
    if op == "le":
        return actual <= expected
    if op == "gt":
        return actual > expected
    if op == "ge":
        return actual >= expected
    raise ValueError(f"unknown operator {op!r}")


def condition_value(rules: dict, node: dict):
    """The constant a comparison node compares with (a literal or a parameter)."""
    if "param" in node:
        return rules["parameters"][node["param"]]["value"]
    return node["value"]


def evaluate_condition(rules: dict, node: dict, answers: dict, trace=None):
    """Kleene evaluation of a condition tree: True, False or None (unknown).

    ``trace``, when given, is a dict receiving ``id(node) -> set of values``
    for every node evaluated (used by the coverage test).
    """
    if "all" in node:
        values = [evaluate_condition(rules, child, answers, trace) for child in node["all"]]
        result = False if False in values else (None if None in values else True)
    elif "any" in node:
        values = [evaluate_condition(rules, child, answers, trace) for child in node["any"]]
        result = True if True in values else (None if None in values else False)
    elif "not" in node:
        inner = evaluate_condition(rules, node["not"], answers, trace)
        result = None if inner is None else not inner
    else:
        actual = answers.get(node["answer"])
        if actual is None:
            result = None
        else:
            result = _compare(node["op"], actual, condition_value(rules, node))
    if trace is not None:
        trace.setdefault(id(node), set()).add(result)
    return result


def iter_conditions(rules: dict):
    """Every (path, node) of every condition tree of the rule set, root first."""

    def walk(path, node):
        yield path, node
        for key in ("all", "any"):
            for index, child in enumerate(node.get(key, ())):
                yield from walk(f"{path}.{key}[{index}]", child)
        if "not" in node:
            yield from walk(f"{path}.not", node["not"])

    for index, criterion in enumerate(rules["criteria"]):
        yield from walk(f"criteria[{index}].condition", criterion["condition"])
    for index, tier in enumerate(rules["amount"].get("tiers", ())):
        yield from walk(f"amount.tiers[{index}].condition", tier["condition"])


# ---------------------------------------------------------------------------
# Formatting (numbers and texts in the reader's language)


def format_number(value, lang: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    if lang == "fr":
        # narrow no-break space between thousands, decimal comma
        return text.replace(",", "\u202f").replace(".", ",")
    return text


def format_quantity(value, unit: str | None, lang: str) -> str:
    if unit == "EUR":
        number = format_number(value, lang)
        return f"{number}\u00a0€" if lang == "fr" else f"€{number}"
    if unit in ("date", "year") or isinstance(value, str):
        return str(value)
    return format_number(value, lang)


def parameter_texts(rules: dict, lang: str) -> dict:
    return {
        name: format_quantity(param["value"], param.get("unit"), lang)
        for name, param in rules.get("parameters", {}).items()
    }


def render_text(rules: dict, text: dict, lang: str) -> str:
    values = parameter_texts(rules, lang)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text[lang])


# ---------------------------------------------------------------------------
# Answers


def _message(fr: str, en: str) -> dict:
    return {"fr": fr, "en": en}


def _error(question, code: str, fr: str, en: str) -> dict:
    return {"question": question, "code": code, "message": _message(fr, en)}


def validate_answers(rules: dict, answers) -> tuple[dict, list]:
    """Check answers against the questions.

    Returns ``(clean, errors)``: ``clean`` maps each answered key to its
    value; ``None`` values count as unanswered. One error per faulty field.
    """
    if not isinstance(answers, dict):
        return {}, [
            _error(
                None,
                "not_a_mapping",
                "Les réponses doivent être un objet clé → valeur.",
                "Answers must be a key → value mapping.",
            )
        ]
    questions = {q["id"]: q for q in rules["questions"]}
    clean, errors = {}, []
    for key, value in answers.items():
        question = questions.get(key)
        if question is None:
            known = ", ".join(questions)
            errors.append(
                _error(
                    key if isinstance(key, str) else repr(key),
                    "unknown_question",
                    f"Question inconnue « {key} » (questions connues : {known}).",
                    f"Unknown question '{key}' (known questions: {known}).",
                )
            )
            continue
        if value is None:
            continue
        error = _check_value(question, value)
        if error:
            errors.append(error)
        else:
            clean[key] = float(value) if question["type"] == "number" else value
            if question["type"] == "integer":
                clean[key] = int(value)
    return clean, errors


def _check_value(question: dict, value):
    key, kind = question["id"], question["type"]
    if kind == "boolean":
        if not isinstance(value, bool):
            return _error(
                key,
                "not_a_boolean",
                f"« {key} » attend true ou false (reçu : {value!r}).",
                f"'{key}' expects true or false (got {value!r}).",
            )
        return None
    if kind == "choice":
        options = [o["value"] for o in question["options"]]
        if value not in options or not isinstance(value, str):
            listed = ", ".join(options)
            return _error(
                key,
                "unknown_option",
                f"« {key} » attend l'une des valeurs {listed} (reçu : {value!r}).",
                f"'{key}' expects one of {listed} (got {value!r}).",
            )
        return None
    # integer and number
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _error(
            key,
            "not_a_number",
            f"« {key} » attend un nombre (reçu : {value!r}).",
            f"'{key}' expects a number (got {value!r}).",
        )
    if not math.isfinite(_as_float(value)):
        return _error(
            key,
            "not_finite",
            f"« {key} » attend un nombre fini (reçu : {value!r}).",
            f"'{key}' expects a finite number (got {value!r}).",
        )
    if kind == "integer" and isinstance(value, float) and not value.is_integer():
        return _error(
            key,
            "not_an_integer",
            f"« {key} » attend un nombre entier (reçu : {value!r}).",
            f"'{key}' expects a whole number (got {value!r}).",
        )
    low, high = question.get("min"), question.get("max")
    if low is not None and value < low:
        code = "negative" if low == 0 else "below_minimum"
        return _error(
            key,
            code,
            f"« {key} » doit être supérieur ou égal à {low} (reçu : {value!r}).",
            f"'{key}' must be at least {low} (got {value!r}).",
        )
    if high is not None and value > high:
        return _error(
            key,
            "above_maximum",
            f"« {key} » doit être inférieur ou égal à {high} (reçu : {value!r}).",
            f"'{key}' must be at most {high} (got {value!r}).",
        )
    return None


def _as_float(value) -> float:
    try:
        return float(value)
    except OverflowError:  # an int too large for a float
        return math.inf


# ---------------------------------------------------------------------------
# Completions: which values an unanswered question can take, up to what the
# conditions can tell apart.


def representatives(rules: dict, question: dict) -> list:
    """One value of each class of answers the rule set's comparisons tell apart.

    Conditions only compare an answer with constants, so the answers to a
    question fall into finitely many classes that every condition treats
    alike. Returns one representative per class, in a stable order.
    """
    key, kind = question["id"], question["type"]
    atoms = [node for _, node in iter_conditions(rules) if node.get("answer") == key]
    if kind == "boolean":
        candidates = [True, False]
    elif kind == "choice":
        candidates = [o["value"] for o in question["options"]]
    else:
        candidates = _numeric_candidates(rules, question, atoms)
    seen, result = set(), []
    for value in candidates:
        signature = tuple(_compare(a["op"], value, condition_value(rules, a)) for a in atoms)
        if signature not in seen:
            seen.add(signature)
            result.append(value)
    return result


def _numeric_candidates(rules: dict, question: dict, atoms: list) -> list:
    """Each constant compared with, and one value inside each open interval
    between consecutive constants (and beyond both ends), within the bounds."""
    low, high = question.get("min"), question.get("max")
    integer = question["type"] == "integer"
    points = set()
    for atom in atoms:
        constant = condition_value(rules, atom)
        for c in constant if isinstance(constant, list) else [constant]:
            if isinstance(c, (int, float)) and not isinstance(c, bool):
                points.add(c)
    ordered = sorted(points)
    candidates = list(ordered)
    edges = [None, *ordered, None]
    for left, right in itertools.pairwise(edges):
        value = _inside(left, right, integer)
        if value is not None:
            candidates.append(value)
    if low is not None:
        candidates.append(low)
    if high is not None:
        candidates.append(high)
    return [v for v in candidates if (low is None or v >= low) and (high is None or v <= high)]


def _inside(left, right, integer: bool):
    """A number strictly between left and right (None: unbounded), or None."""
    if left is None and right is None:
        return 0
    if left is None:
        value = math.ceil(right) - 1 if integer else right - 1
    elif right is None:
        value = math.floor(left) + 1 if integer else left + 1
    elif integer:
        value = math.floor(left) + 1
    else:
        value = (left + right) / 2
    inside = (left is None or value > left) and (right is None or value < right)
    return value if inside else None


def _settled_outcome(rules: dict, answers: dict):
    """(criterion values, amount) for a complete set of answers; the amount is
    None when some criterion is not met."""
    values = tuple(evaluate_condition(rules, c["condition"], answers) for c in rules["criteria"])
    amount = _amount_options(rules, answers)[0] if all(values) else None
    return values, amount


def _amount_options(rules: dict, answers: dict) -> list:
    """Amounts still possible given the answers, assuming eligibility."""
    options = []
    for tier in rules["amount"].get("tiers", ()):
        value = evaluate_condition(rules, tier["condition"], answers)
        if value is True:
            options.append(condition_value(rules, tier["amount"]))
            return _dedup(options)
        if value is None:
            options.append(condition_value(rules, tier["amount"]))
    options.append(condition_value(rules, rules["amount"]["base"]))
    return _dedup(options)


def _dedup(values: list) -> list:
    result = []
    for v in values:
        if v not in result:
            result.append(v)
    return result


# ---------------------------------------------------------------------------
# Evaluation


class Engine:
    """A rule set ready to evaluate answers; keeps per-question classes."""

    def __init__(self, rules: dict):
        self.rules = rules
        self.questions = rules["questions"]
        self._classes = {q["id"]: representatives(rules, q) for q in self.questions}

    def evaluate(self, answers, lang: str = "fr") -> dict:
        try:
            return self._evaluate(answers, lang)
        except Exception as exc:  # never let an exception escape to the caller
            return self._failure(
                lang,
                [
                    _error(
                        None,
                        "internal_error",
                        f"Erreur interne du moteur : {exc!r}",
                        f"Internal engine error: {exc!r}",
                    )
                ],
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
        result = self._header(lang if lang in ("fr", "en") else "fr")
        result.update(
            verdict=None,
            amount=None,
            amount_options=[],
            currency=self.rules["amount"]["currency"],
            criteria=[],
            missing=[],
            errors=errors,
        )
        return result

    def _evaluate(self, answers, lang: str) -> dict:
        rules = self.rules
        if lang not in rules.get("languages", ("fr", "en")):
            return self._failure(
                "fr",
                [
                    _error(
                        None,
                        "unknown_language",
                        f"Langue inconnue {lang!r} (fr ou en).",
                        f"Unknown language {lang!r} (fr or en).",
                    )
                ],
            )
        clean, errors = validate_answers(rules, answers)
        if errors:
            return self._failure(lang, errors)

        # Kleene's logic settles what the answers settle on their own; trying
        # every class of the open questions settles the rest (a question that
        # appears twice in a condition can make Kleene answer "unknown" where
        # every completion agrees).
        open_keys = [q["id"] for q in self.questions if q["id"] not in clean]
        outcomes = self._outcomes(clean, open_keys)
        sources = {s["id"]: s for s in rules["sources"]}
        criteria = []
        for index, criterion in enumerate(rules["criteria"]):
            value = evaluate_condition(rules, criterion["condition"], clean)
            if value is None:
                seen = {values[index] for values, _ in outcomes.values()}
                value = seen.pop() if len(seen) == 1 else None
            status = STATUSES[value]
            criteria.append(
                {
                    "id": criterion["id"],
                    "title": render_text(rules, criterion["title"], lang),
                    "status": status,
                    "reason": render_text(rules, criterion["text"][status], lang),
                    "confidence": criterion["confidence"],
                    "sources": [_source(sources[s]) for s in criterion["sources"]],
                }
            )
        amounts = [amount for _, amount in outcomes.values()]
        if None not in amounts:
            verdict = "eligible"
        elif any(a is not None for a in amounts):
            verdict = "undetermined"
        else:
            verdict = "ineligible"
        amount_options = sorted({a for a in amounts if a is not None})
        amount = amount_options[0] if verdict == "eligible" and len(amount_options) == 1 else None

        result = self._header(lang)
        result.update(
            verdict=verdict,
            amount=amount,
            amount_options=amount_options,
            currency=rules["amount"]["currency"],
            criteria=criteria,
            missing=_missing(open_keys, {k: a for k, (_, a) in outcomes.items()}),
            errors=[],
        )
        return result

    def _outcomes(self, answers: dict, open_keys: list) -> dict:
        """Outcome of every completion of the answers, keyed by the values given
        to the unanswered questions (one representative per class)."""
        outcomes = {}
        for combo in itertools.product(*(self._classes[k] for k in open_keys)):
            complete = dict(answers)
            complete.update(zip(open_keys, combo, strict=True))
            outcomes[combo] = _settled_outcome(self.rules, complete)
        return outcomes


def _missing(open_keys: list, outcomes: dict) -> list:
    """Unanswered questions whose value changes the outcome (the amount, None
    when ineligible) for some values of the other unanswered questions, in
    asking order."""
    missing = []
    for index, key in enumerate(open_keys):
        seen = {}
        for combo, outcome in outcomes.items():
            rest = combo[:index] + combo[index + 1 :]
            if seen.setdefault(rest, outcome) != outcome:
                missing.append(key)
                break
    return missing


def _source(source: dict) -> dict:
    return {k: source[k] for k in ("id", "outlet", "title", "date", "url")}


def evaluate(rules: dict, answers, lang: str = "fr") -> dict:
    """Evaluate ``answers`` against ``rules``; see the README for the result."""
    try:
        engine = Engine(rules)
    except Exception as exc:
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
            "errors": [
                _error(
                    None,
                    "invalid_rules",
                    f"Règles inutilisables : {exc!r}",
                    f"Unusable rules: {exc!r}",
                )
            ],
        }
    return engine.evaluate(answers, lang)
