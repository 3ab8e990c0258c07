"""One page-driver for the browser tests, whichever tool drives the browser.

The scenarios that every engine must pass (tests/browser/test_widget_engines.py)
are written once against ``PageDriver``; ``PlaywrightPage`` drives Debian
Chromium through Playwright, ``SeleniumPage`` drives WebKitGTK through Selenium
and WebKitWebDriver (tests/support/webkit.py), ``MarionettePage`` drives Firefox
through Marionette (tests/support/firefox.py). Tests that need what only
Playwright has (request routes, axe-core, screenshots, keyboard presses) use
Playwright directly.

The interface, in the words of a test:

- ``open(url, state="ready")``  load ``url`` as a new document, then wait until the
  widget's root has ``data-state=state`` (``None``: do not wait)
- ``reload(state="ready")``     the browser's reload (same URL, same tab), then the same wait
- ``url``                       the page's current URL
- ``attribute(selector, name)`` an attribute of the first match (None when absent)
- ``wait_for(selector)``        until something matches (attached, not necessarily shown)
- ``wait_attribute(selector, name, value)``  until the first match has that value
- ``wait_until(function, arg)`` until ``call(function, arg)`` gives something truthy
- ``click(selector)``           a real click (radios, buttons)
- ``fill(selector, text)``      type ``text`` into an empty text field, then Tab out
- ``type_keys(selector, text, gap=0, then=None)`` type ``text`` key by key at the end
  of a field, the focus staying in it (one key event and one ``input`` event per
  character), ``gap`` seconds between two keys, then the key ``then`` (``"Enter"``)
  at once: one command, whose pauses the browser's side keeps
- ``press(selector, key)``      one key (``"Enter"``, ``"Tab"``) in the focused field
- ``press_focused(key)``       one key to whatever has the focus (a window that
  is not the focused one has no ``:focus`` in WebKit)
- ``value(selector)``, ``checked(selector)``, ``visible(selector)``  a field's state
- ``set_hash(fragment)``        ``location.hash = fragment`` (the widget listens)
- ``evaluate(answer_sets)``     ``window.selfcheck.evaluate`` on each set, in the page
- ``call(function, arg)``       any other script: a function's source, called with
  ``arg``, its promise awaited (the pages' Content Security Policy forbids
  evaluating strings in the page; every tool injects functions around it)
- ``problems()``                what the page did wrong so far, one line each:
  requests off 127.0.0.1, console errors, uncaught errors
- ``close()``

Waits poll with generous timeouts: a first Pyodide boot takes seconds, more in
WebKit; nothing here measures time.
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

from support.webkit import console_errors

READY_TIMEOUT = 150.0  # s: a Pyodide boot, on two busy cores, in the slower engine
STEP_TIMEOUT = 20.0  # s: one answer's round trip to the engine
# s: the round trip of an action's answers, which the worker answers after
# those already sent (each answer settled, Tab then Enter, is one), one by one
QUEUED_TIMEOUT = 3 * STEP_TIMEOUT
# The same limits in milliseconds, as Playwright takes them.
READY_MS = int(READY_TIMEOUT * 1000)
STEP_MS = int(STEP_TIMEOUT * 1000)
ROOT = "#selfcheck"
GRID_BATCH = 60

# window.selfcheck.evaluate on every answer set, a batch of concurrent calls at a
# time; the results as one JSON text (one transfer, whatever the tool).
EVALUATE_ALL = """async ([sets, batch]) => {
  await window.selfcheck.ready;
  const out = [];
  for (let i = 0; i < sets.length; i += batch) {
    const calls = sets.slice(i, i + batch).map((a) => window.selfcheck.evaluate(a));
    out.push(...(await Promise.all(calls)));
  }
  return JSON.stringify(out);
}"""
FIELD_STATE = """(selector) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  return { value: el.value ?? null, checked: el.checked ?? null, visible: el.checkVisibility() };
}"""
SET_HASH = "(fragment) => { location.hash = fragment; }"
RESULT = "#selfcheck-result"
# The widget writes the result's data-answers on every render, even with the
# same value: an observer set up before an action sees the render that action
# causes, and not one that an earlier action had already started. A render
# that lands before the observer exists is not counted, so set it up first.
AWAIT_RENDER = """() => {
  const result = document.querySelector('#selfcheck-result');
  window.__rendered = false;
  const observer = new MutationObserver(() => {
    observer.disconnect();
    window.__rendered = true;
  });
  observer.observe(result, { attributes: true, attributeFilter: ['data-answers'] });
}"""
RENDERED = "() => window.__rendered"
# Where the widget is, for a wait that timed out: its state, the error's reason
# shown (a stall, a network error…), the status line while it loads.
WIDGET_STATE = """() => {
  const root = document.querySelector('#selfcheck');
  if (!root) return 'no #selfcheck on ' + location.href;
  const shown = [...root.querySelectorAll('#selfcheck-error [data-reason]')]
    .filter((p) => !p.hidden).map((p) => p.dataset.reason);
  const status = document.querySelector('#selfcheck-status');
  return { state: root.dataset.state, reason: shown, status: status && status.textContent.trim() };
}"""
# A field focused as WebDriver's Element Send Keys focuses it: the caret at the end.
FOCUS_AT_END = """const field = arguments[0];
field.focus();
field.setSelectionRange(field.value.length, field.value.length);"""
# Playwright's key names → Selenium's ``Keys`` attributes.
SELENIUM_KEYS = {"Enter": "ENTER", "Tab": "TAB", "Escape": "ESCAPE"}


def css_string(value: str) -> str:
    """``value`` as a CSS string, quotes included."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def search_worker_cut_short(problem: str) -> bool:
    """A console error of Material's search worker whose script loading the
    browser cut short because the page was left (see ``PageDriver.problems``)."""
    aborted = "NetworkError: Load failed" in problem or problem.endswith(": NS_BINDING_ABORTED")
    return aborted and "/workers/search." in problem


class PageDriver:
    """A page of one browser engine (see the module's docstring)."""

    engine = ""
    POLL = 0.05  # s between two looks of a wait that polls

    # -- what each tool provides

    def _goto(self, url: str) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    def call(self, function: str, arg: Any = None) -> Any:
        raise NotImplementedError

    def attribute(self, selector: str, name: str) -> str | None:
        raise NotImplementedError

    def wait_for(self, selector: str, timeout: float = STEP_TIMEOUT) -> None:
        raise NotImplementedError

    def click(self, selector: str) -> None:
        raise NotImplementedError

    def fill(self, selector: str, text: str) -> None:
        raise NotImplementedError

    def type_keys(
        self, selector: str, text: str, gap: float = 0.0, then: str | None = None
    ) -> None:
        """``text`` key by key at the end of the field, ``gap`` s between two keys,
        then the key ``then`` if any, the focus staying in the field. The keys and
        pauses go to the browser's side in one command: a round trip from here
        per key, on a busy machine, can stretch a pause past what the test means
        (a typist who has not stopped typing)."""
        raise NotImplementedError

    def press(self, selector: str, key: str) -> None:
        raise NotImplementedError

    def press_focused(self, key: str) -> None:
        raise NotImplementedError

    def _reload(self) -> None:
        raise NotImplementedError

    def _problems(self) -> list[str]:
        raise NotImplementedError

    def problems(self) -> list[str]:
        """Requests off 127.0.0.1, console and page errors: each test asserts
        there are none. Left out: Material's search worker's loading of lunr's
        language scripts, cut short when a test leaves or reloads the page
        while the worker still loads them (WebKit logs it as an unhandled
        rejection, "Load failed"; Firefox as an error of the worker's script,
        NS_BINDING_ABORTED); on a busy machine the worker is often still
        loading them. That search works, offline too, is checked on its own."""
        return [p for p in self._problems() if not search_worker_cut_short(p)]

    def close(self) -> None:
        raise NotImplementedError

    # -- the same for every tool

    def open(self, url: str, state: str | None = "ready", timeout: float = READY_TIMEOUT):
        """``url`` as a new document (through about:blank, so that a URL that differs
        from the current one by its fragment only still loads the page), then the
        widget's state."""
        self._goto("about:blank")
        self._goto(url)
        return self._settled(state, timeout)

    def _settled(self, state: str | None, timeout: float):
        """The widget's state, then, once ready, its first render: the result
        the engine gives once booted lands after the state changes, and a test
        that starts listening in between would hear it."""
        if state:
            try:
                self.wait_for(f"{ROOT}[data-state={css_string(state)}]", timeout)
            except TimeoutError as error:
                raise TimeoutError(f"{error}; the widget: {self.call(WIDGET_STATE)}") from None
        if state == "ready":  # the boot's first evaluation: part of the boot
            self.wait_for(f"{RESULT}[data-answers]", timeout)
        return self

    def reload(self, state: str | None = "ready", timeout: float = READY_TIMEOUT):
        """The page reloaded as a reader reloads it (same URL, same tab: what the
        tab keeps stays), then the widget's state."""
        self._reload()
        return self._settled(state, timeout)

    def wait_attribute(
        self, selector: str, name: str, value: str, timeout: float = STEP_TIMEOUT
    ) -> None:
        self.wait_for(f"{selector}[{name}={css_string(value)}]", timeout)

    def click_and_render(self, selector: str, timeout: float = QUEUED_TIMEOUT) -> None:
        """A click, then the render that this click causes (not an earlier one
        still on its way, nor one already done with the same answers)."""
        self.call(AWAIT_RENDER)
        self.click(selector)
        self.wait_until(RENDERED, timeout=timeout)

    def wait_until(self, function: str, arg: Any = None, timeout: float = STEP_TIMEOUT) -> Any:
        """``call(function, arg)`` until it gives something truthy; that value."""
        deadline = time.monotonic() + timeout
        while not (value := self.call(function, arg)):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{timeout:.0f} s and still falsy: {function}")
            time.sleep(self.POLL)
        return value

    def _field(self, selector: str) -> dict:
        state = self.call(FIELD_STATE, selector)
        if state is None:
            raise LookupError(f"nothing matches {selector}")
        return state

    def value(self, selector: str) -> str:
        return self._field(selector)["value"]

    def checked(self, selector: str) -> bool:
        return bool(self._field(selector)["checked"])

    def visible(self, selector: str) -> bool:
        state = self.call(FIELD_STATE, selector)
        return bool(state and state["visible"])

    def set_hash(self, fragment: str) -> None:
        self.call(SET_HASH, fragment)

    def evaluate(self, answer_sets: list[dict], batch: int = GRID_BATCH) -> list[dict]:
        """``window.selfcheck.evaluate(answers)`` for each set, in order."""
        return json.loads(self.call(EVALUATE_ALL, [answer_sets, batch]))


class PlaywrightPage(PageDriver):
    """Chromium through Playwright: ``recorded`` is tests/browser/conftest.py's
    RecordedPage (its requests, console errors and page errors)."""

    engine = "chromium"

    def __init__(self, recorded) -> None:
        self.recorded = recorded
        self.page = recorded.page

    def _goto(self, url: str) -> None:
        self.page.goto(url)

    @property
    def url(self) -> str:
        return self.page.url

    def call(self, function: str, arg: Any = None) -> Any:
        return self.page.evaluate(function, arg)

    def attribute(self, selector: str, name: str) -> str | None:
        return self.page.get_attribute(selector, name)

    def wait_for(self, selector: str, timeout: float = STEP_TIMEOUT) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_selector(selector, state="attached", timeout=timeout * 1000)
        except PlaywrightTimeout:
            raise TimeoutError(f"{timeout:.0f} s and still nothing matches {selector}") from None

    def click(self, selector: str) -> None:
        self.page.click(selector)

    def fill(self, selector: str, text: str) -> None:
        field = self.page.locator(selector)
        field.fill(text)
        field.press("Tab")

    def type_keys(
        self, selector: str, text: str, gap: float = 0.0, then: str | None = None
    ) -> None:
        field = self.page.locator(selector)
        # Playwright's driver keeps the delay between keys itself.
        field.press_sequentially(text, delay=gap * 1000)
        if then:
            field.press(then)

    def press(self, selector: str, key: str) -> None:
        self.page.locator(selector).press(key)

    def press_focused(self, key: str) -> None:
        self.page.keyboard.press(key)

    def _reload(self) -> None:
        self.page.reload()

    def _problems(self) -> list[str]:
        return self.recorded.problems()

    def close(self) -> None:
        self.recorded.context.close()


class SeleniumPage(PageDriver):
    """WebKitGTK through Selenium: ``driver`` a session of tests/support/webkit.py
    (its log holds the browser's console), ``proxy`` the OffHostProxy it goes
    through for every host but 127.0.0.1, ``stack`` what to close with it."""

    engine = "webkit"
    POLL = 0.05

    def __init__(self, driver, proxy, stack: contextlib.ExitStack) -> None:
        self.driver = driver
        self.proxy = proxy
        self._stack = stack

    def _goto(self, url: str) -> None:
        self.driver.get(url)

    @property
    def url(self) -> str:
        return self.driver.current_url

    # The function's source is part of the script WebDriver runs (outside the
    # page's CSP); its result or its error comes back through the callback.
    _CALL = """const [arg, done] = [arguments[0], arguments[arguments.length - 1]];
Promise.resolve().then(() => (%s)(arg)).then(
  (value) => done({ value: value === undefined ? null : value }),
  (error) => done({ error: String((error && error.stack) || error) }),
);"""

    def call(self, function: str, arg: Any = None) -> Any:
        out = self.driver.execute_async_script(self._CALL % function, arg)
        if "error" in out:
            raise RuntimeError(f"in the page: {out['error']}")
        return out["value"]

    def _find(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def attribute(self, selector: str, name: str) -> str | None:
        found = self._find(selector)
        if not found:
            raise LookupError(f"nothing matches {selector}")
        return found[0].get_dom_attribute(name)  # as written, not the property

    def wait_for(self, selector: str, timeout: float = STEP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not self._find(selector):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{timeout:.0f} s and still nothing matches {selector}")
            time.sleep(self.POLL)

    def _in_view(self, selector: str):
        """The first match, scrolled to the middle of the viewport: WebKitWebDriver
        scrolls an element to the top, where the site's sticky header covers it."""
        self.wait_for(selector)
        element = self._find(selector)[0]
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", element
        )
        return element

    def click(self, selector: str) -> None:
        self._in_view(selector).click()

    def fill(self, selector: str, text: str) -> None:
        from selenium.webdriver.common.keys import Keys

        field = self._in_view(selector)
        field.clear()
        field.send_keys(text + Keys.TAB)

    def type_keys(
        self, selector: str, text: str, gap: float = 0.0, then: str | None = None
    ) -> None:
        from selenium.webdriver.common.actions.action_builder import ActionBuilder
        from selenium.webdriver.common.keys import Keys

        self.driver.execute_script(FOCUS_AT_END, self._in_view(selector))
        # The W3C actions of one command: the keyboard's pauses are WebKitWebDriver's.
        builder = ActionBuilder(self.driver)
        keys = builder.key_action
        for i, char in enumerate(text):
            if i and gap:
                keys.pause(gap)
            keys.key_down(char).key_up(char)
        if then:
            key = getattr(Keys, SELENIUM_KEYS[then])
            keys.key_down(key).key_up(key)
        builder.perform()

    def press(self, selector: str, key: str) -> None:
        from selenium.webdriver.common.keys import Keys

        self._find(selector)[0].send_keys(getattr(Keys, SELENIUM_KEYS[key]))

    def press_focused(self, key: str) -> None:
        from selenium.webdriver.common.keys import Keys

        self.driver.switch_to.active_element.send_keys(getattr(Keys, SELENIUM_KEYS[key]))

    def _reload(self) -> None:
        self.driver.refresh()

    def _problems(self) -> list[str]:
        return [f"request off 127.0.0.1: {url}" for url in self.proxy.requests] + [
            f"console error: {text}" for text in console_errors(self.driver)
        ]

    def close(self) -> None:
        self._stack.close()


class MarionettePage(PageDriver):
    """Firefox through Marionette: ``session`` a session of tests/support/firefox.py
    (its proxy records every request off 127.0.0.1, its output holds the pages'
    console), ``stack`` what to close with it."""

    engine = "firefox"
    POLL = 0.05
    # The same script as SeleniumPage's: Marionette runs it outside the page's
    # CSP, in the page's own scope (no sandbox: the page's globals are seen).
    _CALL = SeleniumPage._CALL

    def __init__(self, session, stack: contextlib.ExitStack) -> None:
        self.session = session
        self.marionette = session.marionette
        self._stack = stack

    def _goto(self, url: str) -> None:
        self.marionette.navigate(url)

    @property
    def url(self) -> str:
        return self.marionette.get_url()

    def call(self, function: str, arg: Any = None) -> Any:
        out = self.marionette.execute_async_script(
            self._CALL % function, script_args=[arg], sandbox=None
        )
        if "error" in out:
            raise RuntimeError(f"in the page: {out['error']}")
        return out["value"]

    def _find(self, selector: str):
        from marionette_driver.by import By

        return self.marionette.find_elements(By.CSS_SELECTOR, selector)

    def attribute(self, selector: str, name: str) -> str | None:
        found = self._find(selector)
        if not found:
            raise LookupError(f"nothing matches {selector}")
        return found[0].get_attribute(name)  # the attribute as written

    def wait_for(self, selector: str, timeout: float = STEP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not self._find(selector):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{timeout:.0f} s and still nothing matches {selector}")
            time.sleep(self.POLL)

    def _in_view(self, selector: str):
        """The first match, scrolled to the middle of the viewport (clear of the
        site's sticky header)."""
        self.wait_for(selector)
        element = self._find(selector)[0]
        self.marionette.execute_script(
            "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})",
            script_args=[element],
            sandbox=None,
        )
        return element

    def click(self, selector: str) -> None:
        self._in_view(selector).click()

    def fill(self, selector: str, text: str) -> None:
        from marionette_driver.keys import Keys

        field = self._in_view(selector)
        field.clear()
        field.send_keys(text + Keys.TAB)

    def type_keys(
        self, selector: str, text: str, gap: float = 0.0, then: str | None = None
    ) -> None:
        from marionette_driver.keys import Keys
        from marionette_driver.marionette import ActionSequence

        self.marionette.execute_script(
            FOCUS_AT_END, script_args=[self._in_view(selector)], sandbox=None
        )
        # The W3C actions of one command: the keyboard's pauses are Firefox's.
        keys = ActionSequence(self.marionette, "key", "keyboard")
        for i, char in enumerate(text):
            if i and gap:
                keys.pause(round(gap * 1000))
            keys.key_down(char).key_up(char)
        if then:
            key = getattr(Keys, SELENIUM_KEYS[then])
            keys.key_down(key).key_up(key)
        keys.perform()

    def press(self, selector: str, key: str) -> None:
        from marionette_driver.keys import Keys

        self._find(selector)[0].send_keys(getattr(Keys, SELENIUM_KEYS[key]))

    def press_focused(self, key: str) -> None:
        from marionette_driver.keys import Keys

        self.marionette.get_active_element().send_keys(getattr(Keys, SELENIUM_KEYS[key]))

    # Marionette's own refresh skips the service worker, which a reader's reload
    # goes through: the page reloads itself, and the new document is the one
    # without the old one's mark.
    _RELOAD = "() => { window.__reloading = true; setTimeout(() => location.reload(), 0); }"
    _RELOADED = "return !window.__reloading && document.readyState === 'complete'"

    def _reload(self) -> None:
        from marionette_driver.errors import MarionetteException

        self.call(self._RELOAD)
        # As long as Marionette's own navigation waits for a page to load.
        timeout = self.marionette.timeout.page_load
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(MarionetteException):  # between two documents
                if self.marionette.execute_script(self._RELOADED, sandbox=None):
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{timeout:.0f} s and the page did not reload")
            time.sleep(self.POLL)

    def _problems(self) -> list[str]:
        return [f"request off 127.0.0.1: {url}" for url in self.session.proxy.requests] + [
            f"console error: {text}" for text in self.session.console_errors()
        ]

    def close(self) -> None:
        self._stack.close()
