"""The embeddable self-check from a partner's page on another origin: the host
page is served on ``localhost``, the site on ``127.0.0.1`` (two origins), and
the host holds nothing but the one line of the « Intégrer le test » page.

The line yields a titled iframe that reaches the verdict of a corpus case,
grows with the result without scrolling inside, sits in the keyboard order
between the host's own links, and leaves axe-core and the console clean, in
the host and in the frame, in Chromium, WebKit and Firefox. The site's other
pages still refuse to be framed.

Chromium's scenarios use Playwright's frames; WebKit's and Firefox's the
shared page-drivers (SeleniumPage, MarionettePage), whose ``PageDriver``
interface has no frames: each switches into the frame with its own tool.
Chromium only: the new tab a frame's link opens, storage refused to the frame
(an init script in every frame), the full pages refused in a frame (the
policy's console report).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import record
from contract import RULES
from playwright.sync_api import expect
from support import firefox, webkit
from support.chromium import CHROMIUM, CHROMIUM_ARGS
from support.corpus import first, form_values, load_corpus, settled_eligible
from support.driver import (
    QUEUED_TIMEOUT,
    READY_TIMEOUT,
    STEP_TIMEOUT,
    MarionettePage,
    SeleniumPage,
)

from sitebuild import embed

pytestmark = pytest.mark.browser

READY = '#selfcheck[data-state="ready"]'
RESULT = "#selfcheck-result"
HOST_PAGE = """<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>A partner's page</title></head>
<body>
<main>
<h1>A partner's page</h1>
<p><a id="before" href="#before">Before the check</a></p>
<script src="{site}embed.js" data-lang="{lang}" async></script>
<p><a id="after" href="#after">After the check</a></p>
</main>
</body>
</html>
"""
FRAMED_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Framing</title></head>
<body><main><h1>Framing</h1><iframe title="a page of the site" src="{url}"></iframe></main></body>
</html>
"""
_axe = Axe()
PARTNER_HOST = "localhost"


@pytest.fixture(scope="module")
def partner_browser(playwright_session):
    """Chromium as the other tests start it, that also resolves the partner's
    host name (the one other origin these tests use)."""
    args = [a for a in CHROMIUM_ARGS if not a.startswith("--host-resolver-rules=")]
    args.append(
        f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE {PARTNER_HOST}"
    )
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=args)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def new_page(partner_browser) -> Iterator:
    contexts = []

    def make(viewport: tuple[int, int] = (1280, 800)):
        recorded = record(partner_browser, viewport)
        contexts.append(recorded.context)
        return recorded

    yield make
    for context in contexts:
        context.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def host_server(folder: Path) -> Iterator[str]:
    """The partner's pages, on ``localhost``: another origin than the site's."""
    server = ThreadingHTTPServer((PARTNER_HOST, 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{PARTNER_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def host_page(tmp_path: Path, site: str, lang: str) -> Path:
    page = tmp_path / f"partner-{lang}.html"
    page.write_text(HOST_PAGE.format(site=site, lang=lang), encoding="utf-8")
    return page


def problems(recorded) -> list[str]:
    """Console and page errors, and requests to neither origin."""
    allowed = ("127.0.0.1", PARTNER_HOST)
    off = [u for u in recorded.requests if urlsplit(u).hostname not in allowed]
    off = [u for u in off if urlsplit(u).scheme not in ("data", "blob", "about")]
    return (
        [f"request: {url}" for url in off]
        + [f"console: {text}" for text in recorded.console_errors]
        + [f"page error: {text}" for text in recorded.page_errors]
    )


def frame_of(page):
    (frame,) = [f for f in page.frames if f != page.main_frame]
    return frame


def answer(frame, answers: dict, lang: str) -> None:
    for name, value in form_values(RULES, answers, lang).items():
        radio = frame.locator(f'input[type="radio"][name="{name}"][value="{value}"]')
        if radio.count():
            radio.check()
        else:
            frame.locator(f'input[name="{name}"]').fill(value)


def content_height(frame) -> int:
    return frame.evaluate(
        "() => Math.ceil(Math.max(...[...document.body.children]"
        ".map((e) => e.getBoundingClientRect().bottom + scrollY)))"
    )


def wait_frame_fits(page, frame) -> int:
    """Wait until the iframe is as tall as its content (the frame's message
    has arrived), and return that height."""
    needed = content_height(frame)
    page.wait_for_function(
        "(needed) => document.querySelector('iframe').getBoundingClientRect().height >= needed",
        arg=needed,
    )
    return needed


@pytest.mark.parametrize("lang", RULES["languages"])
def test_the_snippet_gives_a_titled_frame_that_reaches_a_verdict_and_grows(
    lang, built_site, site_server, new_page, tmp_path
):
    case = first(load_corpus(RULES)["cases"], settled_eligible, "eligible with a settled amount")
    host_page(tmp_path, site_server, lang)
    recorded = new_page(viewport=(1280, 800))
    page = recorded.page
    with host_server(tmp_path) as host:
        page.goto(f"{host}partner-{lang}.html")
        iframe = page.locator("iframe")
        expect(iframe).to_have_attribute("title", embed.pages(RULES)[lang]["title"])
        frame = frame_of(page)
        frame.wait_for_selector(READY)
        ready_height = wait_frame_fits(page, frame)

        answer(frame, case["answers"], lang)
        expect(frame.locator(RESULT)).to_have_attribute("data-verdict", case["expect"]["verdict"])
        result_height = wait_frame_fits(page, frame)
        assert result_height > ready_height, "the frame did not grow with the result"
        inner = frame.evaluate("() => [document.documentElement.scrollHeight, innerHeight]")
        assert inner[0] <= inner[1], f"the frame scrolls inside: {inner}"
        assert frame.evaluate("() => document.cookie") == ""
        assert page.evaluate("() => document.cookie") == ""

        # a link of the frame opens a new tab; the partner's page stays
        # (a new tab's renderer starts slowly on a busy machine: the bound of a
        # queued step, not Playwright's 30 s). Followed with the keyboard: a
        # click, aimed at the link's coordinates, opened no tab in about one
        # run of six, idle too (cause not pinned down); Enter, 12 runs of 12.
        with page.context.expect_page(timeout=QUEUED_TIMEOUT * 1000) as opened:
            frame.press(".selfcheck-embed-site a", "Enter")
        opened.value.wait_for_load_state("domcontentloaded")
        assert opened.value.url.startswith(site_server)
        assert page.url.startswith(host)
        opened.value.close()

        for where, target in (("host", page), ("frame", frame)):
            violations = _axe.run(target).response["violations"]
            assert violations == [], f"{where}: {[v['id'] for v in violations]}"
    assert problems(recorded) == []


# What a browser that refuses storage to a frame of another site does (Safari,
# Firefox with strict settings): reading sessionStorage or localStorage throws.
REFUSE_STORAGE = """for (const name of ["sessionStorage", "localStorage"]) {
  Object.defineProperty(window, name, {
    get() { throw new DOMException("storage refused", "SecurityError"); },
  });
}"""


def test_when_the_frame_may_not_store_the_answers_stay_in_memory(
    built_site, site_server, new_page, tmp_path
):
    lang = RULES["languages"][0]
    case = first(load_corpus(RULES)["cases"], settled_eligible, "eligible, amount settled")
    host_page(tmp_path, site_server, lang)
    recorded = new_page(viewport=(1280, 800))
    page = recorded.page
    page.add_init_script(REFUSE_STORAGE)  # every frame's, before its own scripts
    with host_server(tmp_path) as host:
        page.goto(f"{host}partner-{lang}.html")
        frame = frame_of(page)
        frame.wait_for_selector(READY)
        refused = frame.evaluate(
            "() => { try { sessionStorage; return false; } catch { return true; } }"
        )
        assert refused, "the test did not refuse storage"
        answer(frame, case["answers"], lang)
        expect(frame.locator(RESULT)).to_have_attribute("data-verdict", case["expect"]["verdict"])
        wait_frame_fits(page, frame)
    assert problems(recorded) == []


def test_the_keyboard_goes_into_the_frame_and_out_again(
    built_site, site_server, new_page, tmp_path
):
    lang = RULES["languages"][0]
    host_page(tmp_path, site_server, lang)
    recorded = new_page(viewport=(1280, 800))
    page = recorded.page
    with host_server(tmp_path) as host:
        page.goto(f"{host}partner-{lang}.html")
        frame = frame_of(page)
        frame.wait_for_selector(READY)
        page.focus("#before")
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"
        inside = frame.evaluate("() => document.activeElement !== document.body")
        assert inside, "Tab from the link before did not reach the frame's first control"
        for _ in range(200):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.id") == "after":
                break
        else:
            pytest.fail("Tab never left the frame for the host's next link")
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"
    assert problems(recorded) == []


@pytest.mark.parametrize("path", ["autodiagnostic/", "en/autodiagnostic/", ""])
def test_the_full_pages_still_refuse_to_be_framed(
    path, built_site, site_server, new_page, tmp_path
):
    (tmp_path / "framing.html").write_text(
        FRAMED_PAGE.format(url=site_server + path), encoding="utf-8"
    )
    recorded = new_page()
    page = recorded.page
    with host_server(tmp_path) as host:
        # The signal: the browser's report that the policy refused the frame.
        with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
            page.goto(f"{host}framing.html")
        framed = frame_of(page)
        assert not framed.url.startswith(site_server), framed.url
        assert framed.locator("#selfcheck, .md-content").count() == 0
    assert any("frame-ancestors" in text for text in recorded.console_errors)


# ---------------------------------------------------------------------------
# WebKit (Safari's engine), through WebKitWebDriver: the same line, the same
# host page on another origin.

AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
# Each violation with its elements and axe's summary, so that a failure says
# what to fix.
# Each violation's id with its elements and axe's summary: a failure says
# what to fix.
AXE_RUN = """const done = arguments[arguments.length - 1];
axe.run(document, {iframes: false}).then(
  (result) => done(result.violations.map((v) => `${v.id} ${JSON.stringify(
    v.nodes.map((n) => [n.target, n.html.slice(0, 200), n.failureSummary.slice(0, 300)]),
  )}`)),
  (error) => done([`axe failed: ${error}`]),
);"""
FRAME_FITS = """const needed = arguments[0];
return document.querySelector("iframe").getBoundingClientRect().height >= needed;"""
CONTENT_HEIGHT = """return Math.ceil(Math.max(...[...document.body.children]
  .map((e) => e.getBoundingClientRect().bottom + scrollY)));"""


def webkit_axe(driver) -> list[str]:
    driver.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"))
    return driver.execute_async_script(AXE_RUN)


def webkit_wait(driver, script: str, *args, timeout: float = STEP_TIMEOUT):
    """Run ``script`` (a function body returning a value) until it is truthy."""
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        lambda d: d.execute_script(script, *args)
    )


@pytest.mark.webkit
def test_the_snippet_works_in_webkit(built_site, site_server, xvfb_display, tmp_path):
    from selenium.webdriver.common.by import By

    lang = RULES["languages"][-1]
    case = first(load_corpus(RULES)["cases"], settled_eligible, "eligible, amount settled")
    host_page(tmp_path, site_server, lang)
    with contextlib.ExitStack() as stack, host_server(tmp_path) as host:
        proxy = stack.enter_context(webkit.OffHostProxy())
        args = (*proxy.args, f"--ignore-host={PARTNER_HOST}", "--no-service-workers")
        driver = stack.enter_context(webkit.webkit(xvfb_display, args=args))
        driver.set_window_size(1280, 800)
        page = SeleniumPage(driver, proxy, stack)
        driver.get(f"{host}partner-{lang}.html")
        page.wait_for("iframe")
        iframe = driver.find_element(By.CSS_SELECTOR, "iframe")
        assert iframe.get_dom_attribute("title") == embed.pages(RULES)[lang]["title"]

        driver.switch_to.frame(iframe)
        page.wait_for(READY, timeout=READY_TIMEOUT)
        ready_height = driver.execute_script(CONTENT_HEIGHT)
        for name, value in form_values(RULES, case["answers"], lang).items():
            radio = f'input[type="radio"][name="{name}"][value="{value}"]'
            if page._find(radio):
                page.click(radio)
            else:
                page.fill(f'input[name="{name}"]', value)
        page.wait_attribute(RESULT, "data-verdict", case["expect"]["verdict"])
        result_height = driver.execute_script(CONTENT_HEIGHT)
        assert result_height > ready_height
        frame_violations = webkit_axe(driver)
        assert driver.execute_script("return document.cookie") == ""

        driver.switch_to.default_content()
        webkit_wait(driver, FRAME_FITS, result_height)
        driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, "iframe"))
        inner = driver.execute_script("return [document.documentElement.scrollHeight, innerHeight]")
        assert inner[0] <= inner[1], f"the frame scrolls inside: {inner}"
        driver.switch_to.default_content()
        host_violations = webkit_axe(driver)
        assert (host_violations, frame_violations) == ([], [])
        assert webkit.console_errors(driver) == []
        assert proxy.requests == []


@pytest.mark.webkit
def test_the_keyboard_goes_into_the_frame_and_out_again_in_webkit(
    built_site, site_server, xvfb_display, tmp_path
):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    lang = RULES["languages"][0]
    host_page(tmp_path, site_server, lang)
    with contextlib.ExitStack() as stack, host_server(tmp_path) as host:
        proxy = stack.enter_context(webkit.OffHostProxy())
        args = (*proxy.args, f"--ignore-host={PARTNER_HOST}", "--no-service-workers")
        driver = stack.enter_context(webkit.webkit(xvfb_display, args=args))
        driver.set_window_size(1280, 800)
        page = SeleniumPage(driver, proxy, stack)
        driver.get(f"{host}partner-{lang}.html")
        page.wait_for("iframe")
        driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, "iframe"))
        page.wait_for(READY, timeout=READY_TIMEOUT)
        driver.switch_to.default_content()
        driver.execute_script("document.getElementById('before').focus()")
        active = "return document.activeElement.tagName + '#' + document.activeElement.id"
        ActionChains(driver).send_keys(Keys.TAB).perform()
        assert driver.execute_script(active) == "IFRAME#"
        for _ in range(200):
            ActionChains(driver).send_keys(Keys.TAB).perform()
            if driver.execute_script(active) == "A#after":
                break
        else:
            pytest.fail("Tab never left the frame for the host's next link")
        ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        assert driver.execute_script(active) == "IFRAME#"
        assert webkit.console_errors(driver) == []


# ---------------------------------------------------------------------------
# Firefox (Gecko), through Marionette: the same line, the same host page on
# another origin (``localhost`` reached directly, as 127.0.0.1 is).

AXE_RUN_PROMISE = """() => axe.run(document, {iframes: false}).then(
  (result) => result.violations.map((v) => `${v.id} ${JSON.stringify(
    v.nodes.map((n) => [n.target, n.html.slice(0, 200), n.failureSummary.slice(0, 300)]),
  )}`),
)"""
FF_CONTENT_HEIGHT = """() => Math.ceil(Math.max(...[...document.body.children]
  .map((e) => e.getBoundingClientRect().bottom + scrollY)))"""
FF_FRAME_FITS = """(needed) =>
  document.querySelector("iframe").getBoundingClientRect().height >= needed"""
FF_ACTIVE = "() => document.activeElement.tagName + '#' + document.activeElement.id"


@contextlib.contextmanager
def firefox_partner(site_server: str, tmp_path: Path, lang: str) -> Iterator:
    """A MarionettePage on the partner's page (``lang``), the frame loaded."""
    host_page(tmp_path, site_server, lang)
    with contextlib.ExitStack() as stack, host_server(tmp_path) as host:
        session = stack.enter_context(firefox.firefox((1280, 800), also_direct=(PARTNER_HOST,)))
        page = MarionettePage(session, stack)
        page._goto(f"{host}partner-{lang}.html")
        page.wait_for("iframe")
        yield page


def firefox_axe(page) -> list[str]:
    page.marionette.execute_script(AXE_SCRIPT.read_text(encoding="utf-8"), sandbox=None)
    return page.call(AXE_RUN_PROMISE)


def firefox_keys(page, *keys: str, shift: bool = False) -> None:
    """Keys pressed on the keyboard, wherever the focus is (frames included)."""
    from marionette_driver.keys import Keys
    from marionette_driver.marionette import ActionSequence

    sequence = ActionSequence(page.marionette, "key", "keyboard")
    if shift:
        sequence.key_down(Keys.SHIFT)
    for key in keys:
        sequence.key_down(key).key_up(key)
    if shift:
        sequence.key_up(Keys.SHIFT)
    sequence.perform()


@pytest.mark.firefox
def test_the_snippet_works_in_firefox(built_site, site_server, tmp_path):
    from marionette_driver.by import By

    lang = RULES["languages"][-1]
    case = first(load_corpus(RULES)["cases"], settled_eligible, "eligible, amount settled")
    with firefox_partner(site_server, tmp_path, lang) as page:
        marionette = page.marionette
        assert page.attribute("iframe", "title") == embed.pages(RULES)[lang]["title"]
        marionette.switch_to_frame(marionette.find_element(By.CSS_SELECTOR, "iframe"))
        page.wait_for(READY, timeout=READY_TIMEOUT)
        ready_height = page.call(FF_CONTENT_HEIGHT)
        for name, value in form_values(RULES, case["answers"], lang).items():
            radio = f'input[type="radio"][name="{name}"][value="{value}"]'
            if page._find(radio):
                page.click(radio)
            else:
                page.fill(f'input[name="{name}"]', value)
        page.wait_attribute(RESULT, "data-verdict", case["expect"]["verdict"])
        result_height = page.call(FF_CONTENT_HEIGHT)
        assert result_height > ready_height
        frame_violations = firefox_axe(page)
        assert page.call("() => document.cookie") == ""

        marionette.switch_to_frame()
        page.wait_until(FF_FRAME_FITS, result_height)
        marionette.switch_to_frame(marionette.find_element(By.CSS_SELECTOR, "iframe"))
        inner = page.call("() => [document.documentElement.scrollHeight, innerHeight]")
        assert inner[0] <= inner[1], f"the frame scrolls inside: {inner}"
        marionette.switch_to_frame()
        host_violations = firefox_axe(page)
        assert (host_violations, frame_violations) == ([], [])
        assert page.problems() == []


@pytest.mark.firefox
def test_the_keyboard_goes_into_the_frame_and_out_again_in_firefox(
    built_site, site_server, tmp_path
):
    from marionette_driver.by import By
    from marionette_driver.keys import Keys

    lang = RULES["languages"][0]
    with firefox_partner(site_server, tmp_path, lang) as page:
        marionette = page.marionette
        marionette.switch_to_frame(marionette.find_element(By.CSS_SELECTOR, "iframe"))
        page.wait_for(READY, timeout=READY_TIMEOUT)
        marionette.switch_to_frame()
        page.call("() => document.getElementById('before').focus()")
        firefox_keys(page, Keys.TAB)
        assert page.call(FF_ACTIVE) == "IFRAME#"
        for _ in range(200):
            firefox_keys(page, Keys.TAB)
            if page.call(FF_ACTIVE) == "A#after":
                break
        else:
            pytest.fail("Tab never left the frame for the host's next link")
        firefox_keys(page, Keys.TAB, shift=True)
        assert page.call(FF_ACTIVE) == "IFRAME#"
        assert page.problems() == []
