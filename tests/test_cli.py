"""The command line, through a real subprocess: ``python -m selfcheck``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from contract import run_cli as run

ROOT = Path(__file__).resolve().parent.parent

SEP = {"fr": " : ", "en": ": "}
VERDICT_WORDS = {
    "fr": {
        "eligible": "éligible",
        "ineligible": "non éligible",
        "undetermined": "pas encore déterminé",
    },
    "en": {
        "eligible": "eligible",
        "ineligible": "not eligible",
        "undetermined": "not determined yet",
    },
}
SYMBOLS = {"met": "✓", "unmet": "✗", "unknown": "?"}
NOTHING = {"fr": "Rien d'autre à répondre.", "en": "Nothing else to answer."}
NEXT = {"fr": "À répondre ensuite :", "en": "Answer next:"}

# The examples of shared/facts/eligibility.md and a few more, with the amount
# line expected in each language (derived by hand).
EXAMPLES = {
    "cinq-jours": (
        {"jours_travailles": 5},
        "ineligible",
        {"fr": "aucun", "en": "none"},
    ),
    "technicien-12-jours-14000": (
        {
            "statut": "technicien",
            "jours_travailles": 12,
            "droits_non_renouveles": True,
            "ressources": 14000,
        },
        "eligible",
        {"fr": "900\u00a0€", "en": "€900"},
    ),
    "ressources-inconnues": (
        {"statut": "artiste", "jours_travailles": 30, "droits_ouverts_2019": False},
        "eligible",
        {
            "fr": "500\u00a0€ ou 900\u00a0€ selon vos ressources",
            "en": "€500 or €900 depending on your resources",
        },
    ),
    "droits-finis-seuls": (
        {"droits_non_renouveles": True},
        "undetermined",
        {
            "fr": "500\u00a0€ ou 900\u00a0€ selon vos ressources",
            "en": "€500 or €900 depending on your resources",
        },
    ),
    "autre-15000-01": (
        {"statut": "autre", "ressources": 15000.01},
        "ineligible",
        {"fr": "aucun", "en": "none"},
    ),
    "vide": ({}, "undetermined", None),
}


def check(answers_text: str, *options):
    return run("check", "--answers", "-", *options, stdin=answers_text)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_json_equals_engine(engine, name, lang):
    answers, verdict, _ = EXAMPLES[name]
    done = check(json.dumps(answers), "--format", "json", "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert result == engine.evaluate(answers, lang)
    assert result["verdict"] == verdict


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_text(engine, ruleset, name, lang):
    answers, verdict, amount = EXAMPLES[name]
    done = check(json.dumps(answers), "--format", "text", "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    sep = SEP[lang]
    header = {"fr": "règles {v}, vérifiées le {d}", "en": "rules {v}, checked on {d}"}[lang]
    assert lines[0] == f"{ruleset['name'][lang]} — " + header.format(
        v=ruleset["version"], d=ruleset["checked_on"]
    )
    assert f"Verdict{sep}{VERDICT_WORDS[lang][verdict]}" in lines
    if amount is not None:
        assert f"{'Montant' if lang == 'fr' else 'Amount'}{sep}{amount[lang]}" in lines
    result = engine.evaluate(answers, lang)
    for criterion in result["criteria"]:
        assert f"  {SYMBOLS[criterion['status']]} {criterion['title']}" in lines
        assert f"      {criterion['reason']}" in lines
    if result["missing"]:
        first = result["missing"][0]
        label = next(q["label"][lang] for q in ruleset["questions"] if q["id"] == first)
        assert NEXT[lang] in lines
        assert f"  - {first}{sep}{label}" in lines
    else:
        assert lines[-1] == NOTHING[lang]


def test_text_shows_every_marker():
    done = check(json.dumps({"statut": "autre", "jours_travailles": 12}), "--lang", "en")
    assert done.returncode == 0
    assert "  ✗ " in done.stdout and "  ✓ " in done.stdout and "  ? " in done.stdout


def test_defaults_are_text_and_french():
    done = check('{"jours_travailles": 5}')
    assert done.returncode == 0
    assert "Verdict : non éligible" in done.stdout.splitlines()


# ---------------------------------------------------------------------------
# Invalid answers


@pytest.mark.parametrize(("lang", "fmt"), [("fr", "text"), ("en", "json")])
@pytest.mark.parametrize(
    "answers_text",
    [
        '{"statut": "intermittent"}',
        '{"jours_travailles": 12.5, "age": 3}',
        '{"ressources": NaN}',
        "ressources: -.inf",
        "[1, 2]",
    ],
)
def test_invalid_answers(engine, answers_text, lang, fmt):
    done = check(answers_text, "--lang", lang, "--format", fmt)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    try:
        answers = json.loads(answers_text)
    except json.JSONDecodeError:
        answers = {"ressources": float("-inf")}
    errors = engine.evaluate(answers, lang)["errors"]
    assert errors
    for error in errors:
        assert f"error: {error['question'] or 'answers'}: {error['message'][lang]}" in done.stderr


# ---------------------------------------------------------------------------
# Where the answers come from

TECHNICIEN = EXAMPLES["technicien-12-jours-14000"][0]
YAML_ANSWERS = """\
# answers of a technician
statut: technicien
jours_travailles: 12
droits_non_renouveles: true
ressources: 14000
"""


def test_answers_from_stdin_json_file_and_yaml_file(tmp_path, engine):
    expected = engine.evaluate(TECHNICIEN, "en")
    json_file = tmp_path / "answers.json"
    json_file.write_text(json.dumps(TECHNICIEN), encoding="utf-8")
    yaml_file = tmp_path / "answers.yaml"
    yaml_file.write_text(YAML_ANSWERS, encoding="utf-8")
    runs = {
        "stdin json": check(json.dumps(TECHNICIEN), "--format", "json", "--lang", "en"),
        "stdin yaml": check(YAML_ANSWERS, "--format", "json", "--lang", "en"),
        "json file": run("check", "--answers", str(json_file), "--format", "json", "--lang", "en"),
        "yaml file": run("check", "--answers", str(yaml_file), "--format", "json", "--lang", "en"),
    }
    for name, done in runs.items():
        assert done.returncode == 0, (name, done.stderr)
        assert json.loads(done.stdout) == expected, name


def test_empty_answers_file_means_nothing_answered(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    done = run("check", "--answers", str(empty), "--format", "json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["verdict"] == "undetermined"


@pytest.mark.parametrize("kind", ["missing", "directory", "latin-1", "garbage"])
def test_unreadable_answers(tmp_path, kind):
    path = tmp_path / "answers.yaml"
    if kind == "directory":
        path.mkdir()
    elif kind == "latin-1":
        path.write_bytes("statut: électricien".encode("latin-1"))
    elif kind == "garbage":
        path.write_text("statut: [artiste\n", encoding="utf-8")
    done = run("check", "--answers", str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    message = {
        "missing": "cannot read the answers (No such file or directory)",
        "directory": "cannot read the answers (Is a directory)",
        "latin-1": "the answers are not UTF-8 text",
        "garbage": "answers are neither JSON nor YAML",
    }[kind]
    assert done.stderr.startswith(f"error: {path}")
    assert message in done.stderr
    assert len(done.stderr.splitlines()) == 1


# ---------------------------------------------------------------------------
# ask


def _labels(ruleset, lang):
    return {q["id"]: q["label"][lang] for q in ruleset["questions"]}


@pytest.mark.parametrize(("lang", "yes"), [("fr", "oui"), ("en", "yes")])
def test_ask_to_eligible(ruleset, lang, yes):
    done = run("ask", "--lang", lang, stdin=f"2\n12\n{yes}\n14000\n")
    assert done.returncode == 0, done.stderr
    final = check(json.dumps(TECHNICIEN), "--lang", lang).stdout
    assert done.stdout.endswith("\n" + final)
    labels = _labels(ruleset, lang)
    asked = [key for key, label in labels.items() if f"\n{label}\n" in done.stdout]
    assert asked == ["statut", "jours_travailles", "droits_non_renouveles", "ressources"]
    assert f"Verdict{SEP[lang]}{VERDICT_WORDS[lang]['eligible']}" in final.splitlines()


@pytest.mark.parametrize(
    ("replies", "asked", "verdict"),
    [
        ("3\n", ["statut"], "ineligible"),
        ("1\n5\n", ["statut", "jours_travailles"], "ineligible"),
        ("", ["statut"], "undetermined"),
    ],
)
def test_ask_settles_early(ruleset, replies, asked, verdict):
    done = run("ask", "--lang", "fr", stdin=replies)
    assert done.returncode == 0, done.stderr
    labels = _labels(ruleset, "fr")
    assert [k for k, label in labels.items() if f"\n{label}\n" in done.stdout] == asked
    if verdict == "ineligible":
        assert done.stdout.splitlines()[-1] == NOTHING["fr"]
    assert f"Verdict : {VERDICT_WORDS['fr'][verdict]}" in done.stdout.splitlines()


def test_ask_invalid_replies_and_skips(ruleset):
    replies = "x\n1\nabc\n-5\n12\npeut-être\n?\n?\n\n"
    done = run("ask", "--lang", "fr", stdin=replies)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Réponse invalide") == 3  # x, abc, peut-être
    assert "error: jours_travailles:" in done.stdout  # -5 is refused by the engine
    tail = done.stdout.rsplit("Verdict", 1)[1]
    assert tail.startswith(" : pas encore déterminé")
    assert "  ✓ Être intermittent du spectacle (Annexe 8 ou 10)" in tail
