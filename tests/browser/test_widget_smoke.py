"""Smoke test of the self-check widget in Debian Chromium: what needs Playwright.

- Material's search index is held back while the engine boots, and released at
  once when the reader opens the search (requests routed and held);
- printing shows the result and the answers, not the site's chrome (print media);
- every request stays on 127.0.0.1, nothing is stored (storage, cookies), no
  console error.

The scenarios every engine must pass (the form, the API, share links, the
fallback) are in test_widget_engines.py, for Chromium and WebKit alike.

Fixtures (``site_server``, ``new_page``) come from tests/browser/conftest.py.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from contract import RULES
from playwright.sync_api import expect
from support.corpus import first, form_values, load_corpus, settled_eligible
from support.driver import READY_MS, READY_TIMEOUT, STEP_TIMEOUT, PlaywrightPage

from selfcheck.form import fragment

pytestmark = pytest.mark.browser

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
ROOT = "#selfcheck"
RESULT = "#selfcheck-result"

CASES = load_corpus(RULES)["cases"]
# A share link: an eligible case with a settled amount.
SHARED = first(CASES, settled_eligible, "eligible with a settled amount and no null answer")
CRITERIA = [criterion["id"] for criterion in RULES["criteria"]]
KINDS_OF = {question["id"]: question["type"] for question in RULES["questions"]}


def _open(new_page, site_server, lang, fragment=""):
    recorded = new_page(viewport=(1280, 800))
    url = urljoin(site_server, LANGS[lang]) + (f"#{fragment}" if fragment else "")
    recorded.page.goto(url)
    recorded.page.wait_for_selector(
        f'{ROOT}[data-state="ready"]', state="attached", timeout=READY_MS
    )
    return recorded


def _is_radio(key: str) -> bool:
    return KINDS_OF[key] in ("choice", "boolean")


def _field(key: str, value: str) -> str:
    """The selector of the field that holds ``value`` for question ``key``."""
    if _is_radio(key):
        return f'[name="{key}"][value="{value}"]'
    return f'input[type="text"][name="{key}"]'


def _assert_private(recorded) -> None:
    assert not recorded.external_requests(), recorded.external_requests()
    # Kept in the tab only: the answers under one sessionStorage key, nothing else.
    stored = "localStorage.length + document.cookie.length"
    assert recorded.page.evaluate(stored) == 0, "the page stored something"
    keys = recorded.page.evaluate("() => Object.keys(sessionStorage)")
    assert set(keys) <= {f"selfcheck:{RULES['id']}"}, keys
    assert not recorded.console_errors, recorded.console_errors
    assert not recorded.page_errors, recorded.page_errors


SEARCH_INDEX = "search/search_index.json"
# Material opening its search index's request, seen under boot.js's hold
# (installed before the page's scripts, boot.js wraps it).
INDEX_ASKED = """(() => {
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (String(url).endsWith('search/search_index.json')) window.__indexAsked = true;
    return open.call(this, method, url, ...rest);
  };
})();"""
RESOURCE_START = """name => performance.getEntriesByType("resource")
    .filter(entry => entry.name.endsWith(name)).map(entry => entry.startTime)"""


def test_search_index_waits_for_the_engine(new_page, site_server):
    """Material's search index (a download, then about 0.2 s of work in its
    own worker) is held back while the engine boots, then built."""
    recorded = _open(new_page, site_server, "fr")
    page = recorded.page
    started = PlaywrightPage(recorded).wait_until(RESOURCE_START, SEARCH_INDEX, READY_TIMEOUT)
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
    page.add_init_script(INDEX_ASKED)
    page.goto(urljoin(site_server, LANGS["fr"]), wait_until="load")
    # Material has asked for its index (and sent it, in the same task): held back.
    PlaywrightPage(recorded).wait_until("() => window.__indexAsked", timeout=STEP_TIMEOUT)
    assert not [url for url in recorded.requests if url.endswith(SEARCH_INDEX)]
    page.locator(".md-search__input").press_sequentially("cachets")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="attached", timeout=STEP_TIMEOUT * 1000)
    assert any("/faq/" in (a.get_attribute("href") or "") for a in results.all())
    assert page.get_attribute(ROOT, "data-state") == "loading"
    for route in held:
        route.abort()


@pytest.mark.parametrize("lang", LANGS)
def test_print_shows_the_result_and_the_answers(new_page, site_server, screenshot, lang):
    answers = SHARED["answers"]
    recorded = _open(new_page, site_server, lang, fragment(RULES, answers, lang))
    page = recorded.page
    expect(page.locator(RESULT)).to_have_attribute("data-verdict", SHARED["expect"]["verdict"])
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", '[data-action="share"]'):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(RESULT)).to_be_visible()
    for criterion in CRITERIA:
        expect(page.locator(f'{RESULT} [data-criterion="{criterion}"]')).to_be_visible()
    for key, value in form_values(RULES, answers, lang).items():
        field = page.locator(_field(key, value))
        if not _is_radio(key):
            expect(field).to_have_value(value)
        expect(field).to_be_visible()
    screenshot(page, f"widget-{lang}-print")
