"""Where things are in the repository, for the tests and the benchmarks: one
definition of each path, so that none is worked out again from ``__file__``."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RULES_DIR = REPO / "rules"
CASES_DIR = REPO / "tests" / "cases"
FIXTURES = REPO / "tests" / "fixtures"
IMAGINARY_RULES = FIXTURES / "imaginary-fund.yaml"
NODE_MODULES = REPO / "node_modules"
BENCHMARKS = REPO / "benchmarks"


def site_dir() -> Path:
    """The built site the tests read: ``$SELFCHECK_SITE_DIR``, else
    ``<repo>/site`` (what ``make build`` writes)."""
    return Path(os.environ.get("SELFCHECK_SITE_DIR") or REPO / "site").resolve()
