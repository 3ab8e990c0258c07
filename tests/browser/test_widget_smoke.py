"""Smoke test of the self-check widget in Debian Chromium (fr and en).

- the widget reaches data-state="ready" (Pyodide in a worker, engine wheel, rules);
- ``window.selfcheck.evaluate(answers)`` gives exactly what CPython's engine gives;
- filling the form by field names (the answer keys) sets data-verdict/data-amount;
- a share fragment refills the form; "clear" empties form, fragment and result;
- the rules bundle the page names is the rules file, compiled;
- with the .wasm download blocked, the error state shows within 15 s;
- every request stays on 127.0.0.1, none carries an answer, nothing is stored
  (storage, cookies), no console error.

Fixtures (``site_server``, ``new_page``) come from tests/browser/conftest.py.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from selfcheck import rules as rules_module
from selfcheck.engine import Engine

pytestmark = pytest.mark.browser

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
READY_TIMEOUT_MS = 90_000
ROOT = "#selfcheck"
RESULT = "#selfcheck-result"

# Engine answers (the JSON contract): three sets with different outcomes, and one
# the engine rejects.
ANSWER_SETS = [
    {
        "statut": "technicien",
        "jours_travailles": 12,
        "droits_non_renouveles": True,
        "ressources": 14000,
    },
    {"statut": "artiste", "jours_travailles": 5},
    {"statut": "artiste", "jours_travailles": 20, "droits_ouverts_2019": False},
    {"statut": "artiste", "jours_travailles": -1},
]

# Form answers (field name → value as typed or chosen) and what the result shows.
FORM_CASES = [
    (
        {
            "statut": "technicien",
            "jours_travailles": "12",
            "droits_non_renouveles": "oui",
            "ressources": "14000",
        },
        "eligible",
        "900",
    ),
    (
        {
            "statut": "artiste",
            "jours_travailles": "20",
            "droits_non_renouveles": "non",
            "droits_ouverts_2019": "non",
            "ressources": "20000",
        },
        "eligible",
        "500",
    ),
    ({"statut": "autre"}, "ineligible", ""),
    ({"statut": "artiste", "jours_travailles": "30"}, "undetermined", ""),
]

FRAGMENT = "statut=technicien&jours_travailles=12&droits_non_renouveles=oui&ressources=14000"


@pytest.fixture(scope="module")
def engine() -> Engine:
    path = os.environ.get("SELFCHECK_RULES", rules_module.DEFAULT_RULES)
    return Engine(rules_module.load(path))


def _open(new_page, site_server, lang, fragment=""):
    recorded = new_page(viewport=(1280, 800))
    url = urljoin(site_server, LANGS[lang]) + (f"#{fragment}" if fragment else "")
    recorded.page.goto(url)
    recorded.page.wait_for_selector(
        f'{ROOT}[data-state="ready"]', state="attached", timeout=READY_TIMEOUT_MS
    )
    return recorded


def _fill(page, answers: dict) -> None:
    for name, value in answers.items():
        field = page.locator(f'[name="{name}"]').first
        if field.get_attribute("type") == "radio":
            page.check(f'[name="{name}"][value="{value}"]')
        else:
            page.fill(f'[name="{name}"]', value)


def _assert_private(recorded, *secrets: str) -> None:
    assert not recorded.external_requests(), recorded.external_requests()
    for url in recorded.requests:
        for secret in secrets:
            assert secret not in url, f"a request carries an answer: {url}"
    stored = "localStorage.length + sessionStorage.length + document.cookie.length"
    assert recorded.page.evaluate(stored) == 0, "the page stored something"
    assert not recorded.console_errors, recorded.console_errors
    assert not recorded.page_errors, recorded.page_errors


@pytest.mark.parametrize("lang", LANGS)
def test_evaluate_matches_cpython(new_page, site_server, engine, lang):
    recorded = _open(new_page, site_server, lang)
    page = recorded.page
    assert page.evaluate("window.selfcheck.ready.then(() => true)")
    for answers in ANSWER_SETS:
        got = page.evaluate("answers => window.selfcheck.evaluate(answers)", answers)
        expected = json.loads(json.dumps(engine.evaluate(answers, lang)))
        assert got == expected, answers
    _assert_private(recorded)


@pytest.mark.parametrize("lang", LANGS)
def test_page_names_the_rules_it_was_built_with(new_page, site_server, engine, lang):
    recorded = _open(new_page, site_server, lang)
    page = recorded.page
    script = page.get_attribute('script[src$="assets/selfcheck/widget.js"]', "src")
    folder = urljoin(urljoin(page.url, script), ".")
    bundle = urljoin(folder, page.get_attribute(ROOT, "data-rules"))
    with urllib.request.urlopen(bundle) as response:  # the test's own request
        assert json.loads(response.read()) == engine.rules
    assert f"-{engine.rules['version']}-" in bundle


@pytest.mark.parametrize("lang", LANGS)
def test_form_sets_verdict_and_amount(new_page, site_server, lang):
    recorded = _open(new_page, site_server, lang)
    page = recorded.page
    result = page.locator(RESULT)
    for answers, verdict, amount in FORM_CASES:
        page.click('[data-action="clear"]')
        expect(result).to_have_attribute("data-verdict", "")
        _fill(page, answers)
        expect(result).to_have_attribute("data-verdict", verdict)
        expect(result).to_have_attribute("data-amount", amount)
        for criterion in ("statut_intermittent", "travail_secteur", "absence_de_droits"):
            item = result.locator(f'[data-criterion="{criterion}"]')
            assert item.get_attribute("data-status") in ("met", "unmet", "unknown")
    _assert_private(recorded, "jours_travailles", "20000")


@pytest.mark.parametrize("lang", LANGS)
def test_fragment_refills_the_form_and_clear_empties_it(new_page, site_server, lang):
    recorded = _open(new_page, site_server, lang, FRAGMENT)
    page = recorded.page
    result = page.locator(RESULT)
    expect(result).to_have_attribute("data-verdict", "eligible")
    expect(result).to_have_attribute("data-amount", "900")
    assert page.is_checked('[name="statut"][value="technicien"]')
    assert page.is_checked('[name="droits_non_renouveles"][value="oui"]')
    assert page.input_value('[name="jours_travailles"]') == "12"
    assert page.input_value('[name="ressources"]') == "14000"

    page.click('[data-action="share"]')
    assert page.input_value("#selfcheck-share-url").endswith(f"#{FRAGMENT}")

    page.click('[data-action="clear"]')
    expect(result).to_have_attribute("data-verdict", "")
    assert "#" not in page.url
    assert not page.is_checked('[name="statut"][value="technicien"]')
    assert page.input_value('[name="jours_travailles"]') == ""
    _assert_private(recorded, "jours_travailles", "technicien")


@pytest.mark.parametrize(("lang", "shown"), [("fr", "14999,5"), ("en", "14999.5")])
def test_fragment_numbers_show_in_the_page_language(new_page, site_server, lang, shown):
    """A decimal in the fragment shows as the reader writes it, and the share
    link gives it back unchanged."""
    fragment = "statut=artiste&jours_travailles=12&ressources=14999.5"
    recorded = _open(new_page, site_server, lang, fragment)
    page = recorded.page
    assert page.input_value('[name="ressources"]') == shown
    expect(page.locator(RESULT)).to_have_attribute("data-answers", fragment)
    page.click('[data-action="share"]')
    assert page.input_value("#selfcheck-share-url").endswith(f"#{fragment}")
    _assert_private(recorded)


def test_blocked_runtime_shows_the_fallback(new_page, site_server):
    recorded = new_page(viewport=(360, 740))
    page = recorded.page
    page.route("**/*.wasm", lambda route: route.abort())
    start = time.monotonic()
    page.goto(urljoin(site_server, LANGS["fr"]))
    page.wait_for_selector(f'{ROOT}[data-state="error"]', state="attached", timeout=15_000)
    assert time.monotonic() - start < 15
    expect(page.locator("#selfcheck-error")).to_be_visible()
    expect(page.locator('#selfcheck-error a[href="../criteres/"]')).to_be_visible()
    outcome = page.evaluate("window.selfcheck.ready.then(() => 'ready', () => 'rejected')")
    assert outcome == "rejected"


SEARCH_INDEX = "search/search_index.json"
RESOURCE_START = """name => performance.getEntriesByType("resource")
    .filter(entry => entry.name.endsWith(name)).map(entry => entry.startTime)"""


def test_search_index_waits_for_the_engine(new_page, site_server):
    """Material's search index (a download, then about 0.2 s of work in its
    own worker) is held back while the engine boots, then built."""
    recorded = _open(new_page, site_server, "fr")
    page = recorded.page
    for _ in range(100):
        started = page.evaluate(RESOURCE_START, SEARCH_INDEX)
        if started:
            break
        page.wait_for_timeout(100)
    assert len(started) == 1, f"{SEARCH_INDEX} requested {len(started)} times"
    ready = page.evaluate(
        "() => performance.getEntriesByName('selfcheck:engine-ready')[0].startTime"
    )
    assert started[0] >= ready, f"index at {started[0]:.0f} ms, engine ready at {ready:.0f} ms"
    _assert_private(recorded)


def test_search_works_while_the_engine_boots(new_page, site_server):
    """Opening the search releases its index at once: a reader who searches
    before the engine is ready gets results."""
    recorded = new_page(viewport=(1280, 800))
    page = recorded.page
    held = []
    page.route("**/*.wasm", lambda route: held.append(route))  # the engine never gets its runtime
    page.goto(urljoin(site_server, LANGS["fr"]), wait_until="load")
    page.wait_for_timeout(1000)
    assert not [url for url in recorded.requests if url.endswith(SEARCH_INDEX)]
    page.locator(".md-search__input").press_sequentially("cachets")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="attached", timeout=15_000)
    assert any("/faq/" in (a.get_attribute("href") or "") for a in results.all())
    assert page.get_attribute(ROOT, "data-state") == "loading"
    for route in held:
        route.abort()


@pytest.mark.parametrize("lang", LANGS)
def test_print_shows_the_result_and_the_answers(new_page, site_server, screenshot, lang):
    recorded = _open(new_page, site_server, lang, FRAGMENT)
    page = recorded.page
    expect(page.locator(RESULT)).to_have_attribute("data-verdict", "eligible")
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", '[data-action="share"]'):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(RESULT)).to_be_visible()
    expect(page.locator(f'{RESULT} [data-criterion="travail_secteur"]')).to_be_visible()
    expect(page.locator('[name="statut"][value="technicien"]')).to_be_visible()
    expect(page.locator('[name="jours_travailles"]')).to_have_value("12")
    expect(page.locator('[name="jours_travailles"]')).to_be_visible()
    screenshot(page, f"widget-{lang}-print")
