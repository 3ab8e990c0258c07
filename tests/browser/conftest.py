"""Shared fixtures for the browser tests: the built site, a local server, Chromium,
WebKitGTK, and one page-driver for both engines.

Everything here runs in pytest's main thread (Playwright's and Selenium's sync
APIs); only the HTTP servers have threads of their own.

- ``built_site``   the built site (``$SELFCHECK_SITE_DIR`` or ``<repo>/site``, which
                   ``make test`` builds with ``mkdocs build --strict`` before pytest)
- ``site_server``  that site served on 127.0.0.1 (free port); the base URL, ending in "/"
- ``browser``      Debian Chromium, headless, with non-local host names unresolvable
- ``new_page``     ``new_page(viewport=(w, h))`` → a ``RecordedPage`` in a fresh context,
                   recording every request, console error and uncaught page error
- ``record_page``  the same, for pages a module keeps (the caller closes the context)
- ``screenshot``   ``screenshot(page, name)`` → a full-page PNG in tests/artifacts/screenshots/
- ``site_page``    parametrised over every page of the built site (see ``discover_pages``)
- ``engine_name``  parametrised over the engines tested, module by module: "chromium"
                   (Playwright; marker ``browser``), "webkit" (WebKitGTK through
                   Selenium and WebKitWebDriver under Xvfb; marker ``webkit``) and
                   "firefox" (Debian's firefox-esr, headless, through Marionette;
                   marker ``firefox``)
- ``driver_factory`` ``driver_factory(viewport=(w, h), block=None, service_workers=False)``
                   → a ``support.driver.PageDriver`` of that engine on a blank page, in a
                   fresh context (Chromium) or session (WebKit, Firefox), service workers
                   blocked unless asked for; closed at the module's end
- ``new_driver``   the same, closed after the test
- ``xvfb_display`` the private X display the WebKit sessions use
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import firefox, webkit
from support.chromium import CHROMIUM, CHROMIUM_ARGS
from support.driver import MarionettePage, PageDriver, PlaywrightPage, SeleniumPage
from support.paths import REPO, site_dir

from sitebuild.serve import serving

SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
LOCAL_HOST = "127.0.0.1"
# Schemes that never touch the network.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}
# Built files that are not reader-facing pages (theme assets, the widget's files).
NON_PAGE_DIRS = {"assets", "search"}


# ---------------------------------------------------------------------------
# The built site


def discover_pages(site: Path) -> list[str]:
    """Every reader-facing page of the built site, as a URL path relative to its root.

    Every ``index.html`` except those under theme/widget asset folders: a page added
    to ``docs/`` is covered without touching the tests. ``404.html`` is not an
    ``index.html`` and is left out.
    """
    pages = []
    for path in site.rglob("index.html"):
        relative = path.relative_to(site)
        if relative.parts[0] in NON_PAGE_DIRS:
            continue
        url = "/".join(relative.parts[:-1])
        pages.append(f"{url}/" if url else "")
    return sorted(pages, key=lambda p: (p.startswith("en/"), p))


def page_id(url_path: str) -> str:
    """'' → 'fr-index', 'criteres/' → 'fr-criteres', 'en/' → 'en-index', …"""
    parts = [p for p in url_path.split("/") if p]
    lang = "fr"
    if parts and parts[0] == "en":
        lang, parts = "en", parts[1:]
    return f"{lang}-{'-'.join(parts) or 'index'}"


def pytest_generate_tests(metafunc):
    if "site_page" in metafunc.fixturenames:
        site = site_dir()
        pages = discover_pages(site) if (site / "index.html").exists() else []
        if pages:
            metafunc.parametrize("site_page", pages, ids=[page_id(p) for p in pages])
        else:
            # The built_site fixture then fails with the explanation.
            metafunc.parametrize("site_page", [""], ids=["site-not-built"])


@pytest.fixture(scope="session")
def built_site() -> Path:
    site = site_dir()
    if not (site / "index.html").exists():
        pytest.fail(
            f"no built site in {site}: run `make build` (mkdocs build --strict) first, "
            "or set SELFCHECK_SITE_DIR to a built site",
            pytrace=False,
        )
    return site


# ---------------------------------------------------------------------------
# The local server


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[str]:
    """The built site on 127.0.0.1 (free port), with the project's own server
    (selfcheck/sitebuild/serve.py, the one ``make serve`` runs)."""
    with serving(built_site) as base_url:
        assert urlsplit(base_url).hostname == LOCAL_HOST, base_url
        yield base_url


# ---------------------------------------------------------------------------
# The browser


@pytest.fixture(scope="session")
def playwright_session():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    playwright = sync_playwright().start()
    try:
        yield playwright
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_session):
    browser = playwright_session.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield browser
    finally:
        browser.close()


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == LOCAL_HOST


@dataclass
class RecordedPage:
    """A page and what it did: requests, console errors, uncaught errors."""

    page: object
    context: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def external_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]

    def problems(self) -> list[str]:
        """Requests off 127.0.0.1, console errors and page errors, one line each."""
        return (
            [f"request off {LOCAL_HOST}: {url}" for url in self.external_requests()]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
        )

    def assert_clean(self, what: str = "page") -> None:
        problems = self.problems()
        assert not problems, f"{what}:\n  " + "\n  ".join(problems)


def _console_text(message) -> str:
    location = message.location or {}
    where = location.get("url", "")
    if where and location.get("lineNumber") is not None:
        where += f":{location['lineNumber']}"
    return f"{message.text} ({where})" if where else message.text


def record(browser, viewport: tuple[int, int] = (1280, 800), **options) -> RecordedPage:
    """A new context and page recording every request (context-wide: pages and
    their dedicated workers), console error and uncaught page error. Service
    workers are blocked unless ``service_workers="allow"``. The caller closes
    ``recorded.context``."""
    width, height = viewport
    options = {"service_workers": "block", **options}
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    recorded = RecordedPage(page=page, context=context)
    context.on("request", lambda request: recorded.requests.append(request.url))
    page.on("websocket", lambda ws: recorded.requests.append(ws.url))
    page.on(
        "console",
        lambda msg: msg.type == "error" and recorded.console_errors.append(_console_text(msg)),
    )
    page.on("pageerror", lambda error: recorded.page_errors.append(str(error)))
    return recorded


@pytest.fixture(scope="session")
def record_page(browser):
    """``record_page(viewport=(w, h), **context_options)`` → RecordedPage, for pages
    kept longer than one test (the caller closes ``recorded.context``)."""
    return lambda viewport=(1280, 800), **options: record(browser, viewport, **options)


@pytest.fixture
def new_page(browser) -> Iterator:
    """``new_page(viewport=(w, h), **context_options)`` → RecordedPage; closed after the test."""
    contexts = []

    def make(viewport: tuple[int, int] = (1280, 800), **options) -> RecordedPage:
        recorded = record(browser, viewport, **options)
        contexts.append(recorded.context)
        return recorded

    yield make
    for context in contexts:
        context.close()


# ---------------------------------------------------------------------------
# Screenshots


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-")
    return SCREENSHOTS / f"{safe}.png"


@pytest.fixture(scope="session")
def screenshot():
    """``screenshot(page, name, full_page=True)`` → the PNG, in tests/artifacts/screenshots/."""

    def take(page, name: str, full_page: bool = True) -> Path:
        path = screenshot_path(name)
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        return path

    return take


# ---------------------------------------------------------------------------
# WebKitGTK, Firefox, and one page-driver for every engine

ENGINES = [
    pytest.param("chromium", marks=pytest.mark.browser),
    pytest.param("webkit", marks=pytest.mark.webkit),
    pytest.param("firefox", marks=pytest.mark.firefox),
]


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    missing = webkit.missing()
    if missing:
        pytest.fail(
            f"WebKit tests need apt-get install {' '.join(missing)} (.ci/run installs them)",
            pytrace=False,
        )
    with webkit.xvfb() as display:
        yield display


def open_webkit(
    display: str,
    viewport: tuple[int, int],
    block: str | None,
    folder: Path,
    service_workers: bool = False,
):
    """A WebKit session behind its own off-host proxy (every request off 127.0.0.1
    recorded and refused), as a SeleniumPage on a blank page; service workers
    off unless asked for (as in the Chromium contexts)."""
    stack = contextlib.ExitStack()
    try:
        proxy = stack.enter_context(webkit.OffHostProxy())
        args = proxy.args + (webkit.block_args(folder, block) if block else ())
        if not service_workers:
            args += ("--no-service-workers",)
        driver = stack.enter_context(webkit.webkit(display, args=args))
        driver.set_window_size(*viewport)
        return SeleniumPage(driver, proxy, stack)
    except BaseException:
        stack.close()
        raise


def open_firefox(viewport: tuple[int, int], block: str | None, service_workers: bool = False):
    """A Firefox session (its own profile and off-host proxy), as a MarionettePage
    on a blank page; service workers off unless asked for."""
    stack = contextlib.ExitStack()
    try:
        session = stack.enter_context(firefox.firefox(viewport, block, service_workers))
        return MarionettePage(session, stack)
    except BaseException:
        stack.close()
        raise


@pytest.fixture(scope="module", params=ENGINES)
def engine_name(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def driver_factory(engine_name, request, tmp_path_factory) -> Iterator:
    """``driver_factory(viewport=(w, h), block=None, service_workers=False)`` → a
    PageDriver of the module's engine, on a blank page, closed at the module's
    end. ``block``: a regular expression of URLs whose download fails (Chromium: a
    route that aborts them; WebKit: a content blocker, as Safari's; Firefox: a
    proxy auto-config that sends them to a port where nothing listens).
    ``service_workers``: let the pages register the site's service worker (off by
    default in both engines, so that every test but the offline ones reaches the
    server)."""
    opened: list[PageDriver] = []
    if engine_name == "chromium":
        chromium = request.getfixturevalue("browser")
    elif engine_name == "webkit":
        display = request.getfixturevalue("xvfb_display")
    elif firefox.missing():
        pytest.fail(
            f"Firefox tests need apt-get install {' '.join(firefox.missing())} "
            "(.ci/run installs it)",
            pytrace=False,
        )

    def make(
        viewport: tuple[int, int] = (1280, 800),
        block: str | None = None,
        service_workers: bool = False,
    ) -> PageDriver:
        driver: PageDriver
        if engine_name == "chromium":
            allowed = "allow" if service_workers else "block"
            recorded = record(chromium, viewport, service_workers=allowed)
            if block:
                recorded.page.route(re.compile(block), lambda route: route.abort())
            driver = PlaywrightPage(recorded)
        elif engine_name == "firefox":
            driver = open_firefox(viewport, block, service_workers)
        else:
            folder = tmp_path_factory.mktemp("webkit")
            driver = open_webkit(display, viewport, block, folder, service_workers)
        opened.append(driver)
        return driver

    yield make
    for driver in opened:
        with contextlib.suppress(Exception):  # already closed by its test
            driver.close()


@pytest.fixture
def new_driver(driver_factory) -> Iterator:
    """``new_driver(viewport=(w, h), block=None)`` → a PageDriver; closed after the test."""
    mine: list[PageDriver] = []

    def make(*args, **kwargs) -> PageDriver:
        driver = driver_factory(*args, **kwargs)
        mine.append(driver)
        return driver

    yield make
    for driver in mine:
        driver.close()
