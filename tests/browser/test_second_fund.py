"""A second fund through the same code: the imaginary fund's site
(tests/fixtures/imaginary-site/, rules tests/fixtures/imaginary-fund.yaml) is
built with `mkdocs build --strict`, its generated pages hold its criteria and
sources, and its self-check, answered in Debian Chromium, gives the verdicts
of its own corpus (tests/cases/fonds-imaginaire-musiciens-de-rue.yaml)."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect
from support.corpus import load_corpus
from support.driver import READY_MS
from support.paths import IMAGINARY_RULES, REPO

from selfcheck import loader
from selfcheck.engine import Engine
from selfcheck.form import fragment
from sitebuild.serve import serving

pytestmark = pytest.mark.browser

RULES_FILE = IMAGINARY_RULES
CONFIG = REPO / "tests" / "fixtures" / "imaginary-site" / "mkdocs.yml"
RULES = loader.load(RULES_FILE)
CASES = load_corpus(RULES)["cases"]


@pytest.fixture(scope="module")
def imaginary_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("imaginary") / "site"
    env = {**os.environ, "SELFCHECK_RULES": str(RULES_FILE), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(CONFIG), "-d", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, f"build failed:\n{done.stdout}\n{done.stderr}"
    return site


@pytest.fixture(scope="module")
def imaginary_server(imaginary_site):
    with serving(imaginary_site) as base_url:
        yield base_url


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_generated_pages_are_the_imaginary_funds(imaginary_site, lang):
    folder = imaginary_site / ("en" if lang == "en" else "")
    criteria = (folder / "criteres" / "index.html").read_text(encoding="utf-8")
    for criterion in RULES["criteria"]:
        assert f'id="{criterion["id"]}"' in criteria
    sources = (folder / "sources" / "index.html").read_text(encoding="utf-8")
    for source in RULES["sources"]:
        assert source["url"] in sources
    widget = (folder / "autodiagnostic" / "index.html").read_text(encoding="utf-8")
    for question in RULES["questions"]:
        assert f'name="{question["id"]}"' in widget
    disclaimer = Engine(RULES).evaluate({}, lang)["display"]["disclaimer"]
    assert disclaimer in html.unescape(widget)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_imaginary_self_check_answers_its_corpus(new_page, imaginary_server, lang):
    recorded = new_page()
    page = recorded.page
    engine = Engine(RULES)
    path = "autodiagnostic/" if lang == "fr" else "en/autodiagnostic/"
    result = page.locator("#selfcheck-result")
    page.goto(urljoin(imaginary_server, path))
    page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
    for case in [c for c in CASES if c["answers"] and None not in c["answers"].values()]:
        # A share link of the case's answers: the form refills, the engine answers.
        shared = fragment(RULES, case["answers"], lang)
        page.evaluate("(hash) => { location.hash = hash; }", shared)
        expect(result).to_have_attribute("data-answers", shared)
        want = case["expect"]
        expect(result).to_have_attribute("data-verdict", want["verdict"])
        amount = "" if want["amount"] is None else str(want["amount"])
        expect(result).to_have_attribute("data-amount", amount)
        for criterion, status in want["criteria"].items():
            item = result.locator(f'[data-criterion="{criterion}"]')
            expect(item).to_have_attribute("data-status", status)
        headline = engine.evaluate(case["answers"], lang)["display"]["verdict"]
        expect(page.locator(".selfcheck-verdict")).to_have_text(headline)
    recorded.assert_clean(f"imaginary fund, {lang}")
