"""What several test modules state about the engine's contract, written once.

The answer keys come from the rules file (in the questions' order); the keys of
every result are those the published result schema requires (the JSON contract
of selfcheck/README.md); ``run_cli`` runs the command line.

Test modules import it as ``contract`` (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import subprocess
import sys

from support.paths import REPO

from selfcheck import loader
from sitebuild.api import result_schema

RULES_PATH = loader.default_rules()
RULES = loader.load(RULES_PATH)

# The answer keys, in the questions' order.
ANSWER_KEYS = tuple(q["id"] for q in RULES["questions"])
# The contract's keys, as the published schema requires them (written by hand
# in sitebuild/api.py, not read from the engine); tests/test_contract.py holds
# them equal to the documented contract (selfcheck/README.md) and to what the
# engine returns.
_SCHEMA = result_schema(RULES)
RESULT_KEYS = frozenset(_SCHEMA["required"])
DISPLAY_KEYS = frozenset(_SCHEMA["properties"]["display"]["required"])
CRITERION_KEYS = frozenset(_SCHEMA["properties"]["criteria"]["items"]["required"])
DISPLAY_CRITERION_KEYS = frozenset(
    _SCHEMA["properties"]["display"]["properties"]["criteria"]["items"]["required"]
)
DISPLAY_MISSING_KEYS = frozenset(
    _SCHEMA["properties"]["display"]["properties"]["missing"]["items"]["required"]
)


def run_cli(*args, stdin=""):
    """``python -m selfcheck *args`` from the repository root; the completed process."""
    return subprocess.run(
        [sys.executable, "-m", "selfcheck", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
