"""The site's RGAA 4.1 internal audit (sitebuild/rgaa-4.1.yaml): read,
checked, and summed up for the accessibility statement.

The grid holds every criterion of RGAA 4.1, C, NC or NA. The rate is the share
of C among the applicable criteria; the status follows RGAA's rule (100 %:
totalement conforme, from 50 %: partiellement, else non conforme). A grid that
does not hold exactly RGAA 4.1's criteria, or an NC without its pages, issue
and fix, stops the build with a line naming the criterion.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

AUDIT = Path(__file__).resolve().parent / "rgaa-4.1.yaml"
# RGAA 4.1: how many criteria each of its 13 themes has (106 in all).
THEMES = (9, 2, 3, 13, 8, 2, 5, 10, 4, 14, 13, 11, 12)
CRITERIA = tuple(
    f"{theme}.{n}" for theme, count in enumerate(THEMES, 1) for n in range(1, count + 1)
)
STATUSES = ("C", "NC", "NA")


class AuditError(ValueError):
    """The grid is not a complete, coherent RGAA 4.1 audit."""


def load(path: Path = AUDIT) -> dict[str, Any]:
    """The grid, checked: every problem on one line each, naming the criterion."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = list(_problems(data))
    if problems:
        raise AuditError(f"{path.name}: " + f"\n{path.name}: ".join(problems))
    return data


def _problems(data: Any) -> Iterator[str]:
    if not isinstance(data, dict):
        yield "not a mapping"
        return
    if data.get("rgaa") != "4.1":
        yield 'rgaa: expected "4.1"'
    if not isinstance(data.get("date"), datetime.date):
        yield "date: expected YYYY-MM-DD"
    sample = {page.get("id") for page in data.get("sample") or ()}
    criteria = data.get("criteria") or {}
    if list(criteria) != list(CRITERIA):
        missing = [c for c in CRITERIA if c not in criteria]
        extra = [c for c in criteria if c not in CRITERIA]
        yield f"criteria: RGAA 4.1's 106, in order (missing {missing}, unknown {extra})"
    for number, entry in criteria.items():
        where = f"criteria.{number}"
        if not isinstance(entry, dict):
            yield f"{where}: not a mapping"
            continue
        if entry.get("status") not in STATUSES:
            yield f"{where}.status: {entry.get('status')!r} (expected one of {', '.join(STATUSES)})"
        if not entry.get("method"):
            yield f"{where}.method: say how it was checked"
        if entry.get("status") == "NC":
            pages = entry.get("pages") or []
            if not pages or not set(pages) <= sample:
                yield f"{where}.pages: the sample's pages where it fails ({sorted(sample)})"
            for key in ("issue", "fix"):
                if not all(entry.get(key, {}).get(lang) for lang in ("fr", "en")):
                    yield f"{where}.{key}: a text in fr and en"
        for test in entry.get("tests") or ():
            if "::" not in str(test):
                yield f"{where}.tests: {test!r} is not a path::function"


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """Counts, the rate (a fraction of the applicable criteria) and the status
    by RGAA's rule (``full``, ``partial``, ``none``)."""
    counts = {status: 0 for status in STATUSES}
    for entry in data["criteria"].values():
        counts[entry["status"]] += 1
    applicable = counts["C"] + counts["NC"]
    rate = counts["C"] / applicable if applicable else 0.0
    status = "full" if rate == 1 else "partial" if rate >= 0.5 else "none"
    return {"counts": counts, "applicable": applicable, "rate": rate, "status": status}
