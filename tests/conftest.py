"""Shared fixtures: the rules, the engine and the shared test corpus.

Tests that take a ``case`` argument run once per valid case of the corpus
(tests/cases/<rules id>.yaml); tests that take ``invalid_case`` run once per
invalid-answers case. Both are parametrized by case id. Helpers that test
modules import are in tests/contract.py and tests/support/ (a conftest is not
a module to import from: pytest loads several).
"""

from __future__ import annotations

import pytest
from contract import RULES
from support.corpus import load_corpus

from selfcheck.engine import Engine


def pytest_generate_tests(metafunc):
    corpus = load_corpus(RULES)
    for name, key in (("case", "cases"), ("invalid_case", "invalid")):
        if name in metafunc.fixturenames:
            cases = corpus[key]
            metafunc.parametrize(name, cases, ids=[c["id"] for c in cases])


@pytest.fixture(scope="session")
def ruleset() -> dict:
    return RULES


@pytest.fixture(scope="session")
def engine(ruleset) -> Engine:
    return Engine(ruleset)


@pytest.fixture
def corpus() -> dict:
    return load_corpus(RULES)
