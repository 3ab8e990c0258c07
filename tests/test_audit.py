"""The RGAA 4.1 internal audit (sitebuild/rgaa-4.1.yaml) and the
accessibility statement generated from it.

- the grid holds exactly RGAA 4.1's 106 criteria, each C, NC or NA with its
  method; an NC says where, what and what will fix it (sitebuild/audit.py
  refuses anything else, naming the criterion);
- a criterion a test checks names that test, the test exists, and its module
  names the criterion back on its "RGAA 4.1:" line — no more, no fewer;
- the rate and the status follow RGAA's rule (100 %: totalement, from 50 %:
  partiellement, else non conforme);
- the statement, fr and en, shows that rate, that status, the audit's date and
  every non-conformity with its fix.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict

import pytest
from contract import RULES
from support.paths import REPO

from selfcheck import words
from selfcheck.formatting import format_date, format_number
from sitebuild import audit, pages

GRID = audit.load()


def test_the_grid_holds_every_rgaa_criterion_once():
    assert len(audit.CRITERIA) == 106
    assert list(GRID["criteria"]) == list(audit.CRITERIA)
    assert {e["status"] for e in GRID["criteria"].values()} <= set(audit.STATUSES)


def test_tests_and_criteria_name_each_other():
    named = defaultdict(set)
    for number, entry in GRID["criteria"].items():
        for test in entry.get("tests") or ():
            path, function = test.split("::")
            source = (REPO / path).read_text(encoding="utf-8")
            assert re.search(rf"^def {function}\(", source, re.M), f"{number}: no test {test}"
            named[path].add(number)
    assert named, "no criterion names a test"
    for path, numbers in named.items():
        source = (REPO / path).read_text(encoding="utf-8")
        line = re.search(r"^RGAA 4\.1: ([0-9., ]+)$", source, re.M)
        assert line, f"{path}: no 'RGAA 4.1:' line naming {sorted(numbers)}"
        listed = {n.strip() for n in line[1].split(",")}
        assert listed == numbers, (path, sorted(listed ^ numbers))
    # and no module claims a criterion the grid does not send to it
    for path in (REPO / "tests").rglob("test_*.py"):
        relative = path.relative_to(REPO).as_posix()
        if relative not in named:
            assert not re.search(r"^RGAA 4\.1: ", path.read_text(encoding="utf-8"), re.M), relative


@pytest.mark.parametrize(
    ("statuses", "status"),
    [(["C"] * 3 + ["NA"], "full"), (["C", "NC"], "partial"), (["C", "NC", "NC"], "none")],
)
def test_status_follows_rgaas_rule(statuses, status):
    grid = {"criteria": {str(i): {"status": s} for i, s in enumerate(statuses)}}
    assert audit.summary(grid)["status"] == status


# A non-conformity of the grid, whichever is left (an NC must say where and how to fix it).
NC = next(number for number, entry in GRID["criteria"].items() if entry["status"] == "NC")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda g: g["criteria"].pop("4.13"), "missing ['4.13']"),
        (lambda g: g["criteria"][NC].pop("fix"), f"criteria.{NC}.fix"),
        (lambda g: g["criteria"]["3.1"].update(status="OK"), "criteria.3.1.status"),
        (lambda g: g["criteria"][NC].update(pages=["nowhere"]), f"criteria.{NC}.pages"),
        (lambda g: g["criteria"]["1.2"].update(status="NC"), "criteria.1.2.pages"),
    ],
)
def test_a_wrong_grid_is_refused_naming_the_criterion(tmp_path, change, named):
    import yaml

    grid = copy.deepcopy(GRID)
    change(grid)
    path = tmp_path / "rgaa-4.1.yaml"
    path.write_text(yaml.safe_dump(grid, allow_unicode=True), encoding="utf-8")
    with pytest.raises(audit.AuditError, match=re.escape(named)):
        audit.load(path)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_statement_shows_the_audits_rate(lang):
    summed = audit.summary(GRID)
    page = (REPO / "docs" / lang / "accessibilite.md").read_text(encoding="utf-8")
    shown = pages.expand(page, RULES, lang)
    rate = format_number(round(summed["rate"] * 100, 2), lang, decimals=2)
    assert words.text(lang, "audit.percent", number=rate) in shown
    assert f"**{words.text(lang, f'audit.status.{summed["status"]}')}**" in shown
    assert format_date(GRID["date"].isoformat(), lang) in shown
    for number, entry in GRID["criteria"].items():
        if entry["status"] == "NC":
            assert words.text(lang, "audit.criterion", number=number) in shown, number
    for line in GRID["environment"]:
        assert line[lang] in shown
