"""No layout shift the reader did not cause, on a slow boot with answers given
meanwhile (Chromium: the Layout Instability API, ``layout-shift`` entries, is
Chromium's; WebKit has none).

The engine's ``.wasm`` download is held until the reader has answered the first
question with the option that settles the result at once (every later
question becomes moot) — then released. From the release until the engine is
ready and the result shown, the layout shifts (none follows an input) add up to
at most 0.1 (the "good" cumulative layout shift); the questions made moot stay in place
until the reader answers again, and go then (a shift the reader caused).
"""

from __future__ import annotations

import contextlib
from urllib.parse import urljoin

import pytest
from contract import RULES
from support.driver import READY_MS

from selfcheck.engine import Engine

pytestmark = pytest.mark.browser

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
CLS_LIMIT = 0.1
OBSERVE = """() => {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__shifts.push({ value: entry.value, at: entry.startTime });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}"""
# The shifts since the download was released: none of them follows an input.
SINCE_RELEASE = """() => window.__shifts.filter((s) => s.at >= window.__released)
  .reduce((sum, s) => sum + s.value, 0)"""
RELEASE = "() => { window.__released = performance.now(); }"
SHOWN = """() => [...document.querySelectorAll('[data-question]')]
  .filter((q) => !q.hidden).map((q) => q.dataset.question)"""


def settling_option() -> tuple[str, str]:
    """The first question's option that, alone, settles the verdict."""
    engine = Engine(RULES)
    first = RULES["questions"][0]
    for option in first.get("options", ()):
        if engine.evaluate({first["id"]: option["value"]}, "fr")["verdict"] == "ineligible":
            return first["id"], option["value"]
    raise LookupError("no option of the first question settles the result alone")


@pytest.mark.parametrize("lang", LANGS)
def test_a_slow_boot_with_answers_moves_nothing_by_itself(record_page, site_server, lang):
    key, value = settling_option()
    held = []
    recorded = record_page((1280, 800))
    page, context = recorded.page, recorded.context
    page.route("**/*.wasm", lambda route: held.append(route))
    try:
        page.goto(urljoin(site_server, LANGS[lang]))
        page.evaluate(OBSERVE)
        page.wait_for_selector('#selfcheck[data-state="loading"]', state="attached")
        every = page.evaluate(SHOWN)
        page.click(f'[name="{key}"][value="{value}"]')
        assert held, "the .wasm request was never made"
        page.evaluate(RELEASE)
        for route in held:
            route.continue_()
        page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
        page.wait_for_selector('#selfcheck-result[data-verdict="ineligible"]', state="attached")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
        shift = page.evaluate(SINCE_RELEASE)
        print(f"\n  [{lang}] cumulative layout shift once the engine is ready: {shift:.4f}")
        assert shift <= CLS_LIMIT, page.evaluate("() => window.__shifts")
        # The moot questions are still there …
        assert page.evaluate(SHOWN) == every
        # … until the reader answers again.
        others = [o["value"] for o in RULES["questions"][0]["options"] if o["value"] != value]
        page.click(f'[name="{key}"][value="{others[0]}"]')
        page.click(f'[name="{key}"][value="{value}"]')
        page.wait_for_function(
            f"(n) => ({SHOWN})().length < n",
            arg=len(every),
        )
    finally:
        for route in held:
            with contextlib.suppress(Exception):
                route.continue_()
        context.close()
