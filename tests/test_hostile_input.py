"""Hostile input never hangs, crashes or floods (issue 12, section 4).

Rules files through ``python -m selfcheck validate`` (and ``check --rules``):
every case runs in a subprocess
with a timeout, so that a regression fails instead of hanging the suite, and
asserts the whole of stderr — one line naming the file, the line when known,
and never a traceback. The hostile inputs are generated here, never committed.
Nothing here measures speed: the timeouts only bound a hang.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from contract import RULES_PATH

ROOT = Path(__file__).resolve().parent.parent
REAL = RULES_PATH.read_text(encoding="utf-8")
TIMEOUT = 60  # seconds: a bound on a hang, far above any run of these cases

# The limits the messages state, written here by hand (selfcheck/loader.py and
# selfcheck/cli.py hold them).
RULES_NESTING = 64
CONDITION_DEPTH = 16
INT_DIGITS = 4300  # Python's default limit on reading an integer from text
QUOTED = 80  # characters of a bad value a message quotes
ALIAS = "anchors and aliases ({}) are not allowed in {}: write each value out"


def run(*args, stdin: str = "", stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "selfcheck", *map(str, args)],
        cwd=ROOT,
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


def test_rules_500_nested_not_stop_at_the_nesting_limit(tmp_path):
    path = rules_variant(tmp_path, FIRST_CONDITION, nested_not(500))
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


def test_rules_impossible_date(tmp_path):
    path = rules_variant(tmp_path, "checked_on: 2026-11-26\n", "checked_on: 2026-13-45\n")
    line = line_of(path, "checked_on:")
    refused(run("validate", path), f"{path}:{line}: YAML: 2026-13-45 is not a date")


def test_rules_long_bad_values_are_quoted_cut(tmp_path):
    """A megabyte-long operator and identifier: each message quotes ~80 characters."""
    op, ident = "g" * 1_000_000, "I" * 1_000_000
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
