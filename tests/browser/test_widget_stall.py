"""When the engine's boot gives up: a stalled download, never a busy device.

In Debian Chromium (what needs Playwright: scripts installed before the
page's own), with the widget's stall window (the root's data-stall, 30 s as
built) shortened to STALL_MS before widget.js reads it:

- a download that stops sending bytes (the runtime's first 64 KiB, then
  nothing: tests/support/servers.py, wasm="stalls") ends in the error state
  with the "stalled" reason shown, the form kept;
- once no download is left, the worker says "working" and nothing can stall:
  the engine's "ready" held back for twice the window after it, the widget
  never leaves its loading state for an error, and is ready once it comes.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from support.driver import READY_TIMEOUT, STEP_TIMEOUT, WIDGET_STATE
from support.servers import serving_site

pytestmark = pytest.mark.browser

ROOT = "#selfcheck"
READY_MS = READY_TIMEOUT * 1000
# ms: long enough for a download's bytes on a busy machine (the worker tells
# the page at most every 100 ms while they arrive), short for a test
STALL_MS = 4000

# The stall window shortened as soon as the widget's root is parsed (widget.js,
# a module, runs after the whole page is), and every state the root takes.
SHORT_STALL = f"""(() => {{
  window.__states = [];
  new MutationObserver((records, observer) => {{
    const root = document.querySelector('{ROOT}');
    if (!root) return;
    observer.disconnect();
    root.dataset.stall = '{STALL_MS}';
    window.__states.push(root.dataset.state);
    new MutationObserver(() => window.__states.push(root.dataset.state))
      .observe(root, {{ attributes: true, attributeFilter: ['data-state'] }});
  }}).observe(document, {{ childList: true, subtree: true }});
}})();"""

# The worker's messages, seen before any listener of the page's (boot.js adds
# its own as it creates the worker): each type noted, and "ready" held back
# for twice the stall window, then given to the page as it came. The page's
# timers fire in the order of their deadlines: a stall timer still running
# since the last download would fire before this one.
HOLD_READY = """(() => {
  const replayed = new WeakSet();
  window.__said = [];
  window.Worker = class extends Worker {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const type = event.data && event.data.type;
        if (replayed.has(event) || !type) return;
        window.__said.push(type);
        if (type !== 'ready') return;
        event.stopImmediatePropagation();
        const stall = Number(document.querySelector('#selfcheck').dataset.stall);
        setTimeout(() => {
          const again = new MessageEvent('message', { data: event.data });
          replayed.add(again);
          window.__released = true;
          this.dispatchEvent(again);
        }, 2 * stall);
      });
    }
  };
})();"""

SHOWN_REASONS = """() => [...document.querySelectorAll('#selfcheck-error [data-reason]')]
  .filter((p) => p.checkVisibility()).map((p) => p.dataset.reason)"""


def open_widget(new_page, base_url: str, *scripts: str):
    recorded = new_page()
    for script in scripts:
        recorded.page.add_init_script(script)
    recorded.page.goto(urljoin(base_url, "autodiagnostic/"))
    return recorded


def test_a_download_that_stops_sending_bytes_is_reported_stalled(new_page, built_site):
    with serving_site(built_site, wasm="stalls") as served:
        recorded = open_widget(new_page, served.base_url, SHORT_STALL)
        page = recorded.page
        page.wait_for_selector(f'{ROOT}[data-state="error"]', state="attached", timeout=READY_MS)
        assert page.evaluate(SHOWN_REASONS) == ["stalled"], page.evaluate(WIDGET_STATE)
        assert page.evaluate("() => window.__states") == ["loading", "error"]
        assert any(path.endswith(".wasm") for path in served.requests), served.requests
        # the form stays, to answer with the criteria's page
        assert page.locator("#selfcheck-form").is_visible()
        recorded.context.close()  # before the server lets the held download go


def test_no_stall_while_the_engine_works_after_its_downloads(new_page, site_server):
    recorded = open_widget(new_page, site_server, SHORT_STALL, HOLD_READY)
    page = recorded.page
    page.wait_for_selector(f'{ROOT}[data-state="ready"]', state="attached", timeout=READY_MS)
    said = page.evaluate("() => window.__said")
    assert page.evaluate("() => window.__released"), said
    # The engine said it was working (no download left) before it was ready.
    assert said[said.index("ready") - 1] == "working", said
    assert page.evaluate("() => window.__states") == ["loading", "ready"], page.evaluate(
        WIDGET_STATE
    )
    page.wait_for_selector(
        "#selfcheck-result[data-answers]", state="attached", timeout=STEP_TIMEOUT * 1000
    )
    recorded.assert_clean()
