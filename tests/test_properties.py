"""Property tests of the engine against brute force (tests/support/oracle.py).

On the real rules, the imaginary fund and random small rule sets (drawn by
hypothesis), for random partial answers, the engine's verdict, amounts,
criterion statuses and ``missing`` must equal what trying every completion
over hand-chosen values gives. The oracle never calls the engine; the answer
strategies are derived from each rule set's questions.
"""

from __future__ import annotations

import math

import pytest
from contract import RESULT_KEYS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import oracle
from support.paths import IMAGINARY_RULES

from selfcheck import loader
from selfcheck.engine import VERDICTS, Engine

PROPERTIES = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module", params=["real", "imaginary"])
def rules(request, ruleset):
    if request.param == "real":
        return ruleset
    return loader.load(IMAGINARY_RULES)


def domains(rules: dict) -> dict:
    return {q["id"]: oracle.domain(rules, q) for q in rules["questions"]}


def valid_value(rules: dict, question: dict):
    kind, low, high = question["type"], question.get("min"), question.get("max")
    picked = st.sampled_from(oracle.domain(rules, question))
    if kind == "boolean":
        return st.booleans()
    if kind == "choice":
        return picked
    if kind == "integer":
        whole = st.integers(min_value=low, max_value=high)
        return st.one_of(picked, whole, whole.map(float))
    return st.one_of(
        picked,
        st.floats(min_value=low, max_value=high if high is not None else 1e7, allow_nan=False),
    )


def invalid_value(question: dict):
    kind, low = question["type"], question.get("min")
    if kind == "boolean":
        return st.sampled_from(["oui", "true", 0, 1, "", [True], {}])
    if kind == "choice":
        first = question["options"][0]["value"]
        return st.sampled_from(["", first.upper(), 0, True, 1.5, [first]])
    values = ["12", "douze", True, math.nan, math.inf, -math.inf, [12], {}]
    if low is not None:
        values.append(low - 1)
    if kind == "integer":
        values.append(12.5)
    return st.sampled_from(values)


def partial_answers(rules: dict, invalid: bool = False):
    optional = {}
    for q in rules["questions"]:
        choices = [st.none(), valid_value(rules, q)]
        if invalid:
            choices.append(invalid_value(q))
        optional[q["id"]] = st.one_of(*choices)
    if invalid:
        optional["unknown_key"] = st.integers()
    return st.fixed_dictionaries({}, optional=optional)


def check_against_brute_force(engine: Engine, rules: dict, answers: dict) -> None:
    result = engine.evaluate(answers, rules["languages"][0])
    assert result["errors"] == []
    want = oracle.expected(rules, answers, domains(rules))
    assert result["verdict"] == want["verdict"]
    assert result["amount_options"] == want["amount_options"]
    assert result["amount"] == want["amount"]
    assert {c["id"]: c["status"] for c in result["criteria"]} == want["criteria"]
    assert result["missing"] == want["missing"]
    assert {r["id"]: r["verdict"] for r in result["readings"]} == want["readings"]


# ---------------------------------------------------------------------------
# The real and the imaginary rules


@PROPERTIES
@given(data=st.data())
def test_engine_equals_brute_force(rules, data):
    answers = data.draw(partial_answers(rules))
    check_against_brute_force(Engine(rules), rules, answers)


@PROPERTIES
@given(data=st.data(), lang=st.sampled_from(["fr", "en"]))
def test_never_raises_and_always_documented_keys(rules, data, lang):
    answers = data.draw(
        st.one_of(
            partial_answers(rules, invalid=True),
            st.one_of(st.none(), st.text(max_size=5), st.integers(), st.lists(st.integers())),
        )
    )
    result = Engine(rules).evaluate(answers, lang)
    assert set(result) == RESULT_KEYS
    assert result["lang"] == lang
    if result["errors"]:
        assert result["verdict"] is None
        assert result["criteria"] == [] and result["missing"] == []
        assert result["amount"] is None and result["amount_options"] == []
        assert all(e["code"] != "internal_error" for e in result["errors"])
        assert {e["question"] for e in result["display"]["errors"]} == {
            e["question"] for e in result["errors"]
        }
    else:
        assert result["verdict"] in VERDICTS
        assert len(result["criteria"]) == len(rules["criteria"])
        keys = [q["id"] for q in rules["questions"]]
        assert result["missing"] == [k for k in keys if k in result["missing"]]


@PROPERTIES
@given(data=st.data())
def test_adding_an_answer_never_flips_what_is_settled(rules, data):
    answers = data.draw(partial_answers(rules))
    open_keys = [q for q in rules["questions"] if answers.get(q["id"]) is None]
    if not open_keys:
        return
    question = data.draw(st.sampled_from(open_keys))
    extended = {**answers, question["id"]: data.draw(valid_value(rules, question))}
    engine = Engine(rules)
    before, after = engine.evaluate(answers, "fr"), engine.evaluate(extended, "fr")
    if before["verdict"] != "undetermined":
        assert after["verdict"] == before["verdict"]
    if before["amount"] is not None:
        assert after["amount"] == before["amount"]
    if after["verdict"] != "ineligible":
        assert set(after["amount_options"]) <= set(before["amount_options"])
    if question["id"] not in before["missing"]:
        assert (after["verdict"], after["amount"], after["amount_options"]) == (
            before["verdict"],
            before["amount"],
            before["amount_options"],
        ) or before["verdict"] == "undetermined"


# ---------------------------------------------------------------------------
# Random rule sets


def _leaf(questions: list):
    def comparison(question: dict):
        key, kind = question["id"], question["type"]
        if kind == "boolean":
            return st.builds(
                lambda op, v: {"answer": key, "op": op, "value": v},
                st.sampled_from(["eq", "ne"]),
                st.booleans(),
            )
        if kind == "choice":
            options = [o["value"] for o in question["options"]]
            single = st.builds(
                lambda op, v: {"answer": key, "op": op, "value": v},
                st.sampled_from(["eq", "ne"]),
                st.sampled_from(options),
            )
            several = st.lists(st.sampled_from(options), min_size=1, max_size=2, unique=True)
            return st.one_of(single, several.map(lambda v: {"answer": key, "op": "in", "value": v}))
        return st.builds(
            lambda op, v: {"answer": key, "op": op, "value": v},
            st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge"]),
            st.integers(min_value=0, max_value=6),
        )

    return st.sampled_from(questions).flatmap(comparison)


def _condition(questions: list):
    return st.recursive(
        _leaf(questions),
        lambda children: st.one_of(
            st.lists(children, min_size=1, max_size=3).map(lambda c: {"all": c}),
            st.lists(children, min_size=1, max_size=3).map(lambda c: {"any": c}),
            children.map(lambda c: {"not": c}),
        ),
        max_leaves=5,
    )


def _question(index: int, kind: str) -> dict:
    question = {"id": f"q{index}", "type": kind, "label": {"fr": "?", "en": "?"}}
    if kind == "choice":
        question["options"] = [{"value": v, "label": {"fr": v, "en": v}} for v in ("a", "b", "c")]
    if kind == "integer":
        question["min"] = 0
    return question


def _combination(ids: list):
    """A random reading: all / any over criterion ids, nested."""
    leaves = st.sampled_from(ids)
    return st.recursive(
        st.builds(
            lambda kind, items: {kind: items},
            st.sampled_from(["all", "any"]),
            st.lists(leaves, min_size=1, max_size=3),
        ),
        lambda inner: st.builds(
            lambda kind, items: {kind: items},
            st.sampled_from(["all", "any"]),
            st.lists(st.one_of(leaves, inner), min_size=1, max_size=3),
        ),
        max_leaves=5,
    )


@st.composite
def random_rules(draw, max_questions: int = 5) -> dict:
    kinds = draw(
        st.lists(
            st.sampled_from(["boolean", "choice", "integer"]), min_size=1, max_size=max_questions
        )
    )
    questions = [_question(i, kind) for i, kind in enumerate(kinds)]
    text = {"fr": "t", "en": "t"}
    criteria = [
        {
            "id": f"c{i}",
            "title": text,
            "condition": draw(_condition(questions)),
            "text": {"met": text, "unmet": text, "unknown": text},
            "sources": ["s"],
            "confidence": "high",
            "note": text,
        }
        for i in range(draw(st.integers(min_value=1, max_value=3)))
    ]
    ids = [c["id"] for c in criteria]
    readings = [
        {
            "id": "adopted",
            "adopted": True,
            "combine": {"all": ids},
            "title": text,
            "note": text,
            "sources": ["s"],
            "confidence": "medium",
        },
        {
            "id": "other",
            "combine": draw(_combination(ids)),
            "title": text,
            "note": text,
            "sources": ["s"],
            "confidence": "low",
        },
    ]
    tiers = [
        {"amount": draw(st.sampled_from([100, 200, 300])), "condition": draw(_condition(questions))}
        for _ in range(draw(st.integers(min_value=0, max_value=2)))
    ]
    return {
        "id": "random",
        "version": "0.0.0",
        "checked_on": "2026-01-01",
        "languages": ["fr", "en"],
        "name": text,
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
        "readings": readings,
        "amount": {
            "currency": "EUR",
            "base": draw(st.sampled_from([50, 100])),
            "tiers": tiers,
            "sources": ["s"],
            "confidence": "high",
        },
        "result": {
            "verdicts": {"eligible": text, "ineligible": text, "undetermined": text},
            "disclaimer": text,
        },
    }


@settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_rules_equal_brute_force(data):
    rules = data.draw(random_rules())
    answers = data.draw(partial_answers(rules))
    check_against_brute_force(Engine(rules), rules, answers)


# ---------------------------------------------------------------------------
# The benchmark's synthetic rule sets (benchmarks/synthetic.py)


@pytest.mark.parametrize("size", [4, 6])
@settings(max_examples=60, deadline=None, derandomize=True)
@given(data=st.data())
def test_synthetic_rules_equal_brute_force(size, data):
    from synthetic import synthetic_rules

    rules = synthetic_rules(size)
    answers = data.draw(partial_answers(rules))
    check_against_brute_force(Engine(rules), rules, answers)


def test_synthetic_rules_are_valid_rules(tmp_path):
    import yaml
    from synthetic import synthetic_rules

    for size in (4, 30, 40):
        path = tmp_path / f"synthetic-{size}.yaml"
        path.write_text(yaml.safe_dump(synthetic_rules(size)), encoding="utf-8")
        assert loader.load(path)["questions"][-1]["id"] == f"q{size - 1}"


# ---------------------------------------------------------------------------
# Explanations (eligible_if, would_change) against brute force


def _as_items(rules: dict, items: list, domains: dict) -> set:
    """Engine items as sets of (question, the domain values its comparison selects)."""
    return {
        frozenset(
            (c["question"], oracle.condition_values(c, domains[c["question"]]))
            for c in item["when"]
        )
        for item in items
    }


def check_explanations(rules: dict, answers: dict) -> None:
    result = Engine(rules).evaluate(answers, rules["languages"][0])
    domains_ = domains(rules)
    want = oracle.explanations(rules, answers, domains_)
    for kind in ("eligible_if", "would_change"):
        assert _as_items(rules, result[kind], domains_) == want[kind], kind
        for item in result[kind]:
            keys = [c["question"] for c in item["when"]]
            assert len(keys) == len(set(keys)), "a question named twice"
            order = [q["id"] for q in rules["questions"]]
            assert keys == sorted(keys, key=order.index)
            assert item["text"].strip()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(data=st.data())
def test_random_rules_explanations_equal_brute_force(data):
    rules = data.draw(random_rules(max_questions=3))
    answers = data.draw(partial_answers(rules))
    check_explanations(rules, answers)


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"statut": "autre", "jours_travailles": 5},
        {"jours_travailles": 5},
        {"statut": "technicien", "jours_travailles": 12, "droits_non_renouveles": True},
        {"statut": "technicien", "jours_travailles": 12, "droits_non_renouveles": True,
         "ressources": 20000},
        {"droits_non_renouveles": False, "droits_ouverts_2019": True},
        {"statut": "artiste", "droits_ouverts_2019": True, "ressources": 100},
    ],
)  # fmt: skip
def test_real_rules_explanations_equal_brute_force(ruleset, answers):
    check_explanations(ruleset, answers)


# ---------------------------------------------------------------------------
# Readings of how the criteria combine, over the whole answer grid


def test_readings_over_the_whole_answer_grid(ruleset):
    """Every answer set of the parity grid (tests/support/parity.py, the full
    product): each reading's verdict is brute force's; a settled verdict that
    another reading does not give is no surer than the adopted reading and says
    what the other would have answered; one that every reading gives keeps the
    reliability it has when the rules declare no reading."""
    import itertools

    from support.parity import grid_axes

    from selfcheck.explain import LEVELS

    axes = grid_axes(ruleset)
    doms = domains(ruleset)
    engine = Engine(ruleset)
    plain = Engine({k: v for k, v in ruleset.items() if k != "readings"})
    adopted = next(r for r in ruleset["readings"] if r.get("adopted"))
    capped = kept = 0
    for combo in itertools.product(*(values for _, values in axes)):
        answers = {key: v for (key, _), v in zip(axes, combo, strict=True) if v is not None}
        for lang in ruleset["languages"]:
            result = engine.evaluate(answers, lang)
            verdicts = {r["id"]: r["verdict"] for r in result["readings"]}
            if lang == ruleset["languages"][0]:
                assert verdicts == oracle.reading_verdicts(ruleset, answers, doms), answers
            assert verdicts[adopted["id"]] == result["verdict"]
            without = plain.evaluate(answers, lang)
            differs = result["verdict"] != "undetermined" and any(
                v != result["verdict"] for v in verdicts.values()
            )
            if differs:
                capped += 1
                assert LEVELS.index(result["confidence"]) <= LEVELS.index(adopted["confidence"])
                assert result["confidence"] == min(
                    without["confidence"], adopted["confidence"], key=LEVELS.index
                ), answers
                assert result["display"]["reading"], answers
            else:
                kept += 1
                assert result["confidence"] == without["confidence"], answers
                assert result["display"]["reading"] == "", answers
    assert capped and kept  # the grid holds both kinds
