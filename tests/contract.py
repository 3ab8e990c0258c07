"""What several test modules state about the engine's contract, written once
here, by hand (not read from the engine): the answer keys in their stable
order, the keys of every result, and how to run the command line.

Test modules import it as ``contract`` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The stable answer keys (shared/facts/eligibility.md), in the questions' order.
ANSWER_KEYS = (
    "statut",
    "jours_travailles",
    "droits_non_renouveles",
    "droits_ouverts_2019",
    "ressources",
)
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
