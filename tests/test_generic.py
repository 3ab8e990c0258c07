"""The engine, the loader and the command line on a second, imaginary rule set
(tests/fixtures/imaginary-fund.yaml): nothing may be specific to Netflix-Audiens.

Expectations derived by hand from the reading written at the top of the
fixture: eligible = age >= 18 AND instrument not in {aucun, amplifie} AND
amendes < 3; amount = 450 if age >= 65, else 300 if membre, else 200.
"""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from contract import run_cli as run
from support.corpus import load_corpus
from support.paths import IMAGINARY_RULES

from selfcheck import loader as rules_module
from selfcheck.engine import Engine

FIXTURE = IMAGINARY_RULES
FIXTURE_ARG = "tests/fixtures/imaginary-fund.yaml"
# The imaginary fund's own corpus (tests/test_corpora.py runs all of it): the
# answers of some of its cases, by id.
ANSWERS = {c["id"]: c["answers"] for c in load_corpus(rules_module.load(FIXTURE))["cases"]}

INVALID = [
    ({"age": 131}, "age", "above_maximum"),
    ({"age": -1}, "age", "negative"),
    ({"age": 30.5}, "age", "not_an_integer"),
    ({"instrument": "piano"}, "instrument", "unknown_option"),
    ({"membre": "oui"}, "membre", "not_a_boolean"),
    ({"statut": "artiste"}, "statut", "unknown_question"),
]


@pytest.fixture(scope="module")
def imaginary():
    return rules_module.load(FIXTURE)


def test_fixture_is_valid_and_imaginary(imaginary):
    jsonschema.validate(imaginary, rules_module.schema())
    assert imaginary["id"] != "netflix-audiens-2020"
    for source in imaginary["sources"]:
        assert source["url"].startswith("https://example.org/imaginaire/")
        assert "fictif" in source["title"]
    assert "fictitious" in imaginary["name"]["en"]


def test_engine_texts(imaginary):
    engine = Engine(imaginary)
    fr = engine.evaluate({"age": 17}, "fr")["criteria"][0]
    en = engine.evaluate({"age": 17}, "en")["criteria"][0]
    assert fr["title"] == "Avoir au moins 18 ans"
    assert fr["reason"] == "Il faut avoir au moins 18 ans."
    assert (en["title"], en["reason"]) == (
        "Be at least 18 years old",
        "You must be at least 18 years old.",
    )
    assert [s["id"] for s in fr["sources"]] == ["charte_imaginaire"]
    assert fr["sources"][0]["url"] == "https://example.org/imaginaire/charte"
    third = engine.evaluate({"amendes": 5}, "en")["criteria"][2]
    assert third["reason"] == "From 3 fines on, the aid is refused."
    assert [s["id"] for s in third["sources"]] == ["faq_imaginaire"]


@pytest.mark.parametrize(("answers", "question", "code"), INVALID)
def test_engine_invalid(imaginary, answers, question, code):
    result = Engine(imaginary).evaluate(answers, "en")
    assert [(e["question"], e["code"]) for e in result["errors"]] == [(question, code)]


def test_cli_validate():
    done = run("validate", FIXTURE_ARG)
    assert done.returncode == 0, done.stderr
    assert "ok:" in done.stdout


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("case_id", ["senior-membre-450", "trois-amendes", "membre-inconnu"])
def test_cli_json(imaginary, lang, case_id):
    answers = ANSWERS[case_id]
    done = run(
        "check", "--rules", FIXTURE_ARG, "--answers", "-", "--format", "json", "--lang", lang,
        stdin=json.dumps(answers),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == Engine(imaginary).evaluate(answers, lang)


@pytest.mark.parametrize(
    ("lang", "answers", "expected"),
    [
        (
            "fr",
            {"age": 70, "instrument": "accordeon", "amendes": 2, "membre": True},
            [
                "Fonds imaginaire pour les musiciens de rue (exemple fictif) — règles 0.1.0",
                "Vous pourriez recevoir l'aide imaginaire.",
                "Montant de l'aide\u00a0: 450\u00a0€",
                "  ✓ Avoir au moins 18 ans",
                "Rien d'autre à répondre.",
            ],
        ),
        (
            "en",
            {"age": 70, "instrument": "accordeon", "amendes": 2, "membre": True},
            ["You could get the imaginary aid.", "Amount of the aid: €450",
             "  ✓ Be at least 18 years old"],
        ),
        (
            "fr",
            {"age": 30, "instrument": "violon", "amendes": 0},
            ["Vous pourriez recevoir l'aide imaginaire.", "200\u00a0€ ou 300\u00a0€",
             "À répondre ensuite",
             "  - membre\u00a0: Êtes-vous membre d'une association de musiciens de rue\u00a0?"],
        ),
        (
            "en",
            {"age": 17, "instrument": "amplifie"},
            ["You do not meet the imaginary conditions.", "  ✗ Be at least 18 years old",
             "  ✗ Play an acoustic instrument", "  ? Have had fewer than 3 fines",
             "Nothing else to answer."],
        ),
        (
            "en",
            {"age": 70},
            ["No conclusion yet.", "Possible amount: €450", "Answer next",
             "  - instrument: Which instrument do you play in the street?"],
        ),
    ],
)  # fmt: skip
def test_cli_text(lang, answers, expected):
    done = run(
        "check", "--rules", FIXTURE_ARG, "--answers", "-", "--lang", lang,
        stdin=json.dumps(answers),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for fragment in expected:
        assert fragment in done.stdout


def test_cli_invalid_answers():
    done = run("check", "--rules", FIXTURE_ARG, "--answers", "-", "--lang", "en",
               stdin='{"age": 131}')  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert "age" in done.stderr and "130" in done.stderr


def test_cli_ask():
    done = run("ask", "--rules", FIXTURE_ARG, "--lang", "fr", stdin="30\n2\n0\noui\n")
    assert done.returncode == 0, done.stderr
    tail = done.stdout.rsplit("Vous pourriez recevoir l'aide imaginaire.", 1)[1]
    assert "Montant de l'aide\u00a0: 300\u00a0€" in tail


# ---------------------------------------------------------------------------
# Generic-engine defects, shown on small variants of the imaginary fund


def test_verdict_settled_when_every_completion_agrees(imaginary):
    rules = copy.deepcopy(imaginary)
    rules["criteria"][0]["condition"] = {
        "any": [
            {"answer": "age", "op": "lt", "param": "age_minimum"},
            {
                "all": [
                    {"answer": "age", "op": "ge", "param": "age_minimum"},
                    {"answer": "membre", "op": "eq", "value": True},
                ]
            },
        ]
    }
    rules["amount"]["tiers"] = rules["amount"]["tiers"][1:]  # membre tier only
    result = Engine(rules).evaluate({"membre": True, "instrument": "violon", "amendes": 0})
    assert result["errors"] == []
    assert result["missing"] == []  # the engine itself finds nothing left to ask
    assert result["verdict"] == "eligible"
    assert result["amount"] == 300


def test_number_classes_between_close_thresholds(imaginary):
    rules = copy.deepcopy(imaginary)
    rules["questions"][2]["type"] = "number"
    rules["criteria"][2]["condition"] = {
        "all": [
            {"answer": "amendes", "op": "gt", "value": 1},
            {"answer": "amendes", "op": "lt", "value": 1.005},
        ]
    }
    engine = Engine(rules)
    answers = {"age": 30, "instrument": "violon", "membre": True}
    eligible = engine.evaluate({**answers, "amendes": 1.001})
    assert (eligible["verdict"], eligible["amount"]) == ("eligible", 300)  # holds today
    result = engine.evaluate(answers)
    assert result["verdict"] == "undetermined"
    assert result["amount_options"] == [300]
    assert result["missing"] == ["amendes"]
