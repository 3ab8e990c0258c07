"""Hostile input never hangs, crashes or floods.

Rules files through ``python -m selfcheck validate`` (and ``check --rules``),
answers through ``python -m selfcheck check``: every case runs in a subprocess
with a timeout, so that a regression fails instead of hanging the suite, and
asserts the whole of stderr — one line naming the file, the line when known,
and never a traceback. The hostile inputs are generated here, never committed.
Nothing here measures speed: the timeouts only bound a hang.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from contract import RULES, RULES_PATH
from support.paths import REPO

REAL = RULES_PATH.read_text(encoding="utf-8")
CHECKED_ON = re.search(r"^checked_on: (.*)$", REAL, re.MULTILINE).group(1)
TIMEOUT = 60  # seconds: a bound on a hang, far above any run of these cases

# The limits the messages state, written here by hand (selfcheck/loader.py and
# selfcheck/cli.py hold them).
RULES_NESTING = 64
CONDITION_DEPTH = 16
ANSWERS_NESTING = 32
INT_DIGITS = 4300  # Python's default limit on reading an integer from text
QUOTED = 80  # characters of a bad value a message quotes
EMPTY = 'no answers (the input is empty); write {} for "nothing answered yet"'
ALIAS = "anchors and aliases ({}) are not allowed in {}: write each value out"


def run(*args, stdin: str = "", stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "selfcheck", *map(str, args)],
        cwd=REPO,
        input=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=TIMEOUT,
    )


def refused(done: subprocess.CompletedProcess, *lines: str) -> None:
    """Exit 2, nothing on stdout, exactly ``lines`` on stderr."""
    assert done.returncode == 2, done.stderr[:2000]
    assert done.stdout == ""
    assert done.stderr.splitlines() == list(lines), done.stderr[:2000]


def cut(text: str) -> str:
    """How a message quotes a long value: its first characters and an ellipsis."""
    return text[: QUOTED - 1] + "…"


# ---------------------------------------------------------------------------
# Rules files


# The adopted reading's list of criteria (every criterion, joined by all).
ADOPTED_COMBINE = re.compile(r"adopted: true\n    combine:\n      all: \[[^\]]*\]")


def rules_variant(tmp_path, old: str, new: str, name: str = "hostile.yaml") -> Path:
    """The real rules file with ``old`` (unique) replaced by ``new``."""
    assert REAL.count(old) == 1, old
    path = tmp_path / name
    path.write_text(REAL.replace(old, new), encoding="utf-8")
    return path


def line_of(path: Path, text: str, first: bool = False) -> int:
    """The number of the only line of ``path`` that starts with ``text`` (or of
    the first one)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, 1) if line.startswith(text)]
    assert hits and (first or len(hits) == 1), (text, hits)
    return hits[0]


FIRST_CONDITION = (
    "    condition:\n      answer: statut\n      op: in\n      value: [artiste, technicien]\n"
)
LEAF = "{answer: statut, op: in, value: [artiste, technicien]}"
THRESHOLD = "  jours_minimum:\n    value: 12\n"


def alias_bomb(indent: str) -> str:
    """Nine levels of nine aliases: 9**9 (387 million) strings once expanded."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * 9)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "".join(f"{indent}{line}\n" for line in lines)


def test_rules_alias_bomb_is_refused_at_its_first_anchor(tmp_path):
    path = rules_variant(tmp_path, "criteria:\n", "bomb:\n" + alias_bomb("  ") + "criteria:\n")
    line = line_of(path, "  a0: &a0")
    message = f"{path}:{line}: YAML: " + ALIAS.format("&a0", "a rules file")
    refused(run("validate", path), message)
    refused(run("check", "--rules", path, "--answers", "-", stdin="{}"), message)


def test_rules_alias_without_anchor_is_refused_too(tmp_path):
    path = rules_variant(tmp_path, "    sources: [aud_nl, lff, sap, dtv]\n", "    sources: *lst\n")
    line = line_of(path, "    sources: *lst")
    refused(run("validate", path), f"{path}:{line}: YAML: " + ALIAS.format("*lst", "a rules file"))


def nested_not(count: int) -> str:
    """A first condition of ``count`` nested ``not`` in block style, one per line."""
    text = "    condition:\n"
    for level in range(count):
        text += " " * (6 + 2 * level) + "not:\n"
    return text + " " * (6 + 2 * count) + LEAF + "\n"


def test_rules_300_nested_not_stop_at_the_nesting_limit(tmp_path):
    path = rules_variant(tmp_path, FIRST_CONDITION, nested_not(300))
    # Levels: the file 1, criteria 2, the criterion 3, the condition's mapping 4
    # (on the line of the first "not:"), each "not" one more, one line down.
    first = line_of(path, "      not:")
    line = first + (RULES_NESTING + 1 - 4)
    refused(
        run("validate", path),
        f"{path}:{line}: YAML: more than {RULES_NESTING} levels of nested mappings and lists "
        "(the maximum for a rules file)",
    )


def test_rules_100k_nested_brackets(tmp_path):
    path = rules_variant(
        tmp_path, "criteria:\n", "extra: " + "[" * 100_000 + "]" * 100_000 + "\ncriteria:\n"
    )
    line = line_of(path, "extra: [[[")
    refused(
        run("validate", path),
        f"{path}:{line}: YAML: more than {RULES_NESTING} levels of nested mappings and lists "
        "(the maximum for a rules file)",
    )


def test_rules_condition_depth_limit(tmp_path):
    """A comparison is one level, each ``not`` one more: 15 ``not`` make the
    maximum depth, 16 are refused with the condition's path and the maximum."""
    at_limit = rules_variant(tmp_path, FIRST_CONDITION, nested_not(CONDITION_DEPTH - 1), "ok.yaml")
    done = run("validate", at_limit)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"ok: {at_limit}\n"
    path = rules_variant(tmp_path, FIRST_CONDITION, nested_not(CONDITION_DEPTH))
    line = line_of(path, "    condition:", first=True)
    refused(
        run("validate", path),
        f"{path}:{line}: criteria[0].condition: a condition nested "
        f"{CONDITION_DEPTH + 1} levels deep; the maximum is {CONDITION_DEPTH}",
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "message"),
    [
        (THRESHOLD, "  jours_minimum:\n    value: .nan\n", "    value: .nan",
         "parameters.jours_minimum.value", "nan is not a finite number"),
        (THRESHOLD, "  jours_minimum:\n    value: .inf\n", "    value: .inf",
         "parameters.jours_minimum.value", "inf is not a finite number"),
        ("  contribution_eur: 1000000\n", "  contribution_eur: -.inf\n", "  contribution_eur:",
         "funder.contribution_eur", "-inf is not a finite number"),
        ("      value: [artiste, technicien]\n", "      value: [artiste, .NaN]\n",
         "      value: [artiste, .NaN]", "criteria[0].condition.value[1]",
         "nan is not a finite number"),
        (THRESHOLD, "  jours_minimum:\n    value: 1" + "0" * 400 + "\n", "    value: 1000",
         "parameters.jours_minimum.value",
         "an integer of 401 digits is too large (not a finite float)"),
    ],
    ids=["nan-threshold", "inf-threshold", "minus-inf-anywhere", "nan-in-a-list", "int-400-digits"],
)  # fmt: skip
def test_rules_non_finite_numbers(tmp_path, old, new, line, field, message):
    path = rules_variant(tmp_path, old, new)
    refused(run("validate", path), f"{path}:{line_of(path, line)}: {field}: {message}")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9" * 5001, f"an integer of 5,001 digits is too long to read (at most {INT_DIGITS:,})"),
        ("!!float douze",
         "tags (!!float) are not allowed in a rules file: write the value plainly (quote a text)"),
        ("!!python/object/apply:os.system [ls]",
         "tags (!!python/object/apply:os.system) are not allowed in a rules file: write the "
         "value plainly (quote a text)"),
    ],
    ids=["int-5001-digits", "float-tag", "python-tag"],
)  # fmt: skip
def test_rules_values_yaml_cannot_read(tmp_path, value, message):
    path = rules_variant(tmp_path, THRESHOLD, f"  jours_minimum:\n    value: {value}\n")
    line = line_of(path, f"    value: {value[:5]}")
    refused(run("validate", path), f"{path}:{line}: YAML: {message}")


def test_rules_control_character(tmp_path):
    path = rules_variant(tmp_path, "\nchecked_on: ", "\nchecked_on: \x07")
    line = line_of(path, "checked_on:")
    refused(
        run("validate", path),
        f"{path}:{line}: YAML: unacceptable character #x0007: special characters are not allowed",
    )


def test_rules_impossible_date(tmp_path):
    path = rules_variant(tmp_path, f"checked_on: {CHECKED_ON}\n", "checked_on: 2026-13-45\n")
    line = line_of(path, "checked_on:")
    refused(run("validate", path), f"{path}:{line}: YAML: 2026-13-45 is not a date")


def test_rules_long_bad_values_are_quoted_cut(tmp_path):
    """A 200 KB operator and identifier: each message quotes ~80 characters."""
    op, ident = "g" * 200_000, "I" * 200_000
    path = rules_variant(tmp_path, "      op: ge\n", f"      op: {op}\n")
    refused(
        run("validate", path),
        f"{path}:{line_of(path, '      op: ggg')}: criteria[1].condition.op: unknown operator "
        f"{cut(repr(op))} (expected one of eq, ne, lt, le, gt, ge, in)",
    )
    path = rules_variant(tmp_path, "id: netflix-audiens-2020\n", f"id: {ident}\n")
    refused(
        run("validate", path),
        f"{path}:{line_of(path, 'id: III')}: id: {cut(repr(ident))} does not match "
        "'^[a-z][a-z0-9_-]*$'",
    )


# ---------------------------------------------------------------------------
# Answers: python -m selfcheck check


def check(stdin: str, *options) -> subprocess.CompletedProcess:
    return run("check", "--answers", "-", *options, stdin=stdin)


@pytest.mark.parametrize("text", ["", "\n  \n", "# only a comment\n"])
def test_empty_answers_are_refused(tmp_path, text):
    refused(check(text), f"error: <stdin>: {EMPTY}")
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    refused(run("check", "--answers", path), f"error: {path}: {EMPTY}")


def test_bytes_that_are_not_utf8_on_stdin():
    done = subprocess.run(
        [sys.executable, "-m", "selfcheck", "check", "--answers", "-"],
        cwd=REPO,
        input="statut: électricien\n".encode("latin-1"),
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert (done.returncode, done.stdout) == (2, b"")
    assert done.stderr.decode() == "error: <stdin>: the answers are not UTF-8 text\n"


def test_control_character_in_answers():
    refused(
        check('{"statut": "artiste",\n"ressources": "1\x07"}'),
        "error: <stdin>:2: answers are neither JSON nor YAML (YAML: unacceptable character "
        "#x0007: special characters are not allowed)",
    )


def test_integer_of_5001_digits(tmp_path):
    digits = "9" * 5001
    message = f"an integer of 5,001 digits is too long to read (at most {INT_DIGITS:,})"
    path = tmp_path / "answers.json"
    path.write_text(f'{{"statut": "artiste",\n "ressources": {digits}}}', encoding="utf-8")
    refused(run("check", "--answers", path), f"error: {path}:2: {message}")
    refused(check(f"statut: artiste\nressources: -{digits}\n"), f"error: <stdin>:2: {message}")


def test_integer_within_the_limit_is_not_finite_quoted_cut():
    """4,300 digits can be read: the engine says the number is not finite, and
    quotes 80 characters of it."""
    digits = "9" * INT_DIGITS
    refused(
        check(f'{{"ressources": {digits}}}', "--lang", "en"),
        f"error: <stdin>: ressources: “ressources” expects a finite number (got {cut(digits)}).",
    )


DEEP = f"more than {ANSWERS_NESTING} levels of nested mappings and lists (the maximum for answers)"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("[" * 30_000 + "]" * 30_000, 1),  # JSON: a RecursionError before
        ("[" * 60_000, 1),  # not even closed
        ('{"statut":\n' + '{"a":\n' * 40 + "1" + "}" * 41, 2 + ANSWERS_NESTING - 1),
        ("statut: " + "[" * 30_000 + "]" * 30_000 + "}", 1),  # YAML flow
        ("a: " + "{" * 60_000, 1),
        ("statut:\n" + "".join(" " * n + "a:\n" for n in range(1, 41)) + " " * 41 + "1\n",
         1 + ANSWERS_NESTING),  # YAML block mappings, one level per line
    ],
    ids=["json-30k", "json-60k-unclosed", "json-lines", "yaml-flow-30k", "yaml-flow-maps",
         "yaml-block"],
)  # fmt: skip
def test_deep_nesting(text, line):
    refused(check(text), f"error: <stdin>:{line}: {DEEP}")


def test_nesting_within_the_limit_is_the_engines_error():
    nested = "[" * ANSWERS_NESTING + "]" * ANSWERS_NESTING  # with the mapping: one level over
    refused(check(f'{{"statut": {nested}}}'), f"error: <stdin>:1: {DEEP}")
    nested = "[" * (ANSWERS_NESTING - 1) + "]" * (ANSWERS_NESTING - 1)
    refused(
        check(f'{{"statut": {nested}}}', "--lang", "en"),
        f"error: <stdin>: statut: “statut” expects one of artiste, technicien, autre "
        f"(got {nested}).",  # 62 characters: quoted whole
    )


def test_yaml_alias_bomb_in_answers():
    refused(
        check(alias_bomb("") + "statut: artiste\n"),
        "error: <stdin>:1: " + ALIAS.format("&a0", "answers"),
    )


@pytest.mark.parametrize(
    ("text", "line", "sign"),
    [
        ("statut: &s artiste\n", 1, "&s"),
        ("statut: artiste\nressources: *r\n", 2, "*r"),
    ],
)
def test_yaml_anchors_and_aliases_in_answers(text, line, sign):
    refused(check(text), f"error: <stdin>:{line}: " + ALIAS.format(sign, "answers"))


def test_duplicate_keys(tmp_path):
    refused(
        check('{"statut": "artiste", "jours_travailles": 12, "statut": "autre"}'),
        "error: <stdin>: duplicate key 'statut'",
    )
    path = tmp_path / "answers.yaml"
    path.write_text("statut: artiste\njours_travailles: 12\nstatut: autre\n", encoding="utf-8")
    refused(run("check", "--answers", path), f"error: {path}:3: duplicate key 'statut'")


# YAML answers read only what JSON can say: YAML 1.1's booleans, hexadecimal,
# octal, grouped and sexagesimal numbers and dates stay text, which the engine
# refuses for a boolean, a number or a choice (expected answers by hand).
SURPRISES = [
    ("statut: yes", {"statut": "yes"}),
    ("statut: no", {"statut": "no"}),
    ("droits_non_renouveles: on", {"droits_non_renouveles": "on"}),
    ("droits_non_renouveles: off", {"droits_non_renouveles": "off"}),
    ("droits_non_renouveles: y", {"droits_non_renouveles": "y"}),
    ("jours_travailles: 0x10", {"jours_travailles": "0x10"}),
    ("jours_travailles: 0o17", {"jours_travailles": "0o17"}),
    ("ressources: 1_000", {"ressources": "1_000"}),
    ("jours_travailles: 1:30", {"jours_travailles": "1:30"}),
    ("droits_ouverts_2019: 2019-01-01", {"droits_ouverts_2019": "2019-01-01"}),
    ("ressources: 15 000", {"ressources": "15 000"}),
]


@pytest.mark.parametrize(("text", "answers"), SURPRISES, ids=[t for t, _ in SURPRISES])
def test_yaml_1_1_surprises_stay_text(engine, text, answers):
    (key,) = answers
    errors = engine.evaluate(answers, "en")["errors"]
    assert [e["question"] for e in errors] == [key]
    refused(
        check(f"# answers\n{text}\n", "--lang", "en"),
        f"error: <stdin>:2: {key}: {errors[0]['message']['en']}",
    )


# What YAML answers do read, as JSON would (expected values by hand).
READ = [
    ("droits_non_renouveles: true", {"droits_non_renouveles": True}),
    ("droits_non_renouveles: False", {"droits_non_renouveles": False}),
    ("jours_travailles: 012", {"jours_travailles": 12}),
    ("jours_travailles: +12", {"jours_travailles": 12}),
    ("ressources: 1.5e4", {"ressources": 15000.0}),
    ("ressources: 14999.5", {"ressources": 14999.5}),
    ("ressources: ~", {}),
    ("ressources: null", {}),
    ("ressources:", {}),
    ('statut: "artiste"', {"statut": "artiste"}),
]


@pytest.mark.parametrize(("text", "answers"), READ, ids=[t for t, _ in READ])
def test_yaml_reads_json_values(engine, text, answers):
    done = check(text + "\n", "--format", "json", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == engine.evaluate(answers, "en")


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("statut: !!str artiste", "!!str"),
        ("statut: !!binary YXJ0aXN0ZQ==", "!!binary"),
        ("ressources: !!python/object/apply:os.system [ls]", "!!python/object/apply:os.system"),
    ],
)
def test_yaml_tags_in_answers(text, tag):
    refused(
        check(text + "\n"),
        f"error: <stdin>:1: tags ({tag}) are not allowed in answers: write the value plainly "
        "(quote a text)",
    )


def test_60_kb_bad_value_is_quoted_cut(tmp_path):
    value = "x" * 60_000
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"statut": value}), encoding="utf-8")
    refused(
        run("check", "--answers", path, "--lang", "en"),
        f"error: {path}: statut: “statut” expects one of artiste, technicien, autre "
        f"(got {cut(repr(value))}).",
    )


def test_long_unknown_key_is_quoted_cut(engine):
    key = "k" * 60_000
    known = ", ".join(q["id"] for q in engine.rules["questions"])
    refused(
        check(json.dumps({key: 1}), "--lang", "en"),
        f"error: <stdin>: {cut(key)}: Unknown question “{cut(key)}” (known questions: {known}).",
    )


# ---------------------------------------------------------------------------
# A closed pipe: `check … | head -1`


@pytest.mark.parametrize(
    "args",
    [
        ("check", "--answers", "-", "--format", "json"),
        ("check", "--answers", "-"),
        ("validate",),
        ("questions",),
        ("ask",),
    ],
    ids=lambda args: " ".join(args),
)
def test_closed_pipe_ends_quietly(args):
    """Standard output is a pipe nobody reads (its reading end closed before the
    command starts, so the first write fails every time): no traceback, and the
    status a shell shows for a command stopped by SIGPIPE, 128 + 13."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = run(*args, stdin="{}", stdout=write_end)
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == 141


# ---------------------------------------------------------------------------
# What a file may cost, whatever its shape (rules/README.md, "The format" and
# "Command line"): each refused at once with a line naming the limit. The time
# each refusal took is printed (a figure, not an assertion); the subprocess's
# timeout only bounds a hang.

RULES_BYTES = 262_144
TEXT_CHARS = 10_000
WORK = 50_000
COMPARISONS = 1_000
ANSWERS_BYTES = 65_536
ANSWER_KEYS = 256


def timed(capsys, what: str, *args, stdin: str = "") -> subprocess.CompletedProcess:
    started = time.perf_counter()
    done = run(*args, stdin=stdin)
    with capsys.disabled():
        print(f"\n  refused in {time.perf_counter() - started:.2f} s: {what}", end="")
    return done


def test_a_parameter_named_5000_times_in_a_title(tmp_path, capsys):
    """20 KB of text named 5,000 times: 100 MB once written in, were it rendered."""
    big = (
        "  grand:\n    value: " + "x" * 20_000 + "\n    label: {fr: a, en: a}\n    sources: [lff]\n"
    )
    path = rules_variant(tmp_path, THRESHOLD, big + THRESHOLD)
    title = RULES["name"]["fr"]
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            f"name:\n  fr: {title}\n", f'name:\n  fr: "{"{grand}" * 5_000}{title}"\n', 1
        ),
        encoding="utf-8",
    )
    size = len("{grand}" * 5_000) + len(RULES["name"]["fr"]) + 5_000 * (20_000 - 7)
    refused(
        timed(capsys, "a parameter named 5,000 times", "validate", path),
        f"{path}:{line_of(path, '  fr: "{grand}')}: name.fr: {size:,} characters once its "
        f"parameters are written in; the most a text may hold is {TEXT_CHARS:,}",
    )


def extra_criteria(count: int, comparisons: int) -> str:
    leaves = ", ".join(
        f"{{answer: jours_travailles, op: ne, value: {n}}}" for n in range(comparisons)
    )
    return "".join(
        f"  - id: extra_{i}\n    title: {{fr: a, en: a}}\n"
        f"    condition: {{all: [{leaves}]}}\n"
        "    text: {met: {fr: a, en: a}, unmet: {fr: a, en: a}, unknown: {fr: a, en: a}}\n"
        "    sources: [lff]\n    confidence: high\n    note: {fr: a, en: a}\n"
        for i in range(count)
    )


def with_extra_criteria(tmp_path, count: int, comparisons: int) -> Path:
    """The real rules with ``count`` more criteria, each of ``comparisons``
    comparisons, required by the adopted reading like every criterion."""
    path = rules_variant(
        tmp_path, "criteria:\n", "criteria:\n" + extra_criteria(count, comparisons)
    )
    adopted = ADOPTED_COMBINE.search(REAL)
    assert adopted, "no adopted reading combining every criterion with all"
    extra = "".join(f"extra_{i}, " for i in range(count))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(adopted[0], adopted[0].replace("[", "[" + extra, 1)), "utf-8")
    return path


def test_criteria_of_2000_comparisons_each(tmp_path, capsys):
    """Five criteria of 2,000 comparisons on one number (within the budget of
    combinations) take 450 KB: over the size of a rules file."""
    path = with_extra_criteria(tmp_path, 5, 2_000)
    refused(
        timed(capsys, "five criteria of 2,000 comparisons", "validate", path),
        f"{path}:0: the file is larger than {RULES_BYTES:,} bytes (the most a rules file may hold)",
    )


def test_criteria_of_400_comparisons_each(tmp_path, capsys):
    """The same, 400 comparisons each (90 KB): over the comparisons a rule set
    may make, refused at the criterion that passes the limit."""
    path = with_extra_criteria(tmp_path, 5, 400)
    refused(
        timed(capsys, "five criteria of 400 comparisons", "validate", path),
        f"{path}:{line_of(path, '    condition: {all: [', first=True) + 2 * 7}: "
        "criteria[2].condition: the conditions up to here make 1,200 comparisons; "
        f"the most a rule set may make is {COMPARISONS:,}",
    )


def test_few_comparisons_on_many_combinations(tmp_path, capsys):
    """Within the comparisons a rule set may make, but one number compared with
    200 values in each of 3 criteria: 201 combinations × 600 comparisons per
    evaluation, over what one evaluation may make."""
    path = with_extra_criteria(tmp_path, 3, 200)
    done = timed(capsys, "three criteria of 200 comparisons", "validate", path)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    (line,) = done.stderr.splitlines()
    where = f"{path}:{line_of(path, '  - id: extra_0')}: criteria[0]: one evaluation would make "
    assert line.startswith(where), line
    assert f"over the engine's limit of {WORK:,} (the questions jours_travailles: " in line, line


@pytest.mark.parametrize("option", ["--rules", "--answers"])
def test_dev_zero(capsys, option):
    args = ["check", "--answers", "-", option, "/dev/zero"]
    if option == "--rules":
        refused(
            timed(capsys, f"{option} /dev/zero", *args, stdin="{}"),
            f"/dev/zero:0: the file is larger than {RULES_BYTES:,} bytes "
            "(the most a rules file may hold)",
        )
    else:
        refused(
            timed(capsys, f"{option} /dev/zero", "check", option, "/dev/zero"),
            f"error: /dev/zero: the answers are larger than {ANSWERS_BYTES:,} bytes "
            "(the most answers may hold)",
        )


def test_a_megabyte_of_yaml_answers(capsys):
    text = "".join(f"k{n}: {n}\n" for n in range(100_000))
    assert len(text) > 1_000_000
    refused(
        timed(capsys, "1 MB of YAML answers", "check", "--answers", "-", stdin=text),
        f"error: <stdin>: the answers are larger than {ANSWERS_BYTES:,} bytes "
        "(the most answers may hold)",
    )


@pytest.mark.parametrize("form", ["json", "yaml"])
def test_too_many_keys(form):
    keys = [f"k{n}" for n in range(ANSWER_KEYS + 1)]
    if form == "json":
        text, line = json.dumps(dict.fromkeys(keys, 1)), ""
    else:
        text, line = "".join(f"{key}: 1\n" for key in keys), f":{ANSWER_KEYS + 1}"
    refused(
        check(text),
        f"error: <stdin>{line}: more than {ANSWER_KEYS:,} keys in one mapping "
        "(the most answers may hold)",
    )


# ---------------------------------------------------------------------------
# Nothing unprintable reaches a terminal; identifiers are whole


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("k\nerror: <stdin>: forged", "k\\nerror: <stdin>: forged"),
        ("abc\u202edcba", "abc\\u202edcba"),
        ("zero\u200bwidth\u200d", "zero\\u200bwidth\\u200d"),
        ("\r\t\x00\x7f", "\\r\\t\\x00\\x7f"),
    ],
    ids=["escape-codes", "newline", "bidi-override", "zero-width", "controls"],
)
def test_unknown_keys_are_shown_escaped(engine, key, shown):
    known = ", ".join(q["id"] for q in engine.rules["questions"])
    refused(
        check(json.dumps({key: 1}), "--lang", "en"),
        f"error: <stdin>: {shown}: Unknown question “{shown}” (known questions: {known}).",
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "pattern"),
    [
        ("id: netflix-audiens-2020\n", 'id: "netflix-audiens-2020\\n"\n', "id",
         "^[a-z][a-z0-9_-]*$"),
        ("  - id: statut\n", '  - id: "statut\\n"\n', "questions[0].id",
         "^[a-z][a-z0-9_-]*$"),
    ],
    ids=["rules-id", "question-id"],
)  # fmt: skip
def test_an_identifier_ending_in_a_newline_is_refused(tmp_path, old, new, field, pattern):
    path = rules_variant(tmp_path, old, new)
    done = run("validate", path)
    assert done.returncode == 2, done.stderr
    value = repr(new.split(": ", 1)[1].strip().strip('"').replace("\\n", "\n"))
    line = f"{path}:{line_of(path, new.split(chr(34))[0] + chr(34))}: {field}: "
    assert f"{line}{value} does not match '{pattern}'" in done.stderr.splitlines(), done.stderr


# ---------------------------------------------------------------------------
# The engine's own errors, in `ask` too


def test_ask_says_the_engines_error_for_a_number_too_long_to_read():
    """4,301 digits typed: not Python's message about its limit, but the
    engine's own, in the reader's language, and the question asked again."""
    first = RULES["questions"][0]
    assert first["type"] == "choice"
    done = run("ask", "--lang", "en", stdin="1\n" + "9" * 4_301 + "\n")
    assert done.returncode == 0, done.stderr
    assert "Exceeds the limit" not in done.stdout and "digits" not in done.stdout
    assert "expects a finite number (got inf)" in done.stdout, done.stdout[-2000:]
