"""The site under a sub-path, as a host that publishes it at
``http://127.0.0.1:<port>/fonds/`` would serve it.

The server is bound first (a free port), then the site is built for that
address (``SITE_URL=http://127.0.0.1:<port>/fonds/``) into ``<tmp>/fonds/``,
its ``_headers`` moved to ``<tmp>`` (the root of what is published: sitebuild/DEPLOYING.md,
"Deploying"), and ``<tmp>`` is served by the project's server. In Debian
Chromium: the self-check boots and gives the verdict of a share link, the
language links lead to the other language's page, the search finds pages, the
404 pages of both languages come with their styles and links, the sitemap
lists the pages at their address; nothing is requested outside ``/fonds/``.

Fixtures (``new_page``) come from tests/browser/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
from contract import RULES
from playwright.sync_api import expect
from support.corpus import first, js_number, load_corpus, settled_eligible
from support.driver import READY_MS, STEP_MS
from support.paths import REPO

from selfcheck.form import fragment
from sitebuild import headers
from sitebuild.serve import make_server

pytestmark = pytest.mark.browser

SUB_PATH = "/fonds/"
BUILD_TIMEOUT_S = 300
# Who publishes the site: a build for an address stops without them (LCEN).
PUBLISHER = {
    "SITE_PUBLISHER": "Test publisher",
    "SITE_DIRECTOR": "Test director",
    "SITE_CONTACT": "contact@example.invalid",
    "SITE_HOST": "Test host",
    "SITE_HOST_ADDRESS": "1 test street",
}
SHARED = first(
    load_corpus(RULES)["cases"],
    settled_eligible,
    "eligible with a settled amount and no null answer",
)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory) -> str:
    """The base URL of the site built for, and served at, /fonds/."""
    published = tmp_path_factory.mktemp("published")
    server = make_server(published, quiet=True)  # bound now: its port is the address
    host, port = server.server_address[:2]
    url = f"http://{host}:{port}{SUB_PATH}"
    site = published / SUB_PATH.strip("/")
    env = {**os.environ, **PUBLISHER, "SITE_URL": url}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"build failed:\n{done.stdout}\n{done.stderr}"
    shutil.move(site / headers.HEADERS_FILE, published / headers.HEADERS_FILE)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()  # shutdown() returned once serve_forever had


def open_page(new_page, url: str):
    """A recorded page that also keeps each response's status."""
    recorded = new_page(viewport=(1280, 800))
    recorded.statuses = []
    recorded.page.on("response", lambda r: recorded.statuses.append((r.url, r.status)))
    response = recorded.page.goto(url)
    return recorded, response


def assert_stays_under_the_sub_path(recorded, url: str, allow_404: str = "") -> None:
    """Every request under /fonds/ of the served origin, every response but
    the page's own expected 404 successful, no console or page error."""
    origin = urlsplit(url)
    for requested in recorded.requests:
        parts = urlsplit(requested)
        if parts.scheme in ("data", "blob", "about"):
            continue
        assert (parts.hostname, parts.port) == (origin.hostname, origin.port), requested
        assert parts.path.startswith(SUB_PATH), f"requested outside {SUB_PATH}: {requested}"
    failed = [(u, s) for u, s in recorded.statuses if s >= 400 and u != allow_404]
    assert not failed, failed
    problems = [p for p in recorded.problems() if not (allow_404 and "404" in p)]
    assert not problems, problems


@pytest.mark.parametrize(("lang", "folder"), [("fr", ""), ("en", "en/")])
def test_the_self_check_gives_the_verdict_of_a_share_link(new_page, site_url, lang, folder):
    answers, expected = SHARED["answers"], SHARED["expect"]
    url = urljoin(site_url, f"{folder}autodiagnostic/") + "#" + fragment(RULES, answers, lang)
    recorded, response = open_page(new_page, url)
    assert response.status == 200
    page = recorded.page
    page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
    result = page.locator("#selfcheck-result")
    expect(result).to_have_attribute("data-verdict", expected["verdict"])
    expect(result).to_have_attribute("data-amount", js_number(expected["amount"]))
    # The worker, Pyodide and its standard library, the lock, the wheel and the
    # rules came from /fonds/.
    paths = [urlsplit(u).path for u in recorded.requests]
    names = ("worker.js", ".wasm", "python_stdlib.zip", "pyodide-lock.json", ".whl", "/rules-")
    for name in names:
        assert any(name in p and p.startswith(f"{SUB_PATH}assets/selfcheck/") for p in paths), name
    assert_stays_under_the_sub_path(recorded, site_url)


def switch_language(page, lang: str) -> None:
    page.locator(".md-header__option .md-select").hover()
    page.locator(f'.md-select__link[hreflang="{lang}"]').click()


@pytest.mark.parametrize("start", ["", "faq/"])
def test_the_language_links_lead_to_the_other_language(new_page, site_url, start):
    recorded, response = open_page(new_page, urljoin(site_url, start))
    assert response.status == 200
    page = recorded.page
    switch_language(page, "en")
    page.wait_for_url(urljoin(site_url, f"en/{start}"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    switch_language(page, "fr")
    page.wait_for_url(urljoin(site_url, start))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_stays_under_the_sub_path(recorded, site_url)


def test_the_search_finds_pages_under_the_sub_path(new_page, site_url):
    recorded, _ = open_page(new_page, urljoin(site_url, "faq/"))
    page = recorded.page
    page.locator(".md-search__input").press_sequentially("cachets")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(state="attached", timeout=STEP_MS)
    hrefs = [urljoin(page.url, a.get_attribute("href") or "") for a in results.all()]
    assert hrefs and all(urlsplit(h).path.startswith(SUB_PATH) for h in hrefs), hrefs
    response = page.goto(hrefs[0])
    assert response.status == 200
    assert_stays_under_the_sub_path(recorded, site_url)


@pytest.mark.parametrize(
    ("missing", "lang", "title", "home"),
    [
        ("nope/deeper/", "fr", "Page introuvable", ""),
        ("en/nope/", "en", "Page not found", "en/"),
    ],
)
def test_the_404_pages_have_their_styles_and_links(new_page, site_url, missing, lang, title, home):
    url = urljoin(site_url, missing)
    recorded, response = open_page(new_page, url)
    assert response.status == 404
    page = recorded.page
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(title)
    # Material's stylesheet applies: the header is a fixed bar, not an unstyled block.
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") == "sticky"
    assert_stays_under_the_sub_path(recorded, site_url, allow_404=url)
    home_link = page.locator("article p a").first
    assert urljoin(page.url, home_link.get_attribute("href")) == urljoin(site_url, home)
    home_link.click()
    page.wait_for_url(urljoin(site_url, home))
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_the_sitemap_lists_every_page_at_its_address(site_url):
    with urllib.request.urlopen(urljoin(site_url, "sitemap.xml")) as response:
        tree = ET.fromstring(response.read())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text or "" for loc in tree.iterfind("s:url/s:loc", ns)]
    assert site_url in locations and urljoin(site_url, "en/") in locations
    assert len(locations) >= 20
    for location in locations:
        assert location.startswith(site_url), location
        with urllib.request.urlopen(location) as page:
            assert page.status == 200, location
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(urljoin(site_url, "sitemap-nope.xml"))
    assert missing.value.code == 404
