"""Every page of the built site, French and English, in Debian Chromium.

Each page is visited once (cached for the module) and checked for:

- accessibility: zero axe-core violations, at 1280×800 and at 360×740;
- reflow: no horizontal scroll at 320 px wide;
- privacy: no request off 127.0.0.1, no console error, no uncaught error.

Full-page screenshots at 360×740 and 1280×800 land in tests/artifacts/screenshots/.
Then the phone navigation is driven with the keyboard only: the menu, a link of
the menu, and the language switcher.

RGAA 4.1: 1.1, 3.2, 5.6, 6.2, 8.3, 8.4, 8.5, 9.1, 9.2, 9.3, 10.11, 12.6, 12.7, 12.8, 12.11
(the criteria of sitebuild/rgaa-4.1.yaml whose method names this module's tests).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from support.driver import READY_MS, STEP_MS, STEP_TIMEOUT

pytestmark = pytest.mark.browser

DESKTOP = (1280, 800)
PHONE = (360, 740)
NARROWEST = 320
STEP_TIMEOUT_MS = STEP_TIMEOUT * 1000
MAX_TABS = 40

_axe = Axe()
_visits: dict[str, PageVisit] = {}


@dataclass
class PageVisit:
    url: str
    name: str
    axe: dict[str, list[dict]] = field(default_factory=dict)  # viewport → violations
    scroll: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------
# In-page scripts

# Wait for running CSS transitions/animations (finite ones, at most 2 s), then two
# frames: a resize or a focus change slides and fades Material's parts, and axe or a
# measure taken mid-transition sees colours and positions no reader ever sees.
SETTLE = """async () => {
  const finite = document.getAnimations().filter(a => {
    const timing = a.effect && a.effect.getComputedTiming();
    return timing && timing.endTime !== Infinity;
  });
  await Promise.race([
    Promise.all(finite.map(a => a.finished.catch(() => null))),
    new Promise(r => setTimeout(r, 2000)),
  ]);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""

WIDGET_SETTLED = """() => {
  const root = document.querySelector('[data-state]');
  return !root || root.dataset.state !== 'loading';
}"""

# scrollWidth against the window, and when it overflows, the elements that stick
# out on the right without an ancestor clipping them (widest first).
HORIZONTAL_OVERFLOW = """() => {
  const vw = window.innerWidth;
  const root = document.documentElement;
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let part = e.tagName.toLowerCase();
      if (e.id) part += '#' + e.id;
      else if (typeof e.className === 'string' && e.className.trim())
        part += '.' + e.className.trim().split(/\\s+/).slice(0, 2).join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const offenders = [];
  if (root.scrollWidth > vw) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right <= vw + 0.5 || (r.width === 0 && r.height === 0) || clipped(el)) continue;
      const fixed = getComputedStyle(el).position === 'fixed';
      offenders.push({
        element: describe(el) + (fixed ? ' (position: fixed)' : ''),
        right: Math.round(r.right),
        width: Math.round(r.width),
        text: (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60),
      });
    }
    offenders.sort((a, b) => b.right - a.right);
  }
  return {scrollWidth: root.scrollWidth, innerWidth: vw, offenders: offenders.slice(0, 6)};
}"""

# What the keyboard focus is on.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const name = (el.getAttribute('aria-label') || el.getAttribute('title')
                || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
  const r = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    name,
    href: el.href || null,
    hreflang: el.getAttribute('hreflang'),
    inHeader: !!el.closest('header'),
    inDrawer: !!el.closest('.md-sidebar--primary'),
    inContent: !!el.closest('article, .md-content'),
    inLanguageSelect: !!el.closest('.md-select'),
    drawerToggle: el.matches('label[for="__drawer"], [aria-controls="__drawer"], #__drawer'),
    visible: r.width > 0 && r.height > 0 && r.right > 0 && r.left < window.innerWidth
      && r.bottom > 0 && r.top < window.innerHeight
      && el.checkVisibility({opacityProperty: true, visibilityProperty: true}),
  };
}"""

DRAWER_OPEN = """() => {
  const nav = document.querySelector('.md-sidebar--primary');
  if (!nav) return false;
  const r = nav.getBoundingClientRect();
  return r.width > 0 && r.left >= -1 && r.right <= window.innerWidth + 1
    && getComputedStyle(nav).visibility !== 'hidden';
}"""


# ---------------------------------------------------------------------------
# Visiting a page once


def _is_menu_control(focused: dict) -> bool:
    if focused["drawerToggle"]:
        return True
    words = focused["name"].lower()
    return focused["inHeader"] and any(w in words for w in ("menu", "navigation"))


def _axe_violations(page) -> list[dict]:
    return _axe.run(page).response["violations"]


def _format_violations(violations: list[dict]) -> list[str]:
    """One line per rule (id, impact, help, first targets), then its first failure."""
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
        shown = "; ".join(targets[:4]) + (" …" if len(targets) > 4 else "")
        lines.append(
            f"- {v['id']} [{v.get('impact')}] {v['help']} — {len(targets)} node(s): {shown}"
        )
        failure = " ".join((v["nodes"][0].get("failureSummary") or "").split())
        if failure:
            lines.append(f"    first node: {failure[:300]}")
        lines.append(f"    {v.get('helpUrl', '')}")
    return lines


def page_name(url_path: str) -> str:
    """'' → 'fr-index', 'criteres/' → 'fr-criteres', 'en/' → 'en-index' (as the test ids)."""
    parts = [p for p in url_path.split("/") if p]
    lang = "fr"
    if parts[:1] == ["en"]:
        lang, parts = "en", parts[1:]
    return f"{lang}-{'-'.join(parts) or 'index'}"


def _wait_for_widget(page) -> None:
    """If the page holds the self-check widget, let it leave its loading state."""
    # The widget's root is in the page's HTML (the theme's partial): there once loaded.
    if page.locator("[data-state]").count():
        page.wait_for_function(WIDGET_SETTLED, timeout=READY_MS)


def _visit(site_page: str, base_url: str, new_page, screenshot) -> PageVisit:
    url = urljoin(base_url, site_page)
    visit = PageVisit(url=url, name=page_name(site_page))
    recorded = new_page(viewport=DESKTOP)
    page = recorded.page
    page.goto(url, wait_until="load")
    _wait_for_widget(page)
    page.evaluate("() => document.fonts.ready")
    page.evaluate(SETTLE)

    visit.axe["1280×800"] = _axe_violations(page)
    screenshot(page, f"{visit.name}-{DESKTOP[0]}x{DESKTOP[1]}")

    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    page.evaluate(SETTLE)
    visit.axe["360×740"] = _axe_violations(page)
    screenshot(page, f"{visit.name}-{PHONE[0]}x{PHONE[1]}")

    page.set_viewport_size({"width": NARROWEST, "height": PHONE[1]})
    page.evaluate(SETTLE)
    visit.scroll = page.evaluate(HORIZONTAL_OVERFLOW)

    visit.problems = recorded.problems()
    return visit


@pytest.fixture
def visit(site_page, site_server, new_page, screenshot) -> PageVisit:
    if site_page not in _visits:
        _visits[site_page] = _visit(site_page, site_server, new_page, screenshot)
    return _visits[site_page]


# ---------------------------------------------------------------------------
# Every page


def test_no_axe_violation(visit):
    report = []
    for viewport, violations in visit.axe.items():
        if violations:
            report.append(f"at {viewport}:")
            report += [f"  {line}" for line in _format_violations(violations)]
    assert not report, f"{visit.url}: axe-core violations\n" + "\n".join(report)


def test_no_horizontal_scroll_at_320px(visit):
    scroll = visit.scroll
    offenders = "\n".join(
        f"  - {o['element']}: right edge {o['right']} px, width {o['width']} px «{o['text']}»"
        for o in scroll["offenders"]
    )
    assert scroll["scrollWidth"] <= scroll["innerWidth"], (
        f"{visit.url}: horizontal scroll at {NARROWEST} px "
        f"(scrollWidth {scroll['scrollWidth']} > innerWidth {scroll['innerWidth']}); "
        f"widest elements:\n{offenders or '  (none found outside a clipping container)'}"
    )


def test_only_local_requests_and_no_console_error(visit):
    assert not visit.problems, f"{visit.url}:\n  " + "\n  ".join(visit.problems)


# ---------------------------------------------------------------------------
# Keyboard only, on a phone


def _describe(focused: dict | None) -> str:
    if not focused:
        return "<body>"
    where = " (off-screen or hidden)" if not focused["visible"] else ""
    return f"<{focused['tag']}> {focused['name']!r}{where}"


def _tab(page) -> dict | None:
    page.keyboard.press("Tab")
    page.evaluate(SETTLE)
    return page.evaluate(FOCUSED)


def _tab_until(page, wanted, what: str, max_tabs: int = MAX_TABS, give_up=None) -> dict:
    """Press Tab until the focus is on what ``wanted`` accepts; fail with the Tab stops
    seen after ``max_tabs`` presses, or as soon as ``give_up`` accepts the focus."""
    seen = []
    for _ in range(max_tabs):
        focused = _tab(page)
        if focused and wanted(focused):
            return focused
        seen.append(_describe(focused))
        if focused and give_up and give_up(focused):
            break
    stops = "\n  ".join(seen)
    pytest.fail(
        f"{page.url} ({page.title()!r}): {what} not reached in {len(seen)} Tab presses; "
        f"focus went to:\n  {stops}",
        pytrace=False,
    )


def _past_the_header(focused: dict) -> bool:
    return focused["inDrawer"] or focused["inContent"]


def _open_phone_page(new_page, url: str):
    recorded = new_page(viewport=PHONE)
    recorded.page.goto(url, wait_until="load")
    recorded.page.evaluate(SETTLE)
    return recorded


def test_phone_menu_opens_and_a_link_is_followed_with_the_keyboard(
    built_site, site_server, new_page, screenshot
):
    recorded = _open_phone_page(new_page, site_server)
    page = recorded.page
    start = urlsplit(page.url).path

    _tab_until(
        page, _is_menu_control, "the menu (hamburger) button at 360 px", give_up=_past_the_header
    )
    page.keyboard.press("Enter")
    try:
        page.wait_for_function(DRAWER_OPEN, timeout=STEP_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail("the focused menu button does not open the menu with Enter", pytrace=False)
    page.evaluate(SETTLE)
    screenshot(page, "keyboard-fr-index-menu-open-360x740", full_page=False)

    link = _tab_until(
        page,
        lambda f: (
            f["inDrawer"]
            and f["tag"] == "a"
            and f["visible"]
            and bool(f["href"])
            and urlsplit(f["href"]).path != start
        ),
        "a visible link to another page in the open menu",
    )
    page.keyboard.press("Enter")
    page.wait_for_url(link["href"], timeout=STEP_TIMEOUT_MS)
    assert urlsplit(page.url).path == urlsplit(link["href"]).path
    assert not recorded.external_requests(), recorded.external_requests()


def test_phone_tab_stops_before_the_content_are_all_visible(built_site, site_server, new_page):
    """WCAG 2.4.7: every Tab stop from the top of the page to the content can be seen."""
    recorded = _open_phone_page(new_page, site_server)
    page = recorded.page
    stops = []
    for _ in range(MAX_TABS):
        focused = _tab(page)
        if focused is None or page.evaluate("() => !!document.activeElement.closest('article')"):
            break
        stops.append(focused)
    hidden = [_describe(f) for f in stops if not f["visible"]]
    assert not hidden, (
        f"{page.url} at {PHONE[0]} px: {len(hidden)} of {len(stops)} Tab stops before the "
        "content are off-screen or hidden (menu closed):\n  " + "\n  ".join(hidden)
    )


@pytest.mark.parametrize(
    ("start", "target", "hreflang"),
    [("criteres/", "en/criteres/", "en"), ("en/faq/", "faq/", "fr")],
    ids=["fr-to-en", "en-to-fr"],
)
def test_phone_language_switcher_reaches_the_same_page_with_the_keyboard(
    built_site, site_server, new_page, screenshot, start, target, hreflang
):
    recorded = _open_phone_page(new_page, urljoin(site_server, start))
    page = recorded.page

    _tab_until(
        page,
        lambda f: f["inLanguageSelect"] and f["tag"] == "button" and f["visible"],
        "the language switcher at 360 px",
        give_up=_past_the_header,
    )
    _tab_until(
        page,
        lambda f: f["tag"] == "a" and f["hreflang"] == hreflang and f["visible"],
        f"the visible {hreflang!r} link of the language switcher",
        max_tabs=5,
    )
    screenshot(page, f"keyboard-{start.replace('/', '-')}language-360x740", full_page=False)
    page.keyboard.press("Enter")
    expected = urljoin(site_server, target)
    page.wait_for_url(expected, timeout=STEP_TIMEOUT_MS)
    assert page.url == expected
    assert page.evaluate("() => document.documentElement.lang") == hreflang
    assert not recorded.external_requests(), recorded.external_requests()


@pytest.mark.parametrize("url", ["fonds/", "en/fonds/"], ids=["fr", "en"])
def test_glossary_terms_explain_themselves_on_focus(url, built_site, site_server, new_page):
    """The first use of each term takes the focus and its explanation shows."""
    recorded = _open_phone_page(new_page, site_server + url)
    page = recorded.page
    terms = page.locator(".md-content .md-typeset abbr[title]")
    assert terms.count() > 0, "no glossary term on the page"
    focusable = page.locator('.md-content .md-typeset abbr[title][tabindex="0"]')
    texts = [t.strip().lower() for t in focusable.all_inner_texts()]
    assert texts and len(texts) == len(set(texts)), texts
    first = focusable.first
    title = first.get_attribute("title")
    first.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible", timeout=STEP_TIMEOUT_MS)
    assert title[:30] in tooltip.inner_text()


@pytest.mark.parametrize(
    ("url", "query", "expected"),
    [("", "cachets", "/faq/"), ("en/", "amount", "/en/")],
    ids=["fr", "en"],
)
def test_search_works_offline(url, query, expected, built_site, site_server, new_page):
    """Material's search (lunr, with the fr and en stemmers) answers from the
    site's own files: results come, and nothing is requested elsewhere."""
    recorded = new_page(viewport=DESKTOP)
    page = recorded.page
    page.goto(site_server + url, wait_until="load")
    # Typed, as a reader does: Material reads the query on keyup (a bare
    # fill() is seen only if it lands before the search index is ready).
    page.locator(".md-search__input").press_sequentially(query)
    # The list is rebuilt after each key: read it in one go, once it holds
    # the expected page (or give up after 15 s and show what it held).
    links = ".md-search-result__item a"
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            """([selector, expected]) => [...document.querySelectorAll(selector)]
                .some((a) => (a.getAttribute("href") || "").includes(expected))""",
            arg=[links, expected],
            timeout=STEP_MS,
        )
    hrefs = page.locator(links).evaluate_all(
        "(anchors) => anchors.map((a) => a.getAttribute('href') || '')"
    )
    assert any(expected in h for h in hrefs), hrefs
    assert not recorded.external_requests(), recorded.external_requests()
