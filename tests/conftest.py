"""Shared fixtures: paths, the rules, the engine and the shared test corpus.

Tests that take a ``case`` argument run once per valid case of the corpus
(tests/cases/netflix-audiens-2020.yaml); tests that take ``invalid_case`` run
once per invalid-answers case. Both are parametrized by case id.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path

import pytest
import yaml

from selfcheck import rules as rules_module
from selfcheck.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
RULES_PATH = ROOT / "rules" / "netflix-audiens-2020.yaml"
CASES_PATH = ROOT / "tests" / "cases" / "netflix-audiens-2020.yaml"
FIXTURES_DIR = ROOT / "tests" / "fixtures"
IMAGINARY_RULES_PATH = FIXTURES_DIR / "imaginary-fund.yaml"


@functools.cache
def _corpus() -> dict:
    return yaml.safe_load(CASES_PATH.read_text(encoding="utf-8"))


def load_corpus() -> dict:
    """The shared test corpus (a fresh copy: tests may not alter each other's)."""
    return copy.deepcopy(_corpus())


def pytest_generate_tests(metafunc):
    corpus = load_corpus()
    for name, key in (("case", "cases"), ("invalid_case", "invalid")):
        if name in metafunc.fixturenames:
            cases = corpus[key]
            metafunc.parametrize(name, cases, ids=[c["id"] for c in cases])


@pytest.fixture(scope="session")
def ruleset() -> dict:
    return rules_module.load(RULES_PATH)


@pytest.fixture(scope="session")
def engine(ruleset) -> Engine:
    return Engine(ruleset)


@pytest.fixture
def corpus() -> dict:
    return load_corpus()
