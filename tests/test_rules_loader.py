"""Invalid rules files: one clear line per problem, ``file:line: path: message``,
never a traceback. Each broken variant is the real rules file with one edit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.paths import REPO

from selfcheck.conditions import OPERATORS
from selfcheck.loader import RulesError, default_rules, load, load_text

RULES_PATH = default_rules()
REAL = RULES_PATH.read_text(encoding="utf-8")


def variant(tmp_path, old: str, new: str) -> tuple[Path, str, int]:
    """The real rules with ``old`` (unique) replaced by ``new``; also returns the
    number of the line where the replacement starts."""
    assert REAL.count(old) == 1, old
    text = REAL.replace(old, new)
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    start = REAL[: REAL.index(old)].count("\n") + 1
    return path, text, start


def line_of(text: str, line: str, start: int = 1) -> int:
    """1-based number of the first line from ``start`` on that reads ``line``
    (stripped); it must be the only one if searching from the top."""
    hits = [n for n, item in enumerate(text.splitlines(), 1) if item.strip() == line and n >= start]
    assert hits and (start > 1 or len(hits) == 1), (line, hits)
    return hits[0]


def problems(path: Path) -> list[str]:
    with pytest.raises(RulesError) as info:
        load(path)
    assert str(info.value) == "\n".join(info.value.problems)
    return info.value.problems


# (id, old, new, line the problem is on (stripped, in the broken file), field path, message)
BROKEN = [
    ("unknown-operator",
     "      answer: jours_travailles\n      op: ge\n",
     "      answer: jours_travailles\n      op: gte\n",
     "op: gte", "criteria[1].condition.op",
     f"unknown operator 'gte' (expected one of {', '.join(OPERATORS)})"),
    ("unknown-answer-key",
     "      answer: jours_travailles\n      op: ge\n",
     "      answer: jours_travaille\n      op: ge\n",
     "answer: jours_travaille", "criteria[1].condition.answer",
     "unknown question 'jours_travaille'"),
    ("unknown-source-in-criterion",
     "    sources: [aud_nl, lff, sap, dtv]\n",
     "    sources: [aud_nl, lff, sap, dailytv]\n",
     "sources: [aud_nl, lff, sap, dailytv]", "criteria[2].sources[3]",
     "unknown source 'dailytv'"),
    ("unknown-source-in-amount",
     "  sources: [jd, bours, sap]\n",
     "  sources: [jd, boursier, sap]\n",
     "sources: [jd, boursier, sap]", "amount.sources[1]",
     "unknown source 'boursier'"),
    ("unknown-parameter-in-condition",
     "        param: plafond_ressources\n",
     "        param: plafond\n",
     "param: plafond", "amount.tiers[0].condition.param",
     "unknown parameter 'plafond'"),
    ("unknown-parameter-in-amount",
     "  base: {param: montant_base}\n",
     "  base: {param: montant}\n",
     "base: {param: montant}", "amount.base",
     "unknown parameter 'montant'"),
    ("unknown-placeholder",
     "        fr: Vous étiez intermittent, relevant de l'Annexe 8 ou de l'Annexe 10.\n",
     "        fr: Vous étiez intermittent, relevant de l'Annexe 8 ou {nope}.\n",
     "fr: Vous étiez intermittent, relevant de l'Annexe 8 ou {nope}.", "criteria[0].text.met.fr",
     "unknown placeholder {nope} (no such parameter)"),
    ("unknown-form-of-a-parameter",
     "        fr: Vous étiez intermittent, relevant de l'Annexe 8 ou de l'Annexe 10.\n",
     "        fr: Vous étiez intermittent, relevant de l'Annexe 8 ou {jours_minimum.month}.\n",
     "fr: Vous étiez intermittent, relevant de l'Annexe 8 ou {jours_minimum.month}.",
     "criteria[0].text.met.fr",
     "unknown placeholder {jours_minimum.month} (forms of a parameter in 'days': none)"),
    ("missing-required-field",
     "    confidence: medium\n    note:\n",
     "    note:\n",
     "- id: absence_de_droits", "criteria[2]",
     "'confidence' is required"),
    ("missing-top-level-field",
     'version: "1.0.0"\n',
     "",
     "id: netflix-audiens-2020", "(root)",
     "'version' is required"),
    ("yaml-syntax-error",
     "languages: [fr, en]\n",
     "languages: [fr, en]]\n",
     "languages: [fr, en]]", "YAML",
     "expected <block end>, but found ']'"),
    ("ge-on-a-boolean",
     "          op: eq\n          value: true\n",
     "          op: ge\n          value: true\n",
     "op: ge", "criteria[2].condition.any[0].op",
     "operator 'ge' needs a numeric question; 'droits_non_renouveles' is boolean"),
    ("not-a-boolean-value",
     "          op: eq\n          value: true\n",
     "          op: eq\n          value: oui\n",
     "value: oui", "criteria[2].condition.any[0].value",
     "'droits_non_renouveles' is boolean; 'oui' is not true or false"),
    ("wrong-choice-value",
     "      value: [artiste, technicien]\n",
     "      value: [artiste, technicienne]\n",
     "value: [artiste, technicienne]", "criteria[0].condition.value",
     "'technicienne' is not an option of 'statut' (artiste, technicien, autre)"),
    ("unknown-field",
     "  - id: travail_secteur\n    title:\n",
     "  - id: travail_secteur\n    titel: {fr: x, en: x}\n    title:\n",
     "- id: travail_secteur", "criteria[1]",
     "unknown field 'titel' (allowed: condition, confidence, id, note, quotes, sources, text, "
     "title)"),
    ("choice-without-options",
     "\ncriteria:\n",
     "\n  - id: region\n    type: choice\n    label: {fr: Région, en: Region}\n\ncriteria:\n",
     "- id: region", f"questions[{len(yaml.safe_load(REAL)['questions'])}]",
     "a choice question needs options"),
    ("options-on-a-boolean",
     "  - id: droits_ouverts_2019\n    type: boolean\n",
     "  - id: droits_ouverts_2019\n    type: boolean\n    options:\n"
     "      - {value: oui, label: {fr: Oui, en: \"Yes\"}}\n"
     "      - {value: non, label: {fr: Non, en: \"No\"}}\n",
     "options:", "questions[3].options",
     "a boolean question takes no options"),
    ("reading-names-an-unknown-criterion",
     "        - any: [travail_secteur, absence_de_droits]\n",
     "        - any: [travail_secteur, absence_droits]\n",
     "- any: [travail_secteur, absence_droits]", "readings[1].combine.all[1].any[1]",
     "unknown criterion 'absence_droits' "
     "(criteria: statut_intermittent, travail_secteur, absence_de_droits)"),
    ("no-reading-adopted",
     "    adopted: true\n",
     "    adopted: false\n",
     "readings:", "readings",
     "exactly one reading must be adopted: true (adopted: none)"),
    ("adopted-reading-not-every-criterion",
     "      all: [statut_intermittent, travail_secteur, absence_de_droits]\n",
     "      all: [statut_intermittent, travail_secteur]\n",
     "all: [statut_intermittent, travail_secteur]", "readings[0].combine.all",
     "the adopted reading must be {all: [...]} naming every criterion once "
     "(statut_intermittent, travail_secteur, absence_de_droits); other combinations "
     "are declared as readings not adopted"),
    ("quote-from-an-unknown-source",
     "  - id: lff_aide\n    source: lff\n",
     "  - id: lff_aide\n    source: lf\n",
     "source: lf", "quotes[4].source",
     "unknown source 'lf'"),
    ("criterion-names-an-unknown-quote",
     "    quotes: [lff_travail, aud_nl_secteur]\n",
     "    quotes: [lff_travail, aud_nl_secteurs]\n",
     "quotes: [lff_travail, aud_nl_secteurs]", "criteria[1].quotes[1]",
     "unknown quote 'aud_nl_secteurs'"),
    ("parameter-not-a-number",
     "    value: 500\n",
     "    value: cinq cents\n",
     "base: {param: montant_base}", "amount.base",
     "parameter 'montant_base' is not a number"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [row[1:] for row in BROKEN],
    ids=[row[0] for row in BROKEN],
)
def test_one_clear_line(tmp_path, old, new, line, field, message):
    path, text, start = variant(tmp_path, old, new)
    if field == "(root)":
        number = 1
    elif line in (item.strip() for item in new.splitlines()):
        number = line_of(text, line, start)
    else:
        number = line_of(text, line)
    assert problems(path) == [f"{path}:{number}: {field}: {message}"]


def test_duplicate_criterion_id(tmp_path):
    path, text, _ = variant(tmp_path, "  - id: travail_secteur\n", "  - id: statut_intermittent\n")
    number = REAL.splitlines().index("  - id: travail_secteur") + 1
    assert text.splitlines()[number - 1] == "  - id: statut_intermittent"
    assert problems(path) == [
        f"{path}:{number}: criteria[1].id: duplicate id 'statut_intermittent'"
    ]


def test_several_problems_one_line_each(tmp_path):
    text = REAL.replace("      op: ge\n", "      op: gte\n").replace(
        "  sources: [jd, bours, sap]\n", "  sources: [jd, bours, nowhere]\n"
    )
    text = text.replace('version: "1.0.0"\n', "")
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    found = problems(path)
    assert len(found) == 2  # schema problems first; the source check waits for a valid schema
    assert f"{path}:1: (root): 'version' is required" in found
    prefix = f"{path}:{line_of(text, 'op: gte')}: criteria[1].condition.op: "
    assert any(p.startswith(prefix) for p in found)


def test_unknown_field_and_missing_field_together(tmp_path):
    path, text, _ = variant(
        tmp_path, "    confidence: medium\n    note:\n", "    confiance: medium\n    note:\n"
    )
    number = line_of(text, "- id: absence_de_droits")
    assert sorted(problems(path)) == [
        f"{path}:{number}: criteria[2]: 'confidence' is required",
        f"{path}:{number}: criteria[2]: unknown field 'confiance' (allowed: condition, "
        "confidence, id, note, quotes, sources, text, title)",
    ]


def test_unreadable_and_empty_files(tmp_path):
    missing = tmp_path / "nope.yaml"
    assert problems(missing) == [f"{missing}:0: cannot read the file (No such file or directory)"]
    binary = tmp_path / "latin1.yaml"
    binary.write_bytes("id: café".encode("latin-1"))
    assert problems(binary) == [f"{binary}:0: the file is not UTF-8 text"]
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert problems(empty) == [f"{empty}:1: (root): a rules file must be a mapping"]


def test_load_text_names_the_file():
    with pytest.raises(RulesError) as info:
        load_text(REAL.replace("      op: ge\n", "      op: gte\n"), "rules/x.yaml")
    number = line_of(REAL.replace("      op: ge\n", "      op: gte\n"), "op: gte")
    assert info.value.problems == [
        f"rules/x.yaml:{number}: criteria[1].condition.op: unknown operator 'gte' "
        f"(expected one of {', '.join(OPERATORS)})"
    ]


def test_real_rules_load():
    rules = load(RULES_PATH)
    assert rules["id"] == "netflix-audiens-2020"
    assert rules["checked_on"] == "2026-11-30"  # YAML dates become ISO strings


def test_choice_without_options_used_in_a_condition(tmp_path):
    path, text, _ = variant(
        tmp_path,
        "  - id: droits_ouverts_2019\n    type: boolean\n",
        "  - id: droits_ouverts_2019\n    type: choice\n",
    )
    found = problems(path)
    number = line_of(text, "- id: droits_ouverts_2019")
    assert f"{path}:{number}: questions[3]: a choice question needs options" in found


# ---------------------------------------------------------------------------
# python -m selfcheck validate


def validate(*files):
    return subprocess.run(
        [sys.executable, "-m", "selfcheck", "validate", *map(str, files)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_validate_real_file():
    done = validate(RULES_PATH)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"ok: {RULES_PATH}\n"
    assert validate().returncode == 0  # default: rules/*.yaml


def test_validate_broken_file(tmp_path):
    path, text, _ = variant(tmp_path, "      op: ge\n", "      op: gte\n")
    done = validate(path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    number = line_of(text, "op: gte")
    assert done.stderr.splitlines() == [
        f"{path}:{number}: criteria[1].condition.op: unknown operator 'gte' "
        f"(expected one of {', '.join(OPERATORS)})"
    ]


def test_validate_good_and_broken(tmp_path):
    path, _, _ = variant(tmp_path, "languages: [fr, en]\n", "languages: [fr, en]]\n")
    done = validate(RULES_PATH, path)
    assert done.returncode == 2
    assert done.stdout == f"ok: {RULES_PATH}\n"
    assert done.stderr.startswith(f"{path}:")
    assert "Traceback" not in done.stderr


def test_check_with_broken_rules(tmp_path):
    path, _, _ = variant(tmp_path, "  base: {param: montant_base}\n", "  base: {param: montant}\n")
    done = subprocess.run(
        [sys.executable, "-m", "selfcheck", "check", "--rules", str(path), "--answers", "-"],
        cwd=REPO,
        input="{}",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "amount.base: unknown parameter 'montant'" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_choice_without_options_no_traceback(tmp_path):
    path, _, _ = variant(
        tmp_path,
        "  - id: droits_ouverts_2019\n    type: boolean\n",
        "  - id: droits_ouverts_2019\n    type: choice\n",
    )
    done = validate(path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "a choice question needs options" in done.stderr


def test_rules_over_the_engines_budget_are_refused_with_a_clear_line(tmp_path):
    """Thirteen booleans in one condition: 8,192 combinations to examine, over
    the budget of 4,096; the loader says so instead of the engine hanging."""
    import yaml
    from synthetic import synthetic_rules

    from selfcheck.analysis import GROUP_BUDGET

    rules = synthetic_rules(13)
    for question in rules["questions"]:
        question.update(type="boolean")
        question.pop("min", None)
        question.pop("unit", None)
    rules["amount"]["tiers"] = []
    rules["criteria"] = rules["criteria"][:1]
    rules["criteria"][0]["condition"] = {
        "all": [{"answer": q["id"], "op": "eq", "value": True} for q in rules["questions"]]
    }
    path = tmp_path / "wide.yaml"
    path.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    found = problems(path)
    assert len(found) == 1
    assert found[0].startswith(f"{path}:")
    assert ": criteria[0]: the questions q0, q1," in found[0]
    assert "8,192 combinations" in found[0] and f"budget of {GROUP_BUDGET:,}" in found[0]
