"""Offline after one visit (the site's service worker, written by workbox-build).

In Debian Chromium, with service workers allowed: after one visit of the
self-check page (its engine booted once), with the browser offline, the
self-check still gives a verdict, and a page never visited reads. Every
request stays on 127.0.0.1.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import pytest
from conftest import RecordedPage
from contract import RULES
from playwright.sync_api import expect
from support.corpus import first, load_corpus, settled_eligible
from support.driver import READY_TIMEOUT, PlaywrightPage
from support.servers import CACHED_URLS

from selfcheck.form import fragment

pytestmark = pytest.mark.browser

READY_MS = READY_TIMEOUT * 1000

# The files of the complete engine cache (its last entry, the mark, written).
COMPLETE_MARK = "assets/selfcheck/.complete"
KEPT = f"""async () => {{
  for (const name of await caches.keys()) {{
    if (!name.startsWith('selfcheck-engine-')) continue;
    const urls = (await (await caches.open(name)).keys()).map((request) => request.url);
    if (urls.some((url) => url.endsWith('/{COMPLETE_MARK}'))) return urls.length - 1;
  }}
  return 0;
}}"""

KEPT_AND_CONTROLLED = f"""async () =>
  (await ({KEPT})()) >= 8 && !!navigator.serviceWorker.controller"""

# The service worker's reply to the page's "keep-engine", kept for the test.
KEPT_REPLY = """navigator.serviceWorker?.addEventListener('message', (event) => {
  if (String(event.data?.type).startsWith('engine-')) window.__kept = event.data;
});"""


@pytest.fixture
def online_context(browser):
    context = browser.new_context(service_workers="allow", viewport={"width": 1280, "height": 800})
    yield context
    context.close()


def test_after_one_visit_the_self_check_and_every_page_work_offline(
    online_context, site_server, built_site
):
    requests: list[str] = []
    online_context.on("request", lambda request: requests.append(request.url))
    page = online_context.new_page()
    online = RecordedPage(page=page, context=online_context)
    answers = first(load_corpus(RULES)["cases"], settled_eligible, "eligible")["answers"]
    shared = fragment(RULES, answers, "fr")
    page.goto(urljoin(site_server, "autodiagnostic/") + "#" + shared)
    page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
    # the service worker installs, then keeps the engine's files
    try:
        PlaywrightPage(online).wait_until(KEPT_AND_CONTROLLED, timeout=READY_TIMEOUT)
    except TimeoutError:
        pytest.fail(f"the service worker did not keep the engine: {page.evaluate(KEPT)} files")
    # What the privacy page promises: the caches hold the site's own files,
    # never the reader's answers: each address is a file of the built site,
    # with no fragment, and no answer in its query.
    cached = page.evaluate(CACHED_URLS)
    assert len(cached) > 20, cached
    for url in cached:
        assert url.startswith(site_server), url
        path = urlsplit(url)
        assert not path.fragment and shared not in url, url
        assert not set(answers) & {name for name, _ in parse_qsl(path.query)}, url
        relative = unquote(path.path)[len(urlsplit(site_server).path) :]
        if relative == COMPLETE_MARK:  # the engine cache's mark: an empty response
            continue
        file = built_site / relative
        is_folder = relative.endswith("/") or not relative
        assert (file / "index.html" if is_folder else file).is_file(), url
    # A second visit, online: the engine boots from the cache, and keeping it
    # again downloads nothing (the service worker only fetches what it lacks).
    online_context.add_init_script(KEPT_REPLY)
    fetched_by_worker: list[str] = []
    online_context.on(
        "request",
        lambda request: request.service_worker and fetched_by_worker.append(request.url),
    )
    page.reload()
    page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
    reply = page.wait_for_function("() => window.__kept", timeout=READY_MS).json_value()
    assert reply["type"] == "engine-kept", reply
    engine_files = [url for url in fetched_by_worker if "/assets/selfcheck/" in url]
    assert not engine_files, f"the engine was downloaded again: {engine_files}"
    online_context.set_offline(True)
    page.reload()
    page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
    result = page.locator("#selfcheck-result")
    expect(result).to_have_attribute("data-answers", shared)
    expect(result).to_have_attribute("data-verdict", "eligible")
    # a page this reader never opened
    page.goto(urljoin(site_server, "en/glossaire/"))
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert all(
        url.startswith(site_server) or url.startswith(("data:", "blob:")) for url in requests
    )
