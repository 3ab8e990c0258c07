"""Smoke test of the self-check widget in Debian Chromium (fr and en).

- the widget reaches data-state="ready" (Pyodide in a worker, engine wheel, rules);
- ``window.selfcheck.evaluate(answers)`` gives exactly what CPython's engine gives;
- filling the form by field names (the answer keys) sets data-verdict/data-amount;
- a share fragment refills the form; "clear" empties form, fragment and result;
- the rules bundle the page names is the rules file, compiled;
- with the .wasm download blocked, the error state shows within 15 s;
- every request stays on 127.0.0.1, none carries an answer, nothing is stored
  (storage, cookies), no console error.

The answers come from the shared corpus (tests/cases/<rules id>.yaml) and the
rules: the first case of each outcome (verdict, amount options), an eligible
case with a settled amount for the share link, an invalid answer built from the
questions (tests/support/corpus.py).

Fixtures (``site_server``, ``new_page``) come from tests/browser/conftest.py.
"""

from __future__ import annotations

import json
import time
import urllib.request
from urllib.parse import quote, urljoin

import pytest
from contract import ANSWER_KEYS, RULES
from playwright.sync_api import expect
from support.corpus import (
    first,
    form_values,
    invalid_answers,
    js_number,
    load_corpus,
    one_of_each_kind,
    settled_eligible,
)

from selfcheck import loader as rules_module
from selfcheck.engine import Engine
from selfcheck.form import fragment

pytestmark = pytest.mark.browser

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
READY_TIMEOUT_MS = 90_000
STEP_TIMEOUT_MS = 10_000
ROOT = "#selfcheck"
RESULT = "#selfcheck-result"
TOGGLE = '[data-action="show-all"]'
SHARE_URL = "#selfcheck-share-url"

CASES = load_corpus(RULES)["cases"]
# The first case of each outcome (verdict, amount options) in the corpus.
KINDS = one_of_each_kind(CASES)
# Engine answers (the JSON contract): one set per outcome, and one the engine rejects.
ANSWER_SETS = [case["answers"] for case in KINDS] + [invalid_answers(RULES)]
# Form cases: the answers, and what the result shows (data-verdict, data-amount).
FORM_CASES = [
    (
        case["id"],
        case["answers"],
        case["expect"]["verdict"],
        "" if case["expect"].get("amount") is None else js_number(case["expect"]["amount"]),
    )
    for case in KINDS
]
# A share link: an eligible case with a settled amount.
SHARED = first(CASES, settled_eligible, "eligible with a settled amount and no null answer")
CRITERIA = [criterion["id"] for criterion in RULES["criteria"]]
KINDS_OF = {question["id"]: question["type"] for question in RULES["questions"]}


@pytest.fixture(scope="module")
def engine() -> Engine:
    path = rules_module.default_rules()
    return Engine(rules_module.load(path))


def _open(new_page, site_server, lang, fragment=""):
    recorded = new_page(viewport=(1280, 800))
    url = urljoin(site_server, LANGS[lang]) + (f"#{fragment}" if fragment else "")
    recorded.page.goto(url)
    recorded.page.wait_for_selector(
        f'{ROOT}[data-state="ready"]', state="attached", timeout=READY_TIMEOUT_MS
    )
    return recorded


def _is_radio(key: str) -> bool:
    return KINDS_OF[key] in ("choice", "boolean")


def _field(key: str, value: str) -> str:
    """The selector of the field that holds ``value`` for question ``key``."""
    if _is_radio(key):
        return f'[name="{key}"][value="{value}"]'
    return f'input[type="text"][name="{key}"]'


def _set_show_all(page, on: bool) -> None:
    toggle = page.locator(TOGGLE)
    if (toggle.get_attribute("aria-pressed") == "true") != on:
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true" if on else "false")


def _fill(page, answers: dict, lang: str) -> None:
    """Fill the form by field names (the answer keys), in asking order, as a reader
    does: a radio checked, a number typed then Tab. After each answer, wait for the
    result that reflects it. A question the engine no longer needs (hidden) is
    reached with "show all questions", released at the end."""
    values = form_values(RULES, answers, lang)
    so_far = {}
    for key, value in values.items():
        if not page.locator(f'[data-question="{key}"]').is_visible():
            _set_show_all(page, True)
        field = page.locator(_field(key, value))
        if _is_radio(key):
            field.check()
        else:
            field.fill(value)
            field.press("Tab")
        so_far[key] = answers[key]
        page.wait_for_selector(
            f'{RESULT}[data-answers="{fragment(RULES, so_far, lang)}"]',
            state="attached",
            timeout=STEP_TIMEOUT_MS,
        )
    _set_show_all(page, False)


def _shared_url(page):
    """The share link, once the engine has written it (the share button asks it)."""
    share = page.locator(SHARE_URL)
    expect(share).not_to_have_value("")
    return share.input_value()


def _secrets(answers: dict, lang: str) -> list[str]:
    """What no request may carry: each answer as ``key=value``."""
    return [f"{k}={quote(v)}" for k, v in form_values(RULES, answers, lang).items()]


def _assert_private(recorded, *secrets: str) -> None:
    assert not recorded.external_requests(), recorded.external_requests()
    for url in recorded.requests:
        for secret in secrets:
            assert secret not in url, f"a request carries an answer: {url}"
    # Kept in the tab only: the answers under one sessionStorage key, nothing else.
    stored = "localStorage.length + document.cookie.length"
    assert recorded.page.evaluate(stored) == 0, "the page stored something"
    keys = recorded.page.evaluate("() => Object.keys(sessionStorage)")
    assert set(keys) <= {f"selfcheck:{RULES['id']}"}, keys
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
    script = page.get_attribute('script[src*="assets/selfcheck/widget.js"]', "src")
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
    secrets = []
    for case_id, answers, verdict, amount in FORM_CASES:
        page.click('[data-action="clear"]')
        expect(result).to_have_attribute("data-verdict", "")
        _fill(page, answers, lang)
        expect(result).to_have_attribute("data-verdict", verdict)
        expect(result).to_have_attribute("data-amount", amount)
        items = result.locator("[data-criterion]").all()
        assert [item.get_attribute("data-criterion") for item in items] == CRITERIA, case_id
        statuses = {item.get_attribute("data-status") for item in items}
        assert statuses <= {"met", "unmet", "unknown"}, (case_id, statuses)
        secrets += _secrets(answers, lang)
    _assert_private(recorded, *secrets)


@pytest.mark.parametrize("lang", LANGS)
def test_fragment_refills_the_form_and_clear_empties_it(new_page, site_server, lang):
    answers, expected = SHARED["answers"], SHARED["expect"]
    shared = fragment(RULES, answers, lang)
    recorded = _open(new_page, site_server, lang, shared)
    page = recorded.page
    result = page.locator(RESULT)
    expect(result).to_have_attribute("data-verdict", expected["verdict"])
    expect(result).to_have_attribute("data-amount", js_number(expected["amount"]))
    for key, value in form_values(RULES, answers, lang).items():
        if _is_radio(key):
            assert page.is_checked(_field(key, value)), key
        else:
            assert page.input_value(_field(key, value)) == value, key

    page.click('[data-action="share"]')
    assert _shared_url(page).endswith(f"#{shared}")

    page.click('[data-action="clear"]')
    expect(result).to_have_attribute("data-verdict", "")
    assert "#" not in page.url
    for key in ANSWER_KEYS:
        if _is_radio(key):
            assert page.locator(f'[name="{key}"]:checked').count() == 0, key
        else:
            assert page.input_value(_field(key, "")) == "", key
    _assert_private(recorded, *_secrets(answers, lang))


@pytest.mark.parametrize(("lang", "written"), [("fr", "14999,5"), ("en", "14999.5")])
def test_fragment_numbers_round_trip_in_the_page_language(new_page, site_server, lang, written):
    """A decimal in a link reads the same whatever its notation; the engine
    writes the share link in the page's notation, and that link gives the
    same answers back."""
    given = "statut=artiste&jours_travailles=12&ressources=14999.5"
    recorded = _open(new_page, site_server, lang, given)
    page = recorded.page
    assert page.input_value('[name="ressources"]') == "14999.5"  # as the link wrote it
    expected = fragment(
        RULES, {"statut": "artiste", "jours_travailles": 12, "ressources": 14999.5}, lang
    )
    assert f"ressources={quote(written)}" in expected
    expect(page.locator(RESULT)).to_have_attribute("data-answers", expected)
    page.click('[data-action="share"]')
    assert _shared_url(page).endswith(f"#{expected}")
    again = _open(new_page, site_server, lang, expected)
    assert again.page.input_value('[name="ressources"]') == written
    expect(again.page.locator(RESULT)).to_have_attribute("data-answers", expected)
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
