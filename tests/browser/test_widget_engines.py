"""The self-check in every engine tested, one scenario written once for all.

Each test runs in Debian Chromium (through Playwright; marker ``browser``), in
WebKitGTK, the engine of Safari and of every browser on an iPhone (through
Selenium and WebKitWebDriver under a private Xvfb; marker ``webkit``) and in
Debian's Firefox ESR, Gecko (headless, through Marionette; marker ``firefox``): the
``engine_name`` fixture of tests/browser/conftest.py, and the page-driver of
tests/support/driver.py. In each engine, fr and en:

- every case of the corpus (tests/cases/<rules id>.yaml) as a share link: the
  widget's page opened once, then ``location.hash`` set to the case's answers
  (the widget listens to ``hashchange``): ``data-answers`` is the engine's
  fragment of the answers (the form was refilled), ``data-verdict``,
  ``data-amount`` and each criterion's ``data-status`` those of the case's
  ``expect``; the cases without any answer through "Effacer mes réponses";
- the first case of each outcome answered through the form's fields (radios
  clicked, numbers typed as a reader of the language types them): verdict,
  amount, each criterion's status; the rules bundle the page names is the rules
  file, compiled;
- the whole grid of answer sets (tests/support/parity.py) through
  ``window.selfcheck.evaluate``, JSON for JSON against CPython's
  ``Engine(rules).evaluate(answers, lang)``, ``display`` included; and one answer
  set per outcome plus one the engine rejects;
- the share link's round trip: a case answered through the form's fields, "share"
  (the fragment written in place, no new history entry), the link read from
  ``#selfcheck-share-url`` and opened in a fresh browser session: the same answers
  in the fields, the same result, the same link; then "clear" empties form, URL
  and result; a decimal reads back in either notation, and the engine writes it
  in the page's;
- the fallback when the runtime cannot load (the ``.wasm`` blocked by the browser,
  missing on the server, served with the wrong type), on a phone-sized viewport:
  ``data-state="error"``
  with the network reason shown, the criteria link shown, the form hidden,
  ``window.selfcheck.ready`` rejected;
- the answers kept in the tab: answered through the fields (one question "I
  don't know"), the page reloaded without a fragment: the same fields filled,
  the same result; "clear", reloaded: nothing comes back, nothing kept under the
  rules' ``sessionStorage`` key;
- the settled announcement: a number typed key by key without leaving its
  field: nothing evaluated or said until the typing pause has passed since the
  last key, then once, the Python engine's ``display.announcement`` (the verdict
  and the condition not met); one more key and Enter: said at once, without
  waiting for the pause;
- offline after one visit (service workers allowed, in this test only): the
  self-check page visited once with a share link, its engine's files kept by
  the service worker in the cache the page names (every cached address a file
  of the built site, none with an answer), a second visit online downloading
  none of them again, the server then cutting
  every connection: the reload still gives the verdict, the other language's
  self-check (never visited) boots from the kept engine with the answers the
  tab kept, and an information page never visited reads;
- on every page: no request off 127.0.0.1 (Chromium records every request; WebKit
  and Firefox go through a proxy that refuses and records every other host), no
  console error or uncaught error (WebKit's console is read from the driver's
  log, Firefox's from its standard output), no
  request that reached the server carries an answer, nothing stored.

Waits are on selectors and attributes with generous timeouts; nothing here
measures time (``make bench`` does).
"""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
import urllib.request
from urllib.parse import parse_qsl, quote, unquote, urljoin, urlsplit

import pytest
from contract import RESULT_KEYS, RULES
from support.corpus import (
    first,
    form_values,
    invalid_answers,
    js_number,
    load_corpus,
    one_of_each_kind,
    settled_eligible,
)
from support.driver import PageDriver
from support.parity import diff, grid_answer_sets, grid_size
from support.servers import CACHED_URLS, serving_site

from selfcheck.engine import Engine
from selfcheck.form import evaluate_form, fragment

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
ROOT = "#selfcheck"
RESULT = "#selfcheck-result"
TOGGLE = '[data-action="show-all"]'
SHARE = '[data-action="share"]'
CLEAR = '[data-action="clear"]'
SHARE_URL = "#selfcheck-share-url"
CRITERIA_LINK = '#selfcheck-error a[href="../criteres/"]'
PHONE = (360, 740)

CASES = load_corpus(RULES)["cases"]
CRITERIA = [criterion["id"] for criterion in RULES["criteria"]]
KINDS_OF = {question["id"]: question["type"] for question in RULES["questions"]}
# The first case of each outcome, and answers the engine rejects.
ANSWER_SETS = [case["answers"] for case in one_of_each_kind(CASES)] + [invalid_answers(RULES)]
# A share link: an eligible case with a settled amount and no "I don't know".
SHARED = first(CASES, settled_eligible, "eligible with a settled amount and no null answer")

# What the widget shows of a result, and the form's fields.
RESULT_VIEW = """() => {
  const result = document.querySelector('#selfcheck-result');
  return {
    answers: result.getAttribute('data-answers'),
    verdict: result.getAttribute('data-verdict'),
    amount: result.getAttribute('data-amount'),
    criteria: [...result.querySelectorAll('[data-criterion]')]
      .map((li) => ({ id: li.dataset.criterion, status: li.dataset.status })),
  };
}"""
# The headline, the reliability line and what another reading would have
# answered, as shown.
SHOWN_VIEW = """() => [...document.querySelectorAll(
  '#selfcheck-result :is([data-slot=verdict], [data-slot=reliability], [data-slot=reading])')]
  .filter((p) => p.checkVisibility()).map((p) => p.textContent)"""
FORM_STATE = """() => ({
  checked: [...document.querySelectorAll('#selfcheck-form input:checked')]
    .map((i) => i.name || i.dataset.unknownFor),
  typed: [...document.querySelectorAll('#selfcheck-form [data-question] input[type=text]')]
    .filter((i) => i.value !== '' || i.disabled).map((i) => i.name),
  hash: location.hash,
})"""
SHARE_LINK = "() => document.querySelector('#selfcheck-share-url').value"
READY_OUTCOME = "() => window.selfcheck.ready.then(() => 'ready', () => 'rejected')"
# Kept in the tab only: the answers under the rules' one sessionStorage key.
STORED = f"""() => localStorage.length + document.cookie.length
  + Object.keys(sessionStorage).filter((key) => key !== 'selfcheck:{RULES["id"]}').length"""
HISTORY_LENGTH = "() => history.length"
REASONS_SHOWN = """() => [...document.querySelectorAll('#selfcheck-error [data-reason]')]
  .filter((p) => p.checkVisibility()).map((p) => p.dataset.reason)"""


# ---------------------------------------------------------------------------
# The site, served with every request recorded; pages


@pytest.fixture(scope="module")
def served(built_site):
    """The built site on 127.0.0.1, every request's path recorded."""
    with serving_site(built_site) as served:
        yield served


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(RULES)


def widget_url(base_url: str, lang: str, answers_fragment: str = "") -> str:
    url = urljoin(base_url, LANGS[lang])
    return f"{url}#{answers_fragment}" if answers_fragment else url


@pytest.fixture(scope="module")
def widget_page(driver_factory, served):
    """``widget_page(lang)`` → that language's widget page, ready, opened once per
    module and engine (a Pyodide boot takes seconds, more in WebKit)."""
    opened: dict[str, PageDriver] = {}

    def get(lang: str) -> PageDriver:
        if lang not in opened:
            page = driver_factory().open(widget_url(served.base_url, lang))
            page.wait_for(f"{RESULT}[data-answers]")
            opened[lang] = page
        return opened[lang]

    return get


def report(capsys, engine_name: str, line: str) -> None:
    """A line on the terminal, even under ``-q`` and output capture."""
    with capsys.disabled():
        print(f"\n  [{engine_name}] {line}", end="")


def secrets(answers: dict, lang: str) -> list[str]:
    """What no request may carry: each answer as ``key=value``."""
    return [f"{k}={quote(v)}" for k, v in form_values(RULES, answers, lang).items()]


def assert_private(page: PageDriver, served, *answers_written: str) -> None:
    """Nothing off 127.0.0.1, no console error, no request to the server carrying
    an answer, nothing stored."""
    problems = page.problems()
    assert not problems, f"{page.engine}:\n  " + "\n  ".join(problems)
    for path in served.requests:
        for secret in answers_written:
            assert secret not in path, f"a request carries an answer: {path}"
    assert page.call(STORED) == 0, "the page stored something"


# ---------------------------------------------------------------------------
# Answering as a reader does


def is_radio(key: str) -> bool:
    return KINDS_OF[key] in ("choice", "boolean")


def field(key: str, value: str) -> str:
    """The selector of the field that holds ``value`` for question ``key``."""
    if is_radio(key):
        return f'[name="{key}"][value="{value}"]'
    return f'input[type="text"][name="{key}"]'


def set_show_all(page: PageDriver, on: bool) -> None:
    if (page.attribute(TOGGLE, "aria-pressed") == "true") != on:
        page.click(TOGGLE)
    page.wait_attribute(TOGGLE, "aria-pressed", "true" if on else "false")


def fill_answers(page: PageDriver, answers: dict, lang: str) -> None:
    """The answers through the form's fields, in asking order: a radio clicked, a
    number typed then Tab; after each, the result that reflects it. A question the
    engine no longer needs (hidden) is reached with "show all questions"."""
    so_far = {}
    for key, value in form_values(RULES, answers, lang).items():
        if not page.visible(f'[data-question="{key}"]'):
            set_show_all(page, True)
        if is_radio(key):
            page.click(field(key, value))
        else:
            page.fill(field(key, value), value)
        so_far[key] = answers[key]
        page.wait_attribute(RESULT, "data-answers", fragment(RULES, so_far, lang))
    set_show_all(page, False)


def assert_form_holds(page: PageDriver, answers: dict, lang: str) -> None:
    for key, value in form_values(RULES, answers, lang).items():
        if is_radio(key):
            assert page.checked(field(key, value)), (page.engine, key, value)
        else:
            assert page.value(field(key, value)) == value, (page.engine, key)


def clear(page: PageDriver) -> None:
    """ "Effacer mes réponses": the form, the URL's fragment and the result emptied."""
    page.click_and_render(CLEAR)
    page.wait_for(f'{RESULT}[data-answers=""][data-verdict=""][data-amount=""]')
    state = page.call(FORM_STATE)
    assert state == {"checked": [], "typed": [], "hash": ""}, (page.engine, state)
    assert "#" not in page.url, page.url


# ---------------------------------------------------------------------------
# 1. The corpus as share links


def expected_result(case: dict, lang: str) -> dict:
    """What the widget shows once the case's link is open (derived by hand in the
    corpus: verdict, amount, each criterion's status), and the headline, the
    reliability line and what another reading would have answered, as
    CPython's engine writes them (shown only when not empty)."""
    answers, expect = case["answers"], case["expect"]
    shared = fragment(RULES, answers, lang)
    if not shared:  # nothing answered: no result (sitebuild/README.md, widget contract)
        return {"answers": "", "verdict": "", "amount": "", "criteria": [], "shown": []}
    display = Engine(RULES).evaluate(answers, lang)["display"]
    return {
        "answers": shared,
        "verdict": expect["verdict"],
        "amount": "" if expect.get("amount") is None else js_number(expect["amount"]),
        "criteria": [{"id": c, "status": expect["criteria"][c]} for c in CRITERIA],
        "shown": [t for t in (display["verdict"], display["confidence"], display["reading"]) if t],
    }


@pytest.mark.parametrize("lang", LANGS)
def test_corpus_cases_as_share_links(widget_page, served, engine_name, lang, capsys):
    page = widget_page(lang)
    failures, without_answers = [], []
    for case in CASES:
        want = expected_result(case, lang)
        try:
            if want["answers"]:
                page.set_hash(want["answers"])
                page.wait_attribute(RESULT, "data-answers", want["answers"])
            else:  # no answer: nothing to put in a link; the empty form instead
                without_answers.append(case["id"])
                clear(page)
            got = {**page.call(RESULT_VIEW), "shown": page.call(SHOWN_VIEW)}
        except TimeoutError as error:
            failures.append(f"{case['id']}: {error}")
            continue
        problems = diff(got, want)
        if problems:
            failures.append(f"{case['id']} {case['answers']}:\n      " + "\n      ".join(problems))
    clear(page)
    report(
        capsys,
        engine_name,
        f"{lang}: {len(CASES) - len(without_answers)} corpus cases as share links, "
        f"{len(without_answers)} without answers through 'clear'; {len(failures)} differ",
    )
    assert not failures, f"{engine_name} {lang}: {len(failures)} case(s) differ:\n  " + "\n  ".join(
        failures
    )
    assert len(without_answers) < len(CASES) / 4, without_answers
    assert_private(page, served)


# ---------------------------------------------------------------------------
# 2. The form, as a reader fills it


@pytest.mark.parametrize("lang", LANGS)
def test_form_sets_verdict_and_amount(widget_page, served, lang):
    """The first case of each outcome, answered through the fields (radios clicked,
    numbers typed): the result's verdict, amount and criteria."""
    page = widget_page(lang)
    written = []
    for case in one_of_each_kind(CASES):
        answers, expect = case["answers"], case["expect"]
        clear(page)
        fill_answers(page, answers, lang)
        page.wait_attribute(RESULT, "data-verdict", expect["verdict"])
        amount = "" if expect.get("amount") is None else js_number(expect["amount"])
        view = page.call(RESULT_VIEW)
        assert view["amount"] == amount, (case["id"], view)
        assert [c["id"] for c in view["criteria"]] == CRITERIA, case["id"]
        statuses = {c["id"]: c["status"] for c in view["criteria"]}
        assert statuses == expect["criteria"], (case["id"], statuses)
        written += secrets(answers, lang)
    clear(page)
    assert_private(page, served, *written)


@pytest.mark.parametrize("lang", LANGS)
def test_page_names_the_rules_it_was_built_with(widget_page, engine, lang):
    page = widget_page(lang)
    script = page.attribute('script[src*="assets/selfcheck/widget.js"]', "src")
    folder = urljoin(urljoin(page.url, script), ".")
    bundle = urljoin(folder, page.attribute(ROOT, "data-rules"))
    with urllib.request.urlopen(bundle) as response:  # the test's own request
        assert json.loads(response.read()) == engine.rules
    assert f"-{engine.rules['version']}-" in bundle


# ---------------------------------------------------------------------------
# 3. JSON for JSON


@pytest.mark.parametrize("lang", LANGS)
def test_grid_evaluates_like_cpython(widget_page, served, engine, engine_name, lang, capsys):
    """Every answer set of the grid, evaluated in the page: the whole JSON,
    ``display`` (every text the widget shows) included."""
    page = widget_page(lang)
    sets = grid_answer_sets(RULES)
    total = grid_size(RULES)
    got = page.evaluate(sets)
    want = [json.loads(json.dumps(engine.evaluate(a, lang), ensure_ascii=False)) for a in sets]
    assert len(got) == len(sets) >= min(total, 1000), (len(got), len(sets), total)
    assert all(set(r) == RESULT_KEYS and "display" in r for r in got), set(got[0])
    compared = [(a, diff(g, w)) for a, g, w in zip(sets, got, want, strict=True)]
    differing = [(a, lines) for a, lines in compared if lines]
    report(
        capsys,
        engine_name,
        f"{lang}: {len(sets)} grid answer sets (of {total}) compared JSON for JSON, "
        f"{len(differing)} differ",
    )
    shown = [f"{a}:\n      " + "\n      ".join(lines[:5]) for a, lines in differing[:5]]
    assert not differing, (
        f"{engine_name} {lang}: {len(differing)} of {len(sets)} answer sets differ from "
        "CPython; first:\n  " + "\n  ".join(shown)
    )
    verdicts = {r["verdict"] for r in got}
    assert verdicts == {"eligible", "ineligible", "undetermined"}, verdicts
    assert_private(page, served)


@pytest.mark.parametrize("lang", LANGS)
def test_evaluate_matches_cpython(widget_page, served, engine, lang):
    """One answer set per outcome of the corpus, and one the engine rejects."""
    page = widget_page(lang)
    assert page.call(READY_OUTCOME) == "ready"
    got = page.evaluate(ANSWER_SETS)
    for answers, result in zip(ANSWER_SETS, got, strict=True):
        assert result == json.loads(json.dumps(engine.evaluate(answers, lang))), answers
    assert got[-1]["verdict"] is None and got[-1]["errors"], got[-1]
    assert_private(page, served)


# ---------------------------------------------------------------------------
# 4. The share link, there and back


@pytest.mark.parametrize("lang", LANGS)
def test_share_link_round_trip(widget_page, new_driver, served, lang):
    """Answered through the fields, shared, the link opened in a fresh browser session:
    the same answers in the fields, the same result; "clear" empties it all."""
    answers, expected = SHARED["answers"], SHARED["expect"]
    shared = fragment(RULES, answers, lang)
    amount = js_number(expected["amount"])
    page = widget_page(lang)
    clear(page)
    fill_answers(page, answers, lang)
    page.wait_attribute(RESULT, "data-verdict", expected["verdict"])
    assert page.attribute(RESULT, "data-amount") == amount
    entries = page.call(HISTORY_LENGTH)
    page.click(SHARE)
    link = page.wait_until(SHARE_LINK)
    assert link == widget_url(served.base_url, lang, shared), link
    assert page.url == link  # the fragment written in place …
    assert page.call(HISTORY_LENGTH) == entries  # … without a new history entry
    clear(page)
    assert_private(page, served, *secrets(answers, lang))

    again = new_driver().open(link)
    again.wait_attribute(RESULT, "data-answers", shared)
    again.wait_attribute(RESULT, "data-verdict", expected["verdict"])
    assert again.attribute(RESULT, "data-amount") == amount
    assert_form_holds(again, answers, lang)
    again.click(SHARE)
    assert again.wait_until(SHARE_LINK) == link
    clear(again)
    assert again.call(RESULT_VIEW)["criteria"] == []
    assert_private(again, served, *secrets(answers, lang))


@pytest.mark.parametrize(("lang", "written"), [("fr", "14999,5"), ("en", "14999.5")])
def test_share_link_numbers_in_the_page_language(widget_page, new_driver, served, lang, written):
    """A decimal in a link reads the same whatever its notation; the engine writes
    the share link in the page's notation, and that link gives the same answers
    back (opened in the page already open: the widget follows the fragment)."""
    given = "statut=artiste&jours_travailles=12&ressources=14999.5"
    expected = fragment(
        RULES, {"statut": "artiste", "jours_travailles": 12, "ressources": 14999.5}, lang
    )
    assert f"ressources={quote(written)}" in expected
    page = new_driver().open(widget_url(served.base_url, lang, given))
    assert page.value('[name="ressources"]') == "14999.5"  # as the link wrote it
    page.wait_attribute(RESULT, "data-answers", expected)
    page.click(SHARE)
    link = page.wait_until(SHARE_LINK)
    assert link == widget_url(served.base_url, lang, expected), link
    assert_private(page, served)

    again = widget_page(lang)
    clear(again)
    again.set_hash(expected)
    again.wait_attribute(RESULT, "data-answers", expected)
    assert again.value('[name="ressources"]') == written
    clear(again)
    assert_private(again, served)


# ---------------------------------------------------------------------------
# 5. When the runtime cannot load

FAULTS = {
    "blocked": "the browser blocks the .wasm (Chromium: a route aborts it; WebKit: a blocker; "
    "Firefox: a proxy that refuses it)",
    "missing": "the server answers 404 for the .wasm",
    "wrong-type": "the server sends the .wasm as application/octet-stream",
}


# Console errors that the failed download itself causes: the browser's line about
# the .wasm; and when the .wasm is blocked, WebKit at times reports the worker's
# failed fetch as an unhandled rejection although the worker's unhandledrejection
# handler cancels it (the page ends the worker at once after the error: a race),
# and Firefox reports it as an uncaught error of the worker, the same way.
BLOCKED_FETCH = (
    "console error: Unhandled Promise Rejection: TypeError: Load failed",
    "console error: , line 0: TypeError: NetworkError when attempting to fetch resource.",
)


def caused_by_the_fault(problem: str, fault: str) -> bool:
    return ".wasm" in problem or (fault == "blocked" and problem.startswith(BLOCKED_FETCH))


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("lang", LANGS)
def test_fallback_when_the_runtime_cannot_load(new_driver, built_site, lang, fault):
    with serving_site(built_site, wasm=None if fault == "blocked" else fault) as site:
        page = new_driver(viewport=PHONE, block=r"\.wasm$" if fault == "blocked" else None)
        page.open(widget_url(site.base_url, lang), state="error")
        assert page.call(REASONS_SHOWN) == ["network"], FAULTS[fault]
        assert page.visible("#selfcheck-error")
        assert page.visible(CRITERIA_LINK)
        # The form and its answers stay; only the result needs the engine.
        assert page.visible("#selfcheck-form")
        assert not page.visible("#selfcheck-result")
        assert page.call(READY_OUTCOME) == "rejected"
        assert page.call(STORED) == 0
        assert any(path.endswith(".wasm") for path in site.requests) == (fault != "blocked")
        problems = [p for p in page.problems() if not caused_by_the_fault(p, fault)]
        assert not problems, f"{page.engine} ({FAULTS[fault]}):\n  " + "\n  ".join(problems)


def test_a_runtime_that_does_not_compile_is_a_worker_error_at_once(
    new_driver, built_site, tmp_path, lang="fr"
):
    """The ``.wasm`` cut short on the way (served whole by a server that got only
    part of it): the boot ends as an error of the worker, not as a download
    stalled for 30 s; the form stays; nothing uncaught in the console."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    (wasm,) = site.glob("assets/selfcheck/pyodide-*/pyodide.asm.wasm")
    wasm.write_bytes(wasm.read_bytes()[: wasm.stat().st_size // 2])
    for copy in (wasm.with_name(wasm.name + ".br"), wasm.with_name(wasm.name + ".gz")):
        copy.unlink(missing_ok=True)
    with serving_site(site) as served:
        page = new_driver()
        # Within the stall's 30 s: the state waited on must come from the
        # compile error itself (the page's own timer would say "stalled").
        page.open(widget_url(served.base_url, lang), state="error")
        assert page.call(REASONS_SHOWN) == ["worker"]
        assert page.visible("#selfcheck-form")
        assert page.call(READY_OUTCOME) == "rejected"
        problems = page.problems()
        assert not problems, f"{page.engine}:\n  " + "\n  ".join(problems)


# ---------------------------------------------------------------------------
# 6. The answers kept in the tab

STORAGE_KEY = f"selfcheck:{RULES['id']}"  # sitebuild/README.md, "Answers kept in the tab"
KEPT_IN_TAB = "(key) => sessionStorage.getItem(key)"
EMPTY_FORM = {"checked": [], "typed": [], "hash": ""}


def reveal(page: PageDriver, key: str) -> None:
    """Question ``key`` shown, with "show all questions" if the engine no longer
    needs it."""
    if not page.visible(f'[data-question="{key}"]'):
        set_show_all(page, True)


def unknown_field(key: str) -> str:
    """The "I don't know" of question ``key``: a choice's radio with the value "",
    a number's checkbox."""
    return f'[name="{key}"][value=""]' if is_radio(key) else f'[data-unknown-for="{key}"]'


@pytest.mark.parametrize("lang", LANGS)
def test_answers_kept_on_reload(widget_page, served, lang):
    """Answered through the fields, one question "I don't know", then the page
    reloaded (no fragment in the URL: the answers can only come from the tab):
    the same fields filled, the same result. "Clear", reloaded: nothing comes
    back, and the rules' key is gone from the tab's storage."""
    answers, expected = SHARED["answers"], SHARED["expect"]
    not_answered = [q["id"] for q in RULES["questions"] if q["id"] not in answers]
    page = widget_page(lang)
    clear(page)
    if not_answered:
        reveal(page, not_answered[0])
        page.click(unknown_field(not_answered[0]))
    fill_answers(page, answers, lang)  # waits for the result of the last answer
    page.wait_attribute(RESULT, "data-verdict", expected["verdict"])
    shown, form = page.call(RESULT_VIEW), page.call(FORM_STATE)
    assert page.call(KEPT_IN_TAB, STORAGE_KEY), f"{page.engine}: nothing kept in the tab"
    assert form["hash"] == "" and "#" not in page.url, page.url

    page.reload()
    try:
        page.wait_attribute(RESULT, "data-answers", fragment(RULES, answers, lang))
    except TimeoutError:
        pytest.fail(
            f"{page.engine}: the answers did not come back after the reload: the form "
            f"{page.call(FORM_STATE)}, the result {page.call(RESULT_VIEW)}"
        )
    assert "#" not in page.url, page.url
    assert_form_holds(page, answers, lang)
    if not_answered:
        assert page.checked(unknown_field(not_answered[0])), (page.engine, not_answered[0])
    assert page.call(FORM_STATE) == form
    assert page.call(RESULT_VIEW) == shown
    assert page.attribute(RESULT, "data-amount") == js_number(expected["amount"])

    clear(page)
    assert page.call(KEPT_IN_TAB, STORAGE_KEY) is None, f"{page.engine}: 'clear' kept them"
    page.reload()
    page.wait_for(f"{RESULT}[data-answers]")  # the engine's first result of this load
    assert page.call(FORM_STATE) == EMPTY_FORM
    assert page.call(RESULT_VIEW) == {"answers": "", "verdict": "", "amount": "", "criteria": []}
    assert page.call(KEPT_IN_TAB, STORAGE_KEY) is None
    assert_private(page, served, *secrets(answers, lang))


# The hash set, then once the page's own hashchange listeners have run.
HASH_SETTLED = """(fragment) => new Promise((resolve) => {
  addEventListener('hashchange', () => setTimeout(resolve, 0), {once: true});
  location.hash = fragment;
})"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_newest_answers_win(widget_page, served, engine, lang):
    """A share link fills the form once; then the reader changes an answer:
    an in-page anchor and back to the link, then a reload with the link still
    in the address bar, keep the changed answer and its verdict."""
    answers = SHARED["answers"]
    number = next(key for key in answers if KINDS_OF[key] == "integer")
    changed = {**answers, number: 0 if answers[number] else 1}
    want = engine.evaluate(changed, lang)["verdict"]
    assert want != SHARED["expect"]["verdict"] or changed != answers
    shared, now = fragment(RULES, answers, lang), fragment(RULES, changed, lang)
    page = widget_page(lang)
    clear(page)
    page.set_hash(shared)
    page.wait_attribute(RESULT, "data-answers", shared)
    typed = form_values(RULES, changed, lang)[number]
    page.fill(field(number, typed), typed)
    page.wait_attribute(RESULT, "data-answers", now)
    page.call(HASH_SETTLED, "selfcheck-result")  # an in-page anchor…
    page.call(HASH_SETTLED, shared)  # …and Back to the link
    assert page.value(field(number, typed)) == typed, page.engine
    page.reload()
    page.wait_attribute(RESULT, "data-answers", now)
    assert page.attribute(RESULT, "data-verdict") == want
    assert page.value(field(number, typed)) == typed, page.engine
    assert page.url.endswith("#" + shared), page.url  # the link is still there
    clear(page)


@pytest.mark.parametrize(
    "stored",
    [
        '{"form": {"a": "b"}, "unknown": 5}',
        '{"version": 1, "form": ["a"], "unknown": []}',
        '{"version": 1, "form": {}, "unknown": "abc"}',
        '{"version": 99, "form": {}, "unknown": []}',
        "[1, 2",
        "null",
        "7",
    ],
)
def test_a_stored_value_of_another_shape_is_ignored(widget_page, served, stored):
    """What an older or newer version may leave under the key: the page boots
    with an empty form, never stuck loading."""
    page = widget_page("fr")
    clear(page)
    page.call("([key, value]) => sessionStorage.setItem(key, value)", [STORAGE_KEY, stored])
    page.reload()
    assert page.call(FORM_STATE) == EMPTY_FORM
    assert page.attribute(RESULT, "data-answers") == ""
    assert_private(page, served)


def test_answers_kept_from_the_first_keystroke_whatever_the_engine(new_driver, built_site):
    """The engine cannot start (its runtime is missing): what the reader types is
    kept in the tab all the same, and a reload finds it."""
    key = next(q["id"] for q in RULES["questions"] if q["type"] == "integer")
    with serving_site(built_site, wasm="missing") as site:
        page = new_driver()
        page.open(widget_url(site.base_url, "fr"), state="error")
        page.type_keys(field(key, "12"), "12")
        kept = json.loads(page.call(KEPT_IN_TAB, STORAGE_KEY))
        assert kept["form"] == {key: "12"} and kept["version"] == 1, kept
        page.reload(state="error")
        assert page.value(field(key, "12")) == "12", page.engine


NON_FINITE = """async ([key, which]) => {
  const value = {nan: NaN, inf: Infinity, minus: -Infinity}[which];
  const result = await window.selfcheck.evaluate({[key]: value});
  return result.errors.map((error) => [error.question, error.code]);
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_the_engines_own_error_for_odd_numbers(widget_page, served, engine, lang):
    """A number that is not finite given to ``evaluate`` reaches the engine as
    one (not as null, "no answer"): the engine's own error, as the command line
    gives it for the same JSON. 4,301 digits typed in the form: the engine's
    own message under the field, and no verdict (not the previous one)."""
    key = next(q["id"] for q in RULES["questions"] if q["type"] == "integer")
    values = {"nan": float("nan"), "inf": float("inf"), "minus": float("-inf")}
    for which, value in values.items():
        want = [[e["question"], e["code"]] for e in engine.evaluate({key: value}, lang)["errors"]]
        assert want == [[key, "not_finite"]]
        assert page_errors(widget_page(lang), key, which) == want, which
    # 4,301 digits typed: the engine's own message under the field, no verdict.
    page = widget_page(lang)
    clear(page)
    digits = "9" * 4_301
    page.fill(field(key, digits), digits)
    page.press(field(key, digits), "Enter")
    page.wait_for(f'#selfcheck-error-summary [data-problem="{key}"]')
    view = evaluate_form(engine, {key: digits}, lang)
    assert [e["code"] for e in view["result"]["errors"]] == ["not_finite"]
    shown = page.call("(key) => document.querySelector(`[data-problem='${key}']`).textContent", key)
    assert shown == view["result"]["display"]["errors"][0]["text"], shown
    assert page.attribute(RESULT, "data-verdict") == ""
    clear(page)


def page_errors(page: PageDriver, key: str, which: str) -> list:
    return page.call(NON_FINITE, [key, which])


# ---------------------------------------------------------------------------
# 7. Said once the answer settles

# sitebuild/README.md, "When an answer counts": a number counts when the reader leaves the
# field, presses Enter, or stops typing for 2 s.
TYPING_PAUSE_MS = 2000
KEY_GAP = 0.25  # s between keys: a relaxed typist
TIMER_SLACK_MS = 20  # a timer may fire a clock tick early; a round trip adds more

# From now on, with the page's clock: each text the live region takes, each
# result the widget renders (it writes data-answers on every render), each
# key typed in the field (one ``input`` event each) and each Enter. The
# field's own listeners run before the form's, where the widget listens.
LISTEN = """(selector) => {
  const log = (window.__settle = { said: [], rendered: [], keys: [], enter: [] });
  const region = document.querySelector('#selfcheck-announce');
  const result = document.querySelector('#selfcheck-result');
  new MutationObserver(() => log.said.push([performance.now(), region.textContent]))
    .observe(region, { childList: true, characterData: true, subtree: true });
  new MutationObserver(() => log.rendered.push([performance.now(), result.dataset.answers]))
    .observe(result, { attributes: true, attributeFilter: ['data-answers'] });
  const field = document.querySelector(selector);
  field.addEventListener('input', () => log.keys.push(performance.now()));
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') log.enter.push(performance.now());
  });
}"""
HEARD = "() => window.__settle"


def settling_numbers() -> tuple[str, int, int]:
    """An integer question and two values typed one after the other, the second
    with one more key ("10", then "100"), whose announcements differ, the first
    naming a condition not met: the first such pair among two-digit numbers,
    found with the engine (the test then checks the page against it)."""
    for question in RULES["questions"]:
        if question["type"] != "integer":
            continue
        key, low_bound = question["id"], question.get("min") or 0
        for low in range(max(10, low_bound), 100):
            high = low * 10
            if question.get("max") is not None and high > question["max"]:
                break
            lang = RULES["languages"][0]
            before, after = (ENGINE.evaluate({key: value}, lang) for value in (low, high))
            unmet = any(c["status"] == "unmet" for c in before["criteria"])
            said = before["display"]["announcement"], after["display"]["announcement"]
            if unmet and said[0] != said[1]:
                return key, low, high
    raise LookupError("no integer question whose announcement changes with one more digit")


ENGINE = Engine(RULES)
SETTLING = settling_numbers()


@pytest.mark.parametrize("lang", LANGS)
def test_announced_once_the_answer_settles(widget_page, served, engine, lang):
    """A number typed key by key, the focus left in its field: the live region
    (role=status) says nothing and the engine evaluates nothing until the typing
    pause has passed after the last key; then once, the Python engine's
    announcement (the verdict, and the condition not met). One more key and
    Enter: said at once, without waiting for the pause."""
    key, low, high = SETTLING
    typed = form_values(RULES, {key: low}, lang)[key]
    assert form_values(RULES, {key: high}, lang)[key] == typed + "0"
    selector = field(key, "")
    page = widget_page(lang)
    clear(page)
    reveal(page, key)
    page.call(LISTEN, selector)

    page.type_keys(selector, typed, gap=KEY_GAP)
    page.wait_attribute(RESULT, "data-answers", fragment(RULES, {key: low}, lang))
    log = page.call(HEARD)
    keys = log["keys"]
    want = engine.evaluate({key: low}, lang)
    assert len(keys) == len(typed), f"{page.engine}: {len(keys)} input events for {typed!r}"
    gaps = [b - a for a, b in itertools.pairwise(keys)]
    assert max(gaps, default=0) < TYPING_PAUSE_MS, (
        f"{page.engine}: the driver paused between keys (this machine is too busy): {keys}"
    )
    assert [text for _, text in log["said"]] == [want["display"]["announcement"]], log["said"]
    assert len(log["rendered"]) == 1, f"{page.engine}: evaluated before it settled: {log}"
    for what, at in (("said", log["said"][0][0]), ("rendered", log["rendered"][0][0])):
        waited = at - keys[-1]
        assert waited >= TYPING_PAUSE_MS - TIMER_SLACK_MS, (
            f"{page.engine}: {what} {waited:.0f} ms after the last key, before the pause"
        )
    said = log["said"][0][1]
    assert said.startswith(want["display"]["verdict"]), said
    unmet = [c["title"] for c in want["criteria"] if c["status"] == "unmet"]
    assert unmet and all(title in said for title in unmet), (unmet, said)

    page.type_keys(selector, "0", then="Enter")
    page.wait_attribute(RESULT, "data-answers", fragment(RULES, {key: high}, lang))
    log = page.call(HEARD)
    want = engine.evaluate({key: high}, lang)["display"]["announcement"]
    assert [text for _, text in log["said"][1:]] == [want], log["said"]
    assert len(log["rendered"]) == 2, f"{page.engine}: {log['rendered']}"
    # Measured from the last key: the pause's timer, started by that key, fires
    # at least TYPING_PAUSE_MS after it, however soon after it Enter came.
    said_at, last_key, enter = log["said"][-1][0], log["keys"][-1], log["enter"][-1]
    assert said_at >= enter, log
    assert said_at - last_key < TYPING_PAUSE_MS - TIMER_SLACK_MS, (
        f"{page.engine}: said {said_at - last_key:.0f} ms after the last key, "
        f"{said_at - enter:.0f} ms after Enter: Enter did not settle the answer"
    )
    assert page.call("() => document.activeElement.name") == key  # nothing moved the focus
    clear(page)
    assert_private(page, served, *secrets({key: high}, lang))


# ---------------------------------------------------------------------------
# 8. Offline after one visit

# The named cache's addresses, once this page is controlled by the service
# worker and the cache holds every file asked for, marked complete; else null.
ENGINE_KEPT = """async ([name, wanted]) => {
  if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return null;
  if (!(await caches.keys()).includes(name)) return null;
  const urls = (await (await caches.open(name)).keys()).map((request) => request.url);
  const complete = urls.some((url) => url.endsWith('/assets/selfcheck/.complete'));
  return complete && wanted.every((url) => urls.includes(url)) ? urls : null;
}"""
SERVICE_WORKER_STATE = """async () => ({
  controller: !!(navigator.serviceWorker && navigator.serviceWorker.controller),
  caches: typeof caches === 'object' ? await caches.keys() : null,
})"""
PAGE_READ = """() => ({
  lang: document.documentElement.lang,
  title: document.title,
  h1: !!document.querySelector('h1') && document.querySelector('h1').checkVisibility(),
})"""
KEEP_TIMEOUT = 60.0  # s: the service worker installs (precaching the pages), then keeps
# The last entry of a complete engine cache, which is no file of the site.
COMPLETE_MARK = "assets/selfcheck/.complete"
# The page's "keep-engine" sent again to the service worker; its reply
# ("engine-kept", or "engine-not-kept" with the error), once it has gathered
# the files.
KEEP_AGAIN = """([cache, urls]) => new Promise((resolve) => {
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (String(event.data?.type).startsWith('engine-')) resolve(event.data);
  });
  navigator.serviceWorker.controller.postMessage({ type: 'keep-engine', cache, urls });
})"""
# Material's search worker, started as the page starts it, given the site's
# own search index: "ready" once it has loaded lunr and its language scripts.
SEARCH_READY = """async () => {
  const config = JSON.parse(document.getElementById('__config').textContent);
  const index = await (await fetch(config.base + '/search/search_index.json')).json();
  return new Promise((resolve) => {
    const worker = new Worker(config.search);
    worker.onerror = (event) => resolve('error: ' + event.message);
    worker.onmessage = (event) => resolve(event.data.type === 1 ? 'ready' : event.data);
    worker.postMessage({type: 0, data: index});
  });
}"""


def engine_files(page: PageDriver, built_site) -> list[str]:
    """The engine's files as the page names them: the worker, the rules, the
    engine's wheel, lock and standard library, and every file of the Pyodide folder the build wrote
    (``.br``/``.gz`` aside: the server chooses those; and Pyodide's full standard
    library, fetched only for a module the build's leaves out: ``full_library``)."""
    script = page.attribute('script[src*="assets/selfcheck/widget.js"]', "src")
    folder = urljoin(urljoin(page.url, script), ".")
    named = ("data-worker", "data-rules", "data-wheel", "data-lock", "data-stdlib")
    names = [page.attribute(ROOT, name) for name in named]
    pyodide = page.attribute(ROOT, "data-pyodide") or ""
    on_disk = built_site / unquote(urlsplit(urljoin(folder, pyodide)).path).lstrip("/")
    names += [
        pyodide + f.name
        for f in sorted(on_disk.iterdir())
        if f.suffix not in (".br", ".gz") and f.name != FULL_LIBRARY
    ]
    return [urljoin(folder, name) for name in names if name]


FULL_LIBRARY = "python_stdlib.zip"


def full_library(page: PageDriver) -> str:
    script = page.attribute('script[src*="assets/selfcheck/widget.js"]', "src")
    folder = urljoin(urljoin(page.url, script), ".")
    return urljoin(folder, (page.attribute(ROOT, "data-pyodide") or "") + FULL_LIBRARY)


def built_title(built_site, path: str) -> str:
    text = (built_site / path / "index.html").read_text(encoding="utf-8")
    return html.unescape(re.search(r"<title>(.*?)</title>", text, re.S)[1]).strip()


def test_offline_after_one_visit(new_driver, built_site, engine_name, capsys):
    """One visit of the French self-check with a share link, online; the engine's
    files kept by the service worker, the caches holding only the site's own
    files; a second visit online boots from them and downloads no file of the
    engine again; then the site unreachable (the server cuts every
    connection): the reload gives the same verdict; the English self-check,
    never visited, boots from the kept engine with the answers the tab kept; the
    English criteria page, never visited, reads.

    One language visited, the other offline, in one session: each page of the
    self-check is a boot of the engine (seconds, more in WebKit), and a service
    worker needs a session of its own (service workers are off in the others)."""
    answers, expected = SHARED["answers"], SHARED["expect"]
    amount = js_number(expected["amount"])
    shared = {lang: fragment(RULES, answers, lang) for lang in LANGS}
    never_visited = "en/criteres/"
    with serving_site(built_site) as site:
        page = new_driver(service_workers=True)
        page.open(widget_url(site.base_url, "fr", shared["fr"]))
        page.wait_attribute(RESULT, "data-answers", shared["fr"])
        page.wait_attribute(RESULT, "data-verdict", expected["verdict"])
        wanted = engine_files(page, built_site)
        cache = page.attribute(ROOT, "data-engine-cache")
        assert cache and cache.startswith("selfcheck-engine-"), cache
        try:
            kept = page.wait_until(ENGINE_KEPT, [cache, wanted], timeout=KEEP_TIMEOUT)
        except TimeoutError:
            pytest.fail(
                f"{page.engine}: the service worker did not keep the engine in {cache}: "
                f"{page.call(SERVICE_WORKER_STATE)}; wanted {wanted}"
            )
        # What the privacy page promises: the caches hold the site's own files,
        # never an answer (no fragment, no answer in a query).
        cached = page.call(CACHED_URLS)
        # Nor the full standard library, which the engine never needed.
        assert full_library(page) not in cached
        assert len(cached) > 20, cached  # the pages precached, and the engine
        for url in cached:
            parts = urlsplit(url)
            assert url.startswith(site.base_url) and not parts.fragment, url
            assert not set(answers) & {name for name, _ in parse_qsl(parts.query)}, url
            # Each one a file of the built site (the engine cache's mark aside).
            relative = unquote(parts.path)[len(urlsplit(site.base_url).path) :]
            if relative != COMPLETE_MARK:
                file = built_site / relative
                folder = relative.endswith("/") or not relative
                assert (file / "index.html" if folder else file).is_file(), url

        # A second visit, online: the engine boots from the kept cache, and
        # keeping it again downloads nothing (the service worker fetches only
        # what its cache lacks): no file of the engine reaches the server.
        before = len(site.requests)
        page.reload()
        page.wait_attribute(RESULT, "data-verdict", expected["verdict"])
        reply = page.call(KEEP_AGAIN, [cache, wanted])
        assert reply["type"] == "engine-kept", f"{page.engine}: {reply}"
        again = [path for path in site.requests[before:] if "/assets/selfcheck/" in path]
        assert not again, f"{page.engine}: the engine was downloaded again: {again}"

        site.go_offline()
        with pytest.raises(OSError):  # URLError and connection errors alike
            urllib.request.urlopen(site.base_url, timeout=10)

        page.reload()
        page.wait_attribute(RESULT, "data-answers", shared["fr"])
        page.wait_attribute(RESULT, "data-verdict", expected["verdict"])
        assert page.attribute(RESULT, "data-amount") == amount

        page.open(widget_url(site.base_url, "en"))
        page.wait_attribute(RESULT, "data-answers", shared["en"])
        page.wait_attribute(RESULT, "data-verdict", expected["verdict"])
        assert page.attribute(RESULT, "data-amount") == amount
        assert_form_holds(page, answers, "en")

        page.open(urljoin(site.base_url, never_visited), state=None)
        page.wait_for("h1")
        read = page.call(PAGE_READ)
        assert read == {"lang": "en", "title": built_title(built_site, never_visited), "h1": True}
        assert page.call(SEARCH_READY) == "ready"  # search works offline too
        problems = page.problems()
        assert not problems, f"{page.engine}:\n  " + "\n  ".join(problems)
        assert page.call(STORED) == 0
        for path in site.requests:
            assert not any(secret in path for secret in secrets(answers, "fr")), path
    report(
        capsys,
        engine_name,
        f"offline: {len(kept)} files in {cache} ({len(wanted)} of the engine), "
        f"{len(cached)} cached in all; asked for while offline (refused): "
        f"{', '.join(sorted(set(site.refused))) or 'nothing'}",
    )


# ---------------------------------------------------------------------------
# 9. Material's drawer and search after a reload

TOGGLES = "() => ['__drawer', '__search'].map((id) => document.getElementById(id).checked)"
OPEN_TOGGLES = "() => { __drawer.click(); __search.click(); }"


def test_drawer_and_search_closed_after_reload(new_driver, served):
    """The drawer and the search opened, the page reloaded: both closed again
    (Firefox restores a form field's state on reload unless its form says
    ``autocomplete="off"``: the build puts Material's toggles in such a form)."""
    page = new_driver()
    page.open(urljoin(served.base_url, "faq/"), state=None)
    page.wait_for("#__drawer")
    page.call(OPEN_TOGGLES)
    assert page.call(TOGGLES) == [True, True], page.engine
    page.reload(state=None)
    page.wait_for("#__drawer")
    assert page.call(TOGGLES) == [False, False], page.engine
