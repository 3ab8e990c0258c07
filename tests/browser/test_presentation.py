"""The audit's sample (sitebuild/rgaa-4.1.yaml, ``sample``: every page, French
and English) in Debian Chromium, for what a reader's own settings and tools
change:

- icons: every inline ``<svg>`` is hidden from assistive technologies
  (``aria-hidden="true"``) or has a name of its own (1.2);
- links in text are underlined, or their colour has 3:1 against the text's
  (10.6);
- every text has a background colour declared on its element or an ancestor
  (10.5);
- zoomed to 200 % (1280 × 800 at 200 % is a window of 640 × 400 CSS pixels), no
  horizontal scroll and no text cut off that was not already (10.4);
- in a window 256 px high (1024 × 256), no horizontal scroll and what sticks
  (header, notice, the self-check's bar) covers less than half of it (10.11,
  with the 320 px test of test_site_pages.py);
- with WCAG 1.4.12's text spacing (line height 1.5, paragraphs 2 em apart,
  letters 0.12 em, words 0.16 em) at 1280 and 360 px: no horizontal scroll, no
  text cut off that was not already (10.12);
- a glossary explanation shown on focus closes with Escape, the focus staying
  (10.13);
- the theme's single-key shortcuts are off: f, s, / and p, n, comma, full stop
  neither open the search nor change the page (12.10);
- the self-check's fields, boxes, buttons and focus rings have 3:1 against
  what is next to them (3.3).

RGAA 4.1: 1.2, 3.3, 10.4, 10.5, 10.6, 10.11, 10.12, 10.13, 12.10
(the criteria of sitebuild/rgaa-4.1.yaml whose method names this module's tests).
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from support.driver import READY_MS, STEP_TIMEOUT

from sitebuild import audit

pytestmark = pytest.mark.browser

GRID = audit.load()
LANGS = ("fr", "en")


def sample_url(lang: str, page: str) -> str:
    """``index.md`` → ``""`` / ``en/``; ``faq.md`` → ``faq/`` / ``en/faq/``."""
    path = "" if page == "index.md" else page.removesuffix(".md") + "/"
    return ("" if lang == "fr" else "en/") + path


SAMPLE = {
    f"{lang}-{entry['id']}": sample_url(lang, entry["page"])
    for lang in LANGS
    for entry in GRID["sample"]
}

# Shared in-page helpers: colours and contrast (WCAG's relative luminance).
COLOURS = """
const rgba = (text) => {
  const m = text.match(/rgba?\\(([^)]+)\\)/);
  if (!m) return null;
  const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return { r, g, b, a };
};
const luminance = ({ r, g, b }) => {
  const c = [r, g, b].map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
};
const contrast = (x, y) => {
  const [a, b] = [luminance(x), luminance(y)].sort((p, q) => q - p);
  return (a + 0.05) / (b + 0.05);
};
const over = (top, bottom) => ({
  r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
  b: top.b * top.a + bottom.b * (1 - top.a), a: 1 });
// The colour behind an element: its own background, composed over its ancestors'.
const backdrop = (el) => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
  }
  return layers.reverse().reduce((under, c) => over(c, under), { r: 255, g: 255, b: 255, a: 1 });
};
const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + (typeof el.className === 'string' && el.className
    ? '.' + el.className.trim().split(/\\s+/)[0] : '')
  + ' «' + (el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 40) + '»';
"""

STATIC_CHECKS = (
    """() => {"""
    + COLOURS
    + """
  const shown = (el) => el.getClientRects().length > 0 && el.checkVisibility();
  // 1.2: icons
  const icons = [...document.querySelectorAll('svg')].filter((svg) =>
    !svg.closest('[aria-hidden="true"]') && !svg.getAttribute('aria-label')
    && !svg.getAttribute('aria-labelledby')).map((svg) => describe(svg.parentElement));
  // 10.6: a link inside a text (a block with more text than the link's)
  const links = [];
  for (const a of document.querySelectorAll('.md-content a[href], .fund-notice a[href]')) {
    if (!shown(a) || a.matches('.md-button, .headerlink')) continue;
    const block = a.parentElement.closest('p, li, td, dd, dt, blockquote');
    if (!block) continue;
    const words = (el) => el.textContent.replace(/\\s+/g, '');
    if (words(block).length <= words(a).length) continue;
    const style = getComputedStyle(a);
    if (style.textDecorationLine.includes('underline')) continue;
    const ratio = contrast(rgba(style.color), rgba(getComputedStyle(block).color));
    if (ratio < 3) links.push(describe(a) + ` ${ratio.toFixed(2)}:1`);
  }
  // 10.5: every text has a background colour on its element or an ancestor
  const bare = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !shown(el)) continue;
    let declared = false;
    for (let e = el; e && !declared; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      declared = !!c && c.a > 0;
    }
    if (!declared) bare.push(describe(el));
  }
  return { icons, links, bare: [...new Set(bare)].slice(0, 10) };
}"""
)

# Overflow: the page's horizontal scroll, and the texts cut off by a box that
# hides what overflows it.
OVERFLOW = """() => {
  const cut = [];
  for (const el of document.querySelectorAll('.md-container *, .fund-notice *')) {
    const style = getComputedStyle(el);
    if (!/hidden|clip/.test(style.overflowX + style.overflowY) || !el.textContent.trim()) continue;
    if (!el.getClientRects().length || !el.checkVisibility()) continue;
    if (el.closest('[hidden], .md-sidebar, .md-search, .visually-hidden, .md-tooltip2')) continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      cut.push(el.tagName.toLowerCase() + '.' + String(el.className).trim().split(/\\s+/)[0]
        + ' «' + el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 30) + '»');
    }
  }
  return { scroll: document.documentElement.scrollWidth - innerWidth, cut };
}"""

# What stays on screen while the page scrolls, and how much of the height it takes.
STICKY = """() => {
  window.scrollTo(0, Math.min(600, document.documentElement.scrollHeight));
  return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => {
    let covered = 0;
    const seen = [];
    for (const el of document.querySelectorAll('body *')) {
      const p = getComputedStyle(el).position;
      if (p !== 'fixed' && p !== 'sticky') continue;
      if (!el.checkVisibility()) continue;
      const r = el.getBoundingClientRect();
      const top = Math.max(0, r.top), bottom = Math.min(innerHeight, r.bottom);
      if (bottom > top && r.width > innerWidth / 2) {
        covered += bottom - top;
        seen.push(el.tagName.toLowerCase() + '.' + String(el.className).split(' ')[0]);
      }
    }
    window.scrollTo(0, 0);
    done({ covered, height: innerHeight, seen });
  })));
}"""

SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`
    * { line-height: 1.5 !important; letter-spacing: 0.12em !important;
        word-spacing: 0.16em !important; }
    p { margin-bottom: 2em !important; }`);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return getComputedStyle(document.querySelector('.md-content p, p')).letterSpacing;
}"""

SETTLE = """() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"""


def settle(page) -> None:
    page.evaluate("() => document.fonts.ready")
    page.evaluate(SETTLE)


def open_page(new_page, site_server, path: str, viewport=(1280, 800)):
    recorded = new_page(viewport=viewport)
    page = recorded.page
    page.goto(urljoin(site_server, path), wait_until="load")
    if page.locator("#selfcheck").count():
        page.wait_for_selector('#selfcheck:not([data-state="loading"])', timeout=READY_MS)
    settle(page)
    return page


@pytest.mark.parametrize("name", SAMPLE)
def test_icons_links_and_backgrounds(new_page, site_server, name):
    page = open_page(new_page, site_server, SAMPLE[name])
    seen = page.evaluate(STATIC_CHECKS)
    assert not seen["icons"], f"{name}: icons that assistive technologies read: {seen['icons']}"
    assert not seen["links"], f"{name}: links told from the text by colour alone: {seen['links']}"
    assert not seen["bare"], f"{name}: texts with no background colour declared: {seen['bare']}"


def lost(page, cut_before: set, label: str) -> list[str]:
    """What the page loses now, against what was already cut: a horizontal
    scroll, or texts cut off that were whole."""
    seen = page.evaluate(OVERFLOW)
    problems = []
    if seen["scroll"] > 0:
        problems.append(f"{label}: horizontal scroll of {seen['scroll']} px")
    if new := set(seen["cut"]) - cut_before:
        problems.append(f"{label}: text cut off: {sorted(new)}")
    return problems


@pytest.mark.parametrize("name", SAMPLE)
def test_zoom_small_windows_and_text_spacing_lose_nothing(new_page, site_server, name):
    page = open_page(new_page, site_server, SAMPLE[name])
    before = set(page.evaluate(OVERFLOW)["cut"])
    problems = []
    for label, (width, height) in {"200 %": (640, 400), "1024 × 256": (1024, 256)}.items():
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        problems += lost(page, before, label)
    sticky = page.evaluate(STICKY)
    if sticky["covered"] > sticky["height"] / 2:
        problems.append(f"1024 × 256: what sticks covers {sticky}")
    for width, height in ((1280, 800), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        settle(page)
        cut = set(page.evaluate(OVERFLOW)["cut"])
        page.reload(wait_until="load")
        if page.locator("#selfcheck").count():
            page.wait_for_selector('#selfcheck:not([data-state="loading"])', timeout=READY_MS)
        assert page.evaluate(SPACING) != "normal", "the text spacing was not applied"
        settle(page)
        problems += lost(page, cut, f"spacing at {width} px")
    assert not problems, f"{name}: " + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_a_glossary_explanation_closes_with_escape(new_page, site_server, lang):
    page = open_page(new_page, site_server, sample_url(lang, "faq.md"))
    term = page.locator('.md-content abbr[title][tabindex="0"]').first
    term.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible", timeout=STEP_TIMEOUT * 1000)
    page.keyboard.press("Escape")
    tooltip.wait_for(state="hidden", timeout=STEP_TIMEOUT * 1000)
    assert page.evaluate("() => document.activeElement.tagName") == "ABBR"


@pytest.mark.parametrize("lang", LANGS)
def test_no_single_key_shortcut(new_page, site_server, lang):
    page = open_page(new_page, site_server, sample_url(lang, "faq.md"))
    url = page.url
    for key in ("f", "s", "/", "p", ",", "n", "."):
        page.evaluate("() => document.activeElement.blur()")
        page.keyboard.press(key)
        settle(page)
        assert page.url == url, f"{key!r} changed the page to {page.url}"
        assert not page.evaluate("() => document.getElementById('__search').checked"), key
        focused = page.evaluate("() => document.activeElement.className")
        assert "md-search__input" not in focused, f"{key!r} put the focus in the search"
    # Typed into the search, the same keys are letters.
    page.locator(".md-search__input").press_sequentially("fsn")
    assert page.locator(".md-search__input").input_value() == "fsn"


# The self-check's components: each one's boundary against what is next to it,
# and its focus ring against the background (3.3).
COMPONENTS = (
    """() => {"""
    + COLOURS
    + """
  const low = [];
  const check = (el, what, colour, against) => {
    const ratio = contrast(colour, against);
    if (ratio < 3) low.push(`${describe(el)} ${what} ${ratio.toFixed(2)}:1`);
    return ratio;
  };
  const ratios = {};
  for (const el of document.querySelectorAll(
      '#selfcheck input[type=text], #selfcheck .selfcheck-toggle-box, '
      + '#selfcheck .selfcheck-button')) {
    if (!el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const behind = backdrop(el.parentElement);
    const border = rgba(style.borderTopColor);
    const fill = over(rgba(style.backgroundColor), behind);
    // the boundary: the border, or the fill when it differs enough from the page
    const best = Math.max(
      parseFloat(style.borderTopWidth) > 0 ? contrast(over(border, behind), behind) : 0,
      contrast(fill, behind));
    ratios[el.className || el.type] = best.toFixed(2);
    if (best < 3) low.push(`${describe(el)} boundary ${best.toFixed(2)}:1`);
  }
  return { low, ratios };
}"""
)
FOCUS_RING = (
    """(selector) => {"""
    + COLOURS
    + """
  const el = document.querySelector(selector);
  el.focus();
  const style = getComputedStyle(el);
  const colour = rgba(style.outlineColor);
  const width = parseFloat(style.outlineWidth);
  const ratio = style.outlineStyle === 'none'
    ? 0 : contrast(over(colour, backdrop(el)), backdrop(el.parentElement));
  return { ratio, width, style: style.outlineStyle };
}"""
)


@pytest.mark.parametrize("lang", LANGS)
def test_the_self_checks_components_and_focus_rings_stand_out(new_page, site_server, lang):
    page = open_page(new_page, site_server, sample_url(lang, "autodiagnostic.md"))
    seen = page.evaluate(COMPONENTS)
    print(f"\n  [{lang}] boundaries against the page: {seen['ratios']}")
    assert not seen["low"], seen["low"]
    page.keyboard.press("Tab")  # focus-visible from now on
    for selector in (
        "#selfcheck [data-question] input[type=radio]",
        "#selfcheck [data-question] input[type=text]",
        "#selfcheck .selfcheck-actions .selfcheck-button",
        "#selfcheck .selfcheck-toggle",
        "#selfcheck summary",
    ):
        ring = page.evaluate(FOCUS_RING, selector)
        print(f"  [{lang}] focus ring of {selector}: {ring}")
        assert ring["ratio"] >= 3 and ring["width"] >= 1, (selector, ring)
