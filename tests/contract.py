"""What several test modules state about the engine's contract, written once.

The answer keys come from the rules file (in the questions' order); the keys of
every result are the JSON contract of README.md, written here by hand (not read
from the engine); ``run_cli`` runs the command line.

Test modules import it as ``contract`` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from selfcheck import loader

ROOT = Path(__file__).resolve().parent.parent
RULES_PATH = loader.default_rules()
IMAGINARY_RULES_PATH = ROOT / "tests" / "fixtures" / "imaginary-fund.yaml"
RULES = loader.load(RULES_PATH)

# The answer keys, in the questions' order.
ANSWER_KEYS = tuple(q["id"] for q in RULES["questions"])
RESULT_KEYS = {
    "rules",
    "lang",
    "verdict",
    "amount",
    "amount_options",
    "currency",
    "criteria",
    "missing",
    "errors",
    "eligible_if",
    "would_change",
    "confidence",
    "readings",
    "display",
}
DISPLAY_KEYS = {
    "verdict",
    "hint",
    "amount",
    "amount_value",
    "announcement",
    "criteria",
    "missing",
    "rules",
    "disclaimer",
    "notice",
    "confidence",
    "reading",
    "warnings",
    "errors",
}


def run_cli(*args, stdin=""):
    """``python -m selfcheck *args`` from the repository root; the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "selfcheck", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
