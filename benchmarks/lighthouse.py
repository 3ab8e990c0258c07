"""Lighthouse's scores of the built site, mobile preset, in Debian Chromium.

``PYTHONPATH=tests python benchmarks/lighthouse.py [--site site] [--runs 3]`` (``make bench``).

npm's ``lighthouse`` (pinned 12.2.3 in package.json: later versions need Node
22) against the built site served on 127.0.0.1 by the project's own server
(sitebuild/serve.py, with the production headers): the French home page, the
self-check, the FAQ and the English home page. Lighthouse's default preset is
the mobile one (a phone's screen, a slow 4G link and a 4× slower CPU,
simulated). Printed: each category's score, then every audit that does not
pass, with its figure. Figures, not a test: a busy machine lowers the
performance score (total blocking time), so ``--runs N`` gives each page's
median over N runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from support.chromium import CHROMIUM, CHROMIUM_ARGS  # tests/support/ (PYTHONPATH=tests)
from support.paths import REPO

from sitebuild.serve import serving

PAGES = {
    "home (fr)": "",
    "self-check (fr)": "autodiagnostic/",
    "FAQ (fr)": "faq/",
    "home (en)": "en/",
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
# Audits whose score counts: pass/fail ones, figures, and those measured in
# savings (an audit only "informative" or "not applicable" has no score).
SCORED = {"binary", "numeric", "metricSavings"}


def chrome_flags() -> str:
    """Chromium's flags as Lighthouse's command line reads them (space-separated,
    a value with spaces in quotes)."""
    flags = ["--headless=new"]
    for flag in CHROMIUM_ARGS:
        name, _, value = flag.partition("=")
        flags.append(f'{name}="{value}"' if " " in value else flag)
    return " ".join(flags)


def lighthouse(url: str) -> dict:
    run = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--quiet",
            f"--chrome-flags={chrome_flags()}",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        timeout=300,
    )
    if run.returncode != 0:
        raise RuntimeError(f"lighthouse {url}: exit {run.returncode}\n{run.stderr[-3000:]}")
    return json.loads(run.stdout)


def failing(report: dict) -> list[str]:
    lines = []
    for audit in report["audits"].values():
        score = audit.get("score")
        if audit.get("scoreDisplayMode") in SCORED and score is not None and score < 1:
            figure = audit.get("displayValue") or ""
            lines.append(f"{audit['id']} ({score:.2f}){': ' + figure if figure else ''}")
    return sorted(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=REPO / "site")
    parser.add_argument("--runs", type=int, default=3, help="runs per page (median)")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        sys.exit(f"no built site in {args.site}: run `make build` first")
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make setup` (npm ci)")
    print(f"Lighthouse, mobile preset, {CHROMIUM}, {args.runs} run(s) per page (median)")
    with serving(args.site) as base:
        for name, path in PAGES.items():
            reports = [lighthouse(base + path) for _ in range(args.runs)]
            scores = {
                category: statistics.median(
                    round(report["categories"][category]["score"] * 100) for report in reports
                )
                for category in CATEGORIES
            }
            print(f"  {name:16} " + " / ".join(f"{c} {scores[c]:g}" for c in CATEGORIES))
            last = failing(reports[-1])
            for line in last:
                print(f"      not passed: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
