"""The command line, through a real subprocess: ``python -m selfcheck``."""

from __future__ import annotations

import json

import pytest
from contract import ANSWER_KEYS, RULES
from contract import run_cli as run
from support.corpus import load_corpus
from support.paths import REPO

from selfcheck.formatting import render_text
from selfcheck.parsing import write_number

SEP = {"fr": "\u00a0: ", "en": ": "}
# The verdict sentences of the rules (result.verdicts), in the conditional
# past of a closed fund, written out by hand.
VERDICT_WORDS = {
    "fr": {
        "eligible": "Vous remplissiez probablement les conditions en avril 2020.",
        "ineligible": "Vous ne remplissiez pas toutes les conditions en avril 2020.",
        "undetermined": (
            "Nous ne pouvons pas encore dire si vous remplissiez les conditions en avril 2020."
        ),
    },
    "en": {
        "eligible": "You would probably have qualified in April 2020.",
        "ineligible": "You would not have met all the conditions in April 2020.",
        "undetermined": "We cannot yet say whether you would have qualified in April 2020.",
    },
}
# The headline when the least sure point the verdict rests on is low.
MAYBE_WORDS = {
    "fr": {
        "eligible": "Vous remplissiez peut-être les conditions en avril 2020.",
        "ineligible": "Vous ne remplissiez peut-être pas toutes les conditions en avril 2020.",
    },
    "en": {
        "eligible": "You may have qualified in April 2020.",
        "ineligible": "You may not have met all the conditions in April 2020.",
    },
}
NOTICE = {
    "fr": "Fonds d'avril 2020, très probablement clos.",
    "en": "A fund of April 2020, very probably closed.",
}
SYMBOLS = {"met": "✓", "unmet": "✗", "unknown": "?"}
NOTHING = {"fr": "Rien d'autre à répondre.", "en": "Nothing else to answer."}
NEXT = {"fr": "À répondre ensuite\u00a0:", "en": "Answer next:"}


def _examples() -> dict:
    """Corpus cases for the command line: the first case of each verdict and
    amount, and the empty answers (tests/cases/)."""
    picked, seen = {}, set()
    for case in load_corpus(RULES)["cases"]:
        kind = (case["expect"]["verdict"], tuple(case["expect"]["amount_options"]))
        if kind not in seen or case["answers"] == {}:
            seen.add(kind)
            picked[case["id"]] = case
    return picked


EXAMPLES = _examples()
ELIGIBLE = next(
    c["answers"]
    for c in EXAMPLES.values()
    if c["expect"]["verdict"] == "eligible" and c["expect"]["amount"] is not None
)


def check(answers_text: str, *options):
    return run("check", "--answers", "-", *options, stdin=answers_text)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_json_equals_engine(engine, name, lang):
    case = EXAMPLES[name]
    done = check(json.dumps(case["answers"]), "--format", "json", "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    result = json.loads(done.stdout)
    assert result == engine.evaluate(case["answers"], lang)
    assert result["verdict"] == case["expect"]["verdict"]
    assert result["amount_options"] == case["expect"]["amount_options"]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_text(engine, ruleset, name, lang):
    answers, verdict = EXAMPLES[name]["answers"], EXAMPLES[name]["expect"]["verdict"]
    done = check(json.dumps(answers), "--format", "text", "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    sep = SEP[lang]
    header = {"fr": "règles {v}, vérifiées le {d}", "en": "rules {v}, checked on {d}"}[lang]
    assert lines[0] == f"{ruleset['name'][lang]} — " + header.format(
        v=ruleset["version"], d=ruleset["checked_on"]
    )
    assert lines[1] == NOTICE[lang]
    # the corpus marks a result resting on a low-confidence point (« peut-être »)
    low = EXAMPLES[name]["expect"].get("confidence") == "low"
    assert (MAYBE_WORDS if low else VERDICT_WORDS)[lang][verdict] in lines
    assert not any(line.startswith("Verdict") for line in lines)
    result = engine.evaluate(answers, lang)
    label = {"fr": "Montant de l'aide", "en": "Amount of the aid"}[lang]
    if verdict == "eligible":
        assert f"{label}{sep}{result['display']['amount_value']}" in lines
    elif verdict == "ineligible":
        assert not any(line.startswith(label) for line in lines)
    assert lines[-1] == result["display"]["disclaimer"]
    assert "estimation" in lines[-1] if lang == "fr" else "estimate" in lines[-1]
    for criterion, shown in zip(result["criteria"], result["display"]["criteria"], strict=True):
        assert f"  {SYMBOLS[criterion['status']]} {criterion['title']}" in lines
        # A criterion that no longer matters says so, not its "please answer".
        moot = verdict == "ineligible" and criterion["status"] == "unknown"
        assert f"      {shown['reason']}" in lines
        assert (f"      {criterion['reason']}" in lines) != moot
    for item in result["eligible_if"] + result["would_change"]:
        assert f"  - {item['text']}" in lines
    if result["confidence"]:
        assert result["display"]["confidence"] in lines
    if result["missing"]:
        first = result["missing"][0]
        question = next(q for q in ruleset["questions"] if q["id"] == first)
        label = render_text(ruleset, question["label"], lang)
        assert NEXT[lang] in lines
        assert f"  - {first}{sep}{label}" in lines
    else:
        assert lines[-3] == NOTHING[lang]


def test_text_shows_every_marker():
    done = check(json.dumps({"statut": "autre", "jours_travailles": 12}), "--lang", "en")
    assert done.returncode == 0
    assert "  ✗ " in done.stdout and "  ✓ " in done.stdout and "  ? " in done.stdout


def test_defaults_are_text_and_french():
    done = check('{"jours_travailles": 5}')
    assert done.returncode == 0
    assert VERDICT_WORDS["fr"]["ineligible"] in done.stdout.splitlines()


# ---------------------------------------------------------------------------
# Invalid answers


@pytest.mark.parametrize(("lang", "fmt"), [("fr", "text"), ("en", "json")])
@pytest.mark.parametrize(
    ("answers_text", "where"),
    [
        ('{"statut": "intermittent"}', "<stdin>"),
        ('{"jours_travailles": 12.5, "age": 3}', "<stdin>"),
        ('{"ressources": NaN}', "<stdin>"),
        ("# YAML: the line of the faulty key\nressources: -.inf", "<stdin>:2"),
        ("[1, 2]", "<stdin>"),
    ],
)
def test_invalid_answers(engine, answers_text, where, lang, fmt):
    """One line per faulty field on stderr: the input, the line of the key when
    known (YAML), the key, the engine's message."""
    done = check(answers_text, "--lang", lang, "--format", fmt)
    assert done.returncode == 2
    assert done.stdout == ""
    try:
        answers = json.loads(answers_text)
    except json.JSONDecodeError:
        answers = {"ressources": float("-inf")}
    errors = engine.evaluate(answers, lang)["errors"]
    assert errors
    assert done.stderr.splitlines() == [
        f"error: {where}: {error['question'] or 'answers'}: {error['message'][lang]}"
        for error in errors
    ]


# ---------------------------------------------------------------------------
# Where the answers come from

TECHNICIEN = ELIGIBLE
YAML_ANSWERS = "# answers, as YAML\n" + "".join(
    f"{key}: {json.dumps(value)}\n" for key, value in ELIGIBLE.items()
)


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


def test_empty_answers_are_refused_and_braces_mean_nothing_answered(tmp_path):
    """An empty file is more likely a mistake than "I don't know anything yet":
    refused (exit 2), while ``{}`` means no answers."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    done = run("check", "--answers", str(empty), "--format", "json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f'error: {empty}: no answers (the input is empty); write {{}} for "nothing answered yet"\n'
    )
    done = check("{}", "--format", "json")
    assert done.returncode == 0, done.stderr
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
    """Question labels as the command line prints them (French spacing)."""
    return {q["id"]: render_text(ruleset, q["label"], lang) for q in ruleset["questions"]}


def _replies(engine, answers: dict, lang: str) -> tuple[list, list]:
    """What a reader types to ``ask`` to give ``answers``, in the order the
    engine asks (its ``missing``): an option's number, yes or no, a number."""
    questions = {q["id"]: q for q in engine.rules["questions"]}
    yes, no = {"fr": ("oui", "non"), "en": ("yes", "no")}[lang]
    given, replies, asked = {}, [], []
    while missing := engine.evaluate(given, lang)["missing"]:
        key = missing[0]
        question, value = questions[key], answers[key]
        if question["type"] == "choice":
            reply = str([o["value"] for o in question["options"]].index(value) + 1)
        elif question["type"] == "boolean":
            reply = yes if value else no
        else:
            reply = write_number(value, lang)
        replies.append(reply)
        asked.append(key)
        given[key] = value
    return replies, asked


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_ask_to_eligible(engine, ruleset, lang):
    replies, expected = _replies(engine, ELIGIBLE, lang)
    done = run("ask", "--lang", lang, stdin="".join(f"{r}\n" for r in replies))
    assert done.returncode == 0, done.stderr
    answered = {key: ELIGIBLE[key] for key in expected}
    final = check(json.dumps(answered), "--lang", lang).stdout
    assert done.stdout.endswith("\n" + final)
    labels = _labels(ruleset, lang)
    asked = [key for key, label in labels.items() if f"\n{label}\n" in done.stdout]
    assert asked == expected
    assert VERDICT_WORDS[lang]["eligible"] in final.splitlines()


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
        assert done.stdout.splitlines()[-3] == NOTHING["fr"]
    assert VERDICT_WORDS["fr"][verdict] in done.stdout.splitlines()


def test_ask_invalid_replies_and_skips(ruleset):
    replies = "x\n1\nabc\n-5\n12\npeut-être\n?\n?\n\n"
    done = run("ask", "--lang", "fr", stdin=replies)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Réponse invalide") == 2  # x, peut-être
    # "abc" is not a number and -5 is negative: the engine says so
    assert done.stdout.count("error: jours_travailles:") == 2
    tail = done.stdout.rsplit(NOTICE["fr"], 1)[1]
    assert tail.startswith("\n\n" + VERDICT_WORDS["fr"]["undetermined"])
    assert "  ✓ Être intermittent du spectacle (Annexe 8 ou 10)" in tail


def test_questions_table_is_the_rules_readmes():
    """The answers table of rules/README.md is what ``questions`` prints from
    the rules (after adding a question, paste the new output there)."""
    done = run("questions", "--lang", "en")
    assert done.returncode == 0, done.stderr
    readme = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- questions:start -->\n")[1].split("<!-- questions:end -->")[0]
    assert table == done.stdout
    for key in ANSWER_KEYS:
        assert f"| `{key}` |" in done.stdout


# The four examples of how the readings of the sources qualify a result: the
# reliability each gives, and whether another reading would have said yes.
READING_EXAMPLES = [
    ({"statut": "technicien", "jours_travailles": 8, "droits_non_renouveles": True},
     "ineligible", {"fr": "moyenne", "en": "medium"}, True),
    ({"statut": "autre"}, "ineligible", {"fr": "élevée", "en": "high"}, False),
    ({"statut": "technicien", "jours_travailles": 8, "droits_non_renouveles": False,
      "droits_ouverts_2019": True}, "ineligible", {"fr": "élevée", "en": "high"}, False),
    ({"statut": "artiste", "jours_travailles": 30, "droits_non_renouveles": True,
      "ressources": 20000}, "eligible", {"fr": "moyenne", "en": "medium"}, False),
]  # fmt: skip
RELIABILITY = {
    "fr": "Fiabilité de ce résultat\u00a0: {level}.",
    "en": "Reliability of this result: {level}.",
}
OTHER_YES = {
    "fr": "vous auriez rempli les conditions\u00a0; nous ne la retenons pas, car ",
    "en": "you would have qualified; we do not adopt it because ",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(("answers", "verdict", "level", "other_yes"), READING_EXAMPLES)
def test_text_says_what_another_reading_would_have_answered(
    answers, verdict, level, other_yes, lang
):
    done = check(json.dumps(answers), "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert VERDICT_WORDS[lang][verdict] in done.stdout.splitlines()
    assert RELIABILITY[lang].format(level=level[lang]) in done.stdout
    assert (OTHER_YES[lang] in done.stdout) is other_yes


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_text_says_maybe_when_the_least_sure_point_is_low(lang):
    """Eligible through "no opening of rights in 2019" alone (Le Film
    Français only, low): « peut-être », not « probablement »."""
    answers = {"statut": "artiste", "jours_travailles": 20, "droits_ouverts_2019": False}
    done = check(json.dumps(answers), "--lang", lang)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert MAYBE_WORDS[lang]["eligible"] in lines
    assert VERDICT_WORDS[lang]["eligible"] not in lines
    assert RELIABILITY[lang].format(level={"fr": "faible", "en": "low"}[lang])[:-1] in done.stdout
