"""The fund's corpus: its texts and sources through the engine, and the
quality of the corpus itself (every boundary of the rules, every status).

Expectations live in tests/cases/netflix-audiens-2020.yaml, derived by hand
from the adopted reading (shared/facts/eligibility.md); tests/test_corpora.py
runs every corpus, this one included, through the engine.
"""

from __future__ import annotations

import collections
import math
import re

import pytest
from contract import ANSWER_KEYS as ORDER
from contract import CRITERION_KEYS, RULES

from selfcheck.engine import VERDICTS

LANGS = tuple(RULES["languages"])

# How each parameter must read inside a text, written out by hand (not taken
# from the engine): French groups thousands with a narrow no-break space and
# puts "€" after a no-break space; English writes "€15,000".
PLACEHOLDERS = {
    "jours_minimum": {"fr": "12", "en": "12"},
    "plafond_ressources": {"fr": "15\u202f000\u00a0€", "en": "€15,000"},
    "montant_base": {"fr": "500\u00a0€", "en": "€500"},
    "montant_majore": {"fr": "900\u00a0€", "en": "€900"},
    "droits_depuis": {"fr": "1er janvier 2020", "en": "1 January 2020"},
    "annee_ouverture": {"fr": "2019", "en": "2019"},
    "periode_debut": {"fr": "1er septembre 2019", "en": "1 September 2019"},
    "periode_fin": {"fr": "29 février 2020", "en": "29 February 2020"},
    # A date written as its month and year ({periode_debut.month}).
    "periode_debut.month": {"fr": "septembre 2019", "en": "September 2019"},
    "periode_fin.month": {"fr": "février 2020", "en": "February 2020"},
}


def render(text: dict, lang: str) -> str:
    """A text of the rules as the engine must write it: parameters replaced,
    and in French a no-break space before « : ; ? ! » and inside « »."""
    done = re.sub(
        r"\{([a-z_]+(?:\.[a-z]+)?)\}", lambda m: PLACEHOLDERS[m.group(1)][lang], text[lang]
    )
    if lang == "fr":
        done = re.sub(r" ([:;?!»])", "\u00a0\\1", done).replace("« ", "«\u00a0")
    return done


# ---------------------------------------------------------------------------
# Valid cases


@pytest.mark.parametrize("lang", LANGS)
def test_case_texts_and_sources(case, engine, ruleset, lang):
    result = engine.evaluate(case["answers"], lang)
    rule_criteria = {c["id"]: c for c in ruleset["criteria"]}
    rule_sources = {s["id"]: s for s in ruleset["sources"]}
    for criterion in result["criteria"]:
        rule = rule_criteria[criterion["id"]]
        assert set(criterion) == CRITERION_KEYS
        assert criterion["title"] == render(rule["title"], lang)
        assert criterion["reason"] == render(rule["text"][criterion["status"]], lang)
        assert "{" not in criterion["title"] + criterion["reason"]
        assert criterion["confidence"] == rule["confidence"]
        assert [s["id"] for s in criterion["sources"]] == rule["sources"]
        for source in criterion["sources"]:
            full = rule_sources[source["id"]]
            assert source == {k: full[k] for k in ("id", "outlet", "title", "date", "url")}


def test_placeholder_table_matches_engine_rendering(ruleset):
    """The hand-written PLACEHOLDERS table is what the engine prints."""
    from selfcheck.formatting import render_text

    for lang in LANGS:
        assert render_text(ruleset, ruleset["amount"]["text"], lang) == render(
            ruleset["amount"]["text"], lang
        )


# ---------------------------------------------------------------------------
# Invalid answers


def test_unknown_language(engine):
    result = engine.evaluate({}, "de")
    assert result["verdict"] is None
    assert [e["code"] for e in result["errors"]] == ["unknown_language"]
    assert result["lang"] == "fr"


@pytest.mark.parametrize(
    ("question", "value", "code"),
    [
        ("statut", True, "unknown_option"),
        ("statut", ["artiste"], "unknown_option"),
        ("droits_non_renouveles", None, None),
        ("jours_travailles", float("nan"), "not_finite"),
        ("ressources", float("-inf"), "not_finite"),
        ("ressources", [14000], "not_a_number"),
    ],
)
def test_more_answer_values(engine, question, value, code):
    result = engine.evaluate({question: value}, "en")
    assert [e["code"] for e in result["errors"]] == ([code] if code else [])


def test_huge_integer_resources_is_a_field_error(engine):
    result = engine.evaluate({"ressources": 10**400}, "fr")
    assert [(e["question"], e["code"]) for e in result["errors"]] in (
        [("ressources", "not_finite")],
        [("ressources", "above_maximum")],
    )


# ---------------------------------------------------------------------------
# The corpus itself


def test_corpus_points_at_the_rules(corpus):
    assert corpus["rules"] == "rules/netflix-audiens-2020.yaml"
    assert set(corpus) == {"rules", "cases", "invalid"}


def test_corpus_size_and_ids(corpus):
    assert len(corpus["cases"]) >= 40
    ids = [c["id"] for c in corpus["cases"]] + [c["id"] for c in corpus["invalid"]]
    duplicates = [i for i, n in collections.Counter(ids).items() if n > 1]
    assert not duplicates
    for case_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", case_id), case_id


def test_corpus_case_shape(corpus, ruleset):
    criteria = [c["id"] for c in ruleset["criteria"]]
    sources = {s["id"] for s in ruleset["sources"]}
    tags = set()
    for case in corpus["cases"]:
        assert set(case) == {"id", "title", "exercises", "answers", "expect"}, case["id"]
        assert case["title"].strip()
        required = {"verdict", "amount", "amount_options", "criteria", "missing"}
        optional = {"eligible_if", "would_change", "confidence", "readings"}
        assert required <= set(case["expect"]) <= required | optional, case["id"]
        assert case["expect"]["verdict"] in VERDICTS
        assert set(case["expect"]["criteria"]) == set(criteria)
        assert set(case["answers"]) <= set(ORDER)
        for tag in case["exercises"]:
            source = tag.startswith("source:") and tag.removeprefix("source:") in sources
            assert tag in criteria or tag == "amount" or source, tag
        tags.update(case["exercises"])
    assert set(criteria) | {"amount"} <= tags
    for case in corpus["invalid"]:
        assert set(case) == {"id", "answers", "expect_errors"}
        assert case["expect_errors"]


def test_corpus_expectations_are_self_consistent(corpus, ruleset):
    """Rules any hand derivation must obey (catches typing slips in the YAML)."""
    for case in corpus["cases"]:
        expect, answered = case["expect"], {k for k, v in case["answers"].items() if v is not None}
        statuses = set(expect["criteria"].values())
        verdict = expect["verdict"]
        if "unmet" in statuses:
            assert verdict == "ineligible", case["id"]
        elif "unknown" in statuses:
            assert verdict == "undetermined", case["id"]
        else:
            assert verdict == "eligible", case["id"]
        if verdict == "ineligible":
            assert expect["amount_options"] == [] and expect["missing"] == [], case["id"]
        assert expect["amount_options"] == sorted(expect["amount_options"]), case["id"]
        assert set(expect["amount_options"]) <= _amounts(ruleset), case["id"]
        single = verdict == "eligible" and len(expect["amount_options"]) == 1
        assert expect["amount"] == (expect["amount_options"][0] if single else None), case["id"]
        assert not set(expect["missing"]) & answered, case["id"]
        assert expect["missing"] == [k for k in ORDER if k in expect["missing"]], case["id"]


def test_corpus_reaches_every_status(corpus, ruleset):
    reached = collections.defaultdict(set)
    for case in corpus["cases"]:
        for criterion, status in case["expect"]["criteria"].items():
            reached[criterion].add(status)
    for criterion in ruleset["criteria"]:
        assert reached[criterion["id"]] == {"met", "unmet", "unknown"}, criterion["id"]
    verdicts = {c["expect"]["verdict"] for c in corpus["cases"]}
    assert verdicts == set(VERDICTS)


def _values(corpus, key):
    return [c["answers"][key] for c in corpus["cases"] if key in c["answers"]]


def _find(corpus, predicate):
    return [c["id"] for c in corpus["cases"] if predicate(c["answers"], c["expect"])]


def _comparisons(node):
    """Every comparison of a condition tree."""
    if "answer" in node:
        yield node
    for child in [*node.get("all", ()), *node.get("any", ())]:
        yield from _comparisons(child)
    if "not" in node:
        yield from _comparisons(node["not"])


def _thresholds(rules: dict) -> dict[str, set]:
    """Each numeric question's thresholds, read from the rules' conditions
    (criteria and amount tiers), a parameter's value when they name one."""
    questions = {q["id"]: q for q in rules["questions"]}
    conditions = [c["condition"] for c in rules["criteria"]]
    conditions += [t["condition"] for t in rules["amount"]["tiers"]]
    found = collections.defaultdict(set)
    for condition in conditions:
        for node in _comparisons(condition):
            if questions[node["answer"]]["type"] in ("integer", "number"):
                found[node["answer"]].add(_value(rules, node))
    return found


def _value(rules: dict, node):
    """A comparison's value or an amount: a number, or a parameter's value."""
    if isinstance(node, dict) and "param" in node:
        return rules["parameters"][node["param"]]["value"]
    return node["value"] if isinstance(node, dict) else node


def _amounts(rules: dict) -> set:
    """The amounts the rules can give: the base and each tier's."""
    tiers = rules["amount"]["tiers"]
    return {_value(rules, rules["amount"]["base"])} | {_value(rules, t["amount"]) for t in tiers}


def test_the_boundaries_come_from_the_rules(ruleset):
    """The thresholds below are the rules' own: a changed threshold moves the
    values the corpus must hold."""
    assert _thresholds(ruleset) == {
        "jours_travailles": {ruleset["parameters"]["jours_minimum"]["value"]},
        "ressources": {ruleset["parameters"]["plafond_ressources"]["value"]},
    }
    assert len(_amounts(ruleset)) == 2


def test_corpus_hits_every_boundary(corpus, ruleset):
    """Each threshold of the rules, and the values just below and above it
    (the next integer, or the next cent), are answers of some case; the least
    answer a question allows too."""
    questions = {q["id"]: q for q in ruleset["questions"]}
    for key, thresholds in _thresholds(ruleset).items():
        given = set(_values(corpus, key))
        step = 1 if questions[key]["type"] == "integer" else 0.01
        for t in thresholds:
            near = {round(t - step, 2), t, round(t + step, 2)}
            assert near <= given, (key, sorted(near - given))
        assert questions[key]["min"] in given, (key, "its minimum")
    (minimum,) = _thresholds(ruleset)["jours_travailles"]
    jours = _values(corpus, "jours_travailles")
    assert any(isinstance(v, float) and v == minimum for v in jours), "a whole number as a float"
    options = [o["value"] for o in questions["statut"]["options"]]
    assert set(options) <= set(_values(corpus, "statut"))
    low, high = sorted(_amounts(ruleset))

    def state(answers, key):
        return answers.get(key, "absent") if answers.get(key) is not None else "absent"

    pairs = {
        (state(c["answers"], "droits_non_renouveles"), state(c["answers"], "droits_ouverts_2019"))
        for c in corpus["cases"]
    }
    both = (True, False, "absent")
    assert {(n, o) for n in both for o in both} <= pairs
    # each rights question alone, everything else unanswered
    for key in ("droits_non_renouveles", "droits_ouverts_2019"):
        for value in (True, False):
            assert _find(corpus, lambda a, e, k=key, v=value: a == {k: v}), (key, value)

    assert _find(corpus, lambda a, e: a == {}), "the empty answer set"
    assert _find(corpus, lambda a, e: any(v is None for v in a.values())), "a null answer"
    assert _find(
        corpus,
        lambda a, e: (
            list(a) == ["jours_travailles"]
            and a["jours_travailles"] < minimum - 1
            and e["verdict"] == "ineligible"
        ),
    ), "early settlement: too few days alone is ineligible"
    assert _find(
        corpus,
        lambda a, e: (
            a == {"droits_non_renouveles": True} and "droits_ouverts_2019" not in e["missing"]
        ),
    ), "after droits_non_renouveles = true, droits_ouverts_2019 is not in missing"
    assert _find(
        corpus,
        lambda a, e: (
            e["verdict"] == "eligible"
            and a.get("ressources") is None
            and e["amount"] is None
            and e["amount_options"] == [low, high]
            and e["missing"] == ["ressources"]
        ),
    ), "eligible with ressources unknown"
    for options in ([high], [low]):
        assert _find(
            corpus,
            lambda a, e, o=options: (
                e["verdict"] == "undetermined"
                and a.get("ressources") is not None
                and e["amount_options"] == o
            ),
        ), f"undetermined with ressources known, options {options}"


def test_corpus_invalid_codes(corpus):
    codes = {e["code"] for c in corpus["invalid"] for e in c["expect_errors"]}
    assert {
        "unknown_question",
        "unknown_option",
        "not_a_boolean",
        "not_a_number",
        "negative",
        "not_finite",
        "not_an_integer",
        "not_a_mapping",
    } <= codes
    numbers = [
        v
        for c in corpus["invalid"]
        if isinstance(c["answers"], dict)
        for v in c["answers"].values()
        if isinstance(v, float)
    ]
    assert any(math.isnan(v) for v in numbers)
    assert any(math.isinf(v) for v in numbers)
    assert 12.5 in numbers
    assert any(not isinstance(c["answers"], dict) for c in corpus["invalid"])


# ---------------------------------------------------------------------------
# A closed fund of April 2020: the result speaks in the past

PAST_VERDICTS = {
    "fr": {
        "eligible": "Vous remplissiez probablement les conditions en avril 2020.",
        "ineligible": "Vous ne remplissiez pas toutes les conditions en avril 2020.",
        "undetermined": "Nous ne pouvons pas encore dire si vous remplissiez les conditions "
        "en avril 2020.",
    },
    "en": {
        "eligible": "You would probably have qualified in April 2020.",
        "ineligible": "You would not have met all the conditions in April 2020.",
        "undetermined": "We cannot yet say whether you would have qualified in April 2020.",
    },
}
PAST_ANSWERS = {
    "eligible": {"statut": "technicien", "jours_travailles": 12, "droits_non_renouveles": True},
    "ineligible": {"jours_travailles": 5},
    "undetermined": {},
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("verdict", sorted(PAST_ANSWERS))
def test_the_verdict_asks_would_i_have_qualified_in_april_2020(engine, lang, verdict):
    result = engine.evaluate(PAST_ANSWERS[verdict], lang)
    assert result["verdict"] == verdict
    assert result["display"]["verdict"] == PAST_VERDICTS[lang][verdict]


PAST_HINTS = {
    "fr": "D'après vos réponses, toutes les conditions étaient remplies.",
    "en": "From your answers, every condition was met.",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_eligible_hint_speaks_in_the_past_too(engine, lang):
    """Under « Vous remplissiez probablement les conditions en avril 2020 », not
    « toutes les conditions sont remplies » (a closed fund: status.state)."""
    result = engine.evaluate(PAST_ANSWERS["eligible"], lang)
    assert result["display"]["hint"] == PAST_HINTS[lang]


RIGHTS_ENDED = {"fr": "vos droits avaient pris fin", "en": "your rights had ended"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("resources", [10_000, 20_000], ids=["900", "500"])
def test_a_tie_names_every_limiting_part_the_ceiling_included(engine, ruleset, lang, resources):
    """The 15 000 € ceiling rests on one source (medium), like the
    rights-ended part of criterion 3: the reliability line names both, the
    amount by its rules' ``basis`` text, whichever amount the ceiling gave."""
    answers = dict(PAST_ANSWERS["eligible"], ressources=resources)
    result = engine.evaluate(answers, lang)
    assert (result["verdict"], result["confidence"]) == ("eligible", "medium")
    line = result["display"]["confidence"]
    assert RIGHTS_ENDED[lang] in line, line
    assert render(ruleset["amount"]["basis"], lang) in line, line


@pytest.mark.parametrize("lang", LANGS)
def test_a_weaker_part_alone_limits_the_result(engine, ruleset, lang):
    """Eligible through "no opening of rights in 2019" (low): that branch alone
    is named, not the amount (medium)."""
    answers = {
        "statut": "artiste",
        "jours_travailles": 20,
        "droits_non_renouveles": False,
        "droits_ouverts_2019": False,
        "ressources": 10_000,
    }
    result = engine.evaluate(answers, lang)
    assert (result["verdict"], result["confidence"]) == ("eligible", "low")
    line = result["display"]["confidence"]
    assert "2019" in line, line
    assert render(ruleset["amount"]["basis"], lang) not in line, line
    assert RIGHTS_ENDED[lang] not in line, line


# Derived by hand: "no opening of rights in 2019" is the low branch of
# criterion 3 (Le Film Français alone). Met through it alone, or unmet only
# because of it (rights not ended, an opening in 2019), the result is low and
# its headline says « peut-être », not « probablement ».
MAYBE = {
    "eligible": (
        {"statut": "artiste", "jours_travailles": 20, "droits_ouverts_2019": False},
        {
            "fr": "Vous remplissiez peut-être les conditions en avril 2020.",
            "en": "You may have qualified in April 2020.",
        },
    ),
    "ineligible": (
        {"statut": "technicien", "jours_travailles": 20, "droits_non_renouveles": False,
         "droits_ouverts_2019": True},
        {
            "fr": "Vous ne remplissiez peut-être pas toutes les conditions en avril 2020.",
            "en": "You may not have met all the conditions in April 2020.",
        },
    ),
}  # fmt: skip
LOW_LINE = {
    "fr": "Fiabilité de ce résultat\u00a0: faible, d'où le «\u00a0peut-être\u00a0».",
    "en": "Reliability of this result: low, hence the “may”.",
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("verdict", sorted(MAYBE))
def test_a_result_resting_on_a_low_point_says_maybe(engine, lang, verdict):
    answers, headline = MAYBE[verdict]
    result = engine.evaluate(answers, lang)
    assert (result["verdict"], result["confidence"]) == (verdict, "low")
    shown = result["display"]
    assert shown["verdict"] == headline[lang]
    assert shown["announcement"].startswith(headline[lang])
    assert shown["confidence"].startswith(LOW_LINE[lang]), shown["confidence"]
    assert "2019" in shown["confidence"], shown["confidence"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_medium_result_keeps_probably(engine, lang):
    """Rights ended (medium): « probablement », and no « peut-être » in its line."""
    result = engine.evaluate(PAST_ANSWERS["eligible"], lang)
    assert result["confidence"] == "medium"
    assert result["display"]["verdict"] == PAST_VERDICTS[lang]["eligible"]
    assert LOW_LINE[lang].split(",")[1] not in result["display"]["confidence"]
