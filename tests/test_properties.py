"""Property tests of the engine over random (partial, sometimes invalid) answers.

The reference is an oracle written from the adopted reading
(shared/facts/eligibility.md), applied to complete answers only, and a
brute-force set of values per question chosen by hand, independent of the
engine's own classes (``representatives``).
"""

from __future__ import annotations

import itertools
import math

from contract import ANSWER_KEYS as ORDER
from contract import RESULT_KEYS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcheck.engine import VERDICTS, representatives

# Brute-force completion values, chosen by hand (not by the engine).
BRUTE = {
    "statut": ["artiste", "technicien", "autre"],
    "jours_travailles": [0, 11, 12, 13, 15000, 10**6],
    "droits_non_renouveles": [True, False],
    "droits_ouverts_2019": [True, False],
    "ressources": [0, 11, 12, 13, 14999.99, 15000, 15000.01, 10**6],
}

PROPERTIES = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


def oracle(answers: dict) -> tuple:
    """(verdict, amount) of a COMPLETE set of answers, from eligibility.md."""
    eligible = (
        answers["statut"] in ("artiste", "technicien")
        and answers["jours_travailles"] >= 12
        and (answers["droits_non_renouveles"] is True or answers["droits_ouverts_2019"] is False)
    )
    if not eligible:
        return ("ineligible", None)
    return ("eligible", 900 if answers["ressources"] <= 15000 else 500)


def criterion_truths(answers: dict) -> dict:
    """Each criterion's truth for a COMPLETE set of answers, from eligibility.md."""
    return {
        "statut_intermittent": answers["statut"] in ("artiste", "technicien"),
        "travail_secteur": answers["jours_travailles"] >= 12,
        "absence_de_droits": answers["droits_non_renouveles"] is True
        or answers["droits_ouverts_2019"] is False,
    }


# ---------------------------------------------------------------------------
# Strategies

VALID = {
    "statut": st.sampled_from(["artiste", "technicien", "autre"]),
    "jours_travailles": st.one_of(
        st.sampled_from([0, 1, 5, 11, 12, 13, 12.0, 11.0, 10**6]),
        st.integers(min_value=0, max_value=400),
    ),
    "droits_non_renouveles": st.booleans(),
    "droits_ouverts_2019": st.booleans(),
    "ressources": st.one_of(
        st.sampled_from([0, 0.0, 0.01, 14999.99, 15000, 15000.0, 15000.01, 15001, 10**6]),
        st.integers(min_value=0, max_value=10**7),
        st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False),
    ),
}

INVALID = {
    "statut": st.sampled_from(["", "Artiste", "intermittent", 0, True, 1.5, ["artiste"]]),
    "jours_travailles": st.sampled_from(
        ["12", "douze", True, -1, 12.5, math.nan, math.inf, -math.inf, [12]]
    ),
    "droits_non_renouveles": st.sampled_from(["oui", "true", 0, 1, "", [True]]),
    "droits_ouverts_2019": st.sampled_from(["non", "false", 1, 0.0, {}]),
    "ressources": st.sampled_from(["14000", "14 000 €", -0.01, -1, math.nan, math.inf, True]),
}

valid_answers = st.fixed_dictionaries(
    {}, optional={k: st.one_of(st.none(), VALID[k]) for k in ORDER}
)
complete_answers = st.fixed_dictionaries({k: VALID[k] for k in ORDER})
any_answers = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            **{k: st.one_of(st.none(), VALID[k], INVALID[k]) for k in ORDER},
            "age": st.integers(),
            "Statut": st.just("artiste"),
        },
    ),
    valid_answers,
    st.one_of(st.none(), st.text(max_size=5), st.integers(), st.lists(st.integers(), max_size=3)),
)


def _open(answers: dict) -> list:
    return [k for k in ORDER if answers.get(k) is None]


def _completions(answers: dict, values: dict):
    """(combo, complete answers) for every completion of the open questions."""
    keys = _open(answers)
    for combo in itertools.product(*(values[k] for k in keys)):
        complete = {k: v for k, v in answers.items() if v is not None}
        completion = dict(zip(keys, combo, strict=True))
        complete.update(completion)
        yield completion, complete


def _witness(answers: dict, key: str, values: dict, outcome) -> bool:
    """Is there a completion of the other open questions for which two values
    of ``key`` give different outcomes?"""
    others = [k for k in _open(answers) if k != key]
    fixed = {k: v for k, v in answers.items() if v is not None}
    for combo in itertools.product(*(values[k] for k in others)):
        seen = set()
        for value in values[key]:
            seen.add(outcome({**fixed, **dict(zip(others, combo, strict=True)), key: value}))
            if len(seen) > 1:
                return True
    return False


def _engine_outcome(engine):
    def outcome(complete):
        result = engine.evaluate(complete, "en")
        assert result["errors"] == []
        return (result["verdict"], result["amount"])

    return outcome


# ---------------------------------------------------------------------------
# Properties


@PROPERTIES
@given(answers=any_answers, lang=st.sampled_from(["fr", "en"]))
def test_never_raises_and_always_documented_keys(engine, answers, lang):
    result = engine.evaluate(answers, lang)
    assert set(result) == RESULT_KEYS
    assert result["lang"] == lang
    assert result["currency"] == "EUR"
    if result["errors"]:
        assert result["verdict"] is None
        assert result["criteria"] == [] and result["missing"] == []
        assert result["amount"] is None and result["amount_options"] == []
        assert all(e["code"] != "internal_error" for e in result["errors"])
    else:
        assert result["verdict"] in VERDICTS
        assert len(result["criteria"]) == 3
        assert all(c["status"] in ("met", "unmet", "unknown") for c in result["criteria"])
        assert result["missing"] == [k for k in ORDER if k in result["missing"]]


@PROPERTIES
@given(answers=valid_answers)
def test_valid_answers_give_no_error_and_coherent_amount(engine, answers):
    result = engine.evaluate(answers, "fr")
    assert result["errors"] == []
    assert not set(result["missing"]) & {k for k, v in answers.items() if v is not None}
    assert result["amount_options"] == sorted(set(result["amount_options"]))
    single = result["verdict"] == "eligible" and len(result["amount_options"]) == 1
    assert result["amount"] == (result["amount_options"][0] if single else None)
    assert result["verdict"] != "ineligible" or result["amount_options"] == []
    other = engine.evaluate(answers, "en")
    for key in ("verdict", "amount", "amount_options", "missing"):
        assert other[key] == result[key]
    assert [c["status"] for c in other["criteria"]] == [c["status"] for c in result["criteria"]]


@PROPERTIES
@given(answers=complete_answers)
def test_complete_answers_match_the_reading(engine, answers):
    result = engine.evaluate(answers, "fr")
    assert (result["verdict"], result["amount"]) == oracle(answers)
    assert result["missing"] == []
    statuses = {c["id"]: c["status"] for c in result["criteria"]}
    truths = criterion_truths(answers)
    assert statuses == {k: "met" if v else "unmet" for k, v in truths.items()}


@PROPERTIES
@given(answers=valid_answers, data=st.data())
def test_adding_an_answer_never_flips_a_settled_verdict(engine, answers, data):
    open_keys = _open(answers)
    if not open_keys:
        return
    key = data.draw(st.sampled_from(open_keys))
    extended = {**answers, key: data.draw(VALID[key])}
    before, after = engine.evaluate(answers, "fr"), engine.evaluate(extended, "fr")
    if before["verdict"] != "undetermined":
        assert after["verdict"] == before["verdict"]
    if after["verdict"] != "ineligible":
        assert set(after["amount_options"]) <= set(before["amount_options"])


@PROPERTIES
@given(answers=valid_answers, data=st.data())
def test_adding_an_answer_never_changes_a_settled_amount(engine, answers, data):
    open_keys = _open(answers)
    if not open_keys:
        return
    key = data.draw(st.sampled_from(open_keys))
    extended = {**answers, key: data.draw(VALID[key])}
    before, after = engine.evaluate(answers, "fr"), engine.evaluate(extended, "fr")
    if before["amount"] is not None:
        assert after["amount"] == before["amount"]


@PROPERTIES
@given(answers=valid_answers)
def test_each_missing_question_can_change_the_outcome(engine, ruleset, answers):
    result = engine.evaluate(answers, "fr")
    classes = {q["id"]: representatives(ruleset, q) for q in ruleset["questions"]}
    for key in result["missing"]:
        # with the engine's own class representatives (outcome by the engine) ...
        assert _witness(answers, key, classes, _engine_outcome(engine)), key
        # ... and with the hand-picked brute-force values (outcome by the oracle)
        assert _witness(answers, key, BRUTE, oracle), key


@PROPERTIES
@given(answers=valid_answers)
def test_questions_not_missing_never_change_the_outcome(engine, answers):
    result = engine.evaluate(answers, "fr")
    for key in _open(answers):
        if key not in result["missing"]:
            assert not _witness(answers, key, BRUTE, oracle), key


@PROPERTIES
@given(answers=valid_answers)
def test_verdict_and_amounts_agree_with_all_completions(engine, answers):
    result = engine.evaluate(answers, "fr")
    outcomes = [oracle(complete) for _, complete in _completions(answers, BRUTE)]
    verdicts = {verdict for verdict, _ in outcomes}
    if result["verdict"] == "undetermined":
        assert verdicts == {"eligible", "ineligible"}
    else:
        assert verdicts == {result["verdict"]}
    amounts = sorted({amount for verdict, amount in outcomes if verdict == "eligible"})
    assert result["amount_options"] == amounts


@PROPERTIES
@given(answers=valid_answers)
def test_criterion_status_agrees_with_all_completions(engine, answers):
    result = engine.evaluate(answers, "fr")
    truths: dict = {}
    for _, complete in _completions(answers, BRUTE):
        for key, value in criterion_truths(complete).items():
            truths.setdefault(key, set()).add(value)
    expected = {True: "met", False: "unmet"}
    for criterion in result["criteria"]:
        values = truths[criterion["id"]]
        status = expected[next(iter(values))] if len(values) == 1 else "unknown"
        assert criterion["status"] == status, criterion["id"]
