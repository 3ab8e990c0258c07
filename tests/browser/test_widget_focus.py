"""Nothing hides the focus, and every control is big enough to hit, in every
engine tested (Chromium and WebKit, the scenario written once against
tests/support/driver.py), at 1280×800 and on a 360×740 phone, fr and en:

- focus never obscured (WCAG 2.2, 2.4.11; RGAA 10.7 and 12.8): an eligible
  result open (the sticky « Voir mon résultat » bar showing), the keyboard goes
  from the first question through every stop of the widget with Tab; at each
  stop the point at the centre of the focused element is the element itself
  (``document.elementFromPoint``): neither the bar nor the site's header is over
  it. The bar shows the verdict and the amount;
- target size (WCAG 2.2, 2.5.8): every visible control of the widget (links,
  buttons, fields, options with their label, disclosures) is at least 24 × 24 px,
  or a link inside a sentence; the main ones — the options, the number fields,
  the buttons and the bar — at least 44 px tall.

RGAA 4.1: 7.3, 10.7, 12.8, 12.9
(the criteria of sitebuild/rgaa-4.1.yaml whose method names this module's tests).
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from contract import RULES
from support.corpus import first, load_corpus, settled_eligible
from support.servers import serving_site

from selfcheck.engine import Engine
from selfcheck.form import fragment

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
VIEWPORTS = {"desktop": (1280, 800), "phone": (360, 740)}
RESULT = "#selfcheck-result"
CASES = load_corpus(RULES)["cases"]
SHARED = first(CASES, settled_eligible, "eligible with a settled amount")
MAX_STOPS = 150

FOCUS_FIRST = """() => {
  document.querySelector('#selfcheck-form [data-question] input').focus();
  return true;
}"""
# The focused element, and whether the point at its centre is its own.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || !el.closest('#selfcheck')) return { inside: false };
  // A link broken over two lines has one box per line: the centre of each.
  const owns = (hit) => !!hit && (hit === el || el.contains(hit)
    || (hit.contains(el) && hit.tagName === 'LABEL'));
  const points = [...el.getClientRects()].map((r) => [r.left + r.width / 2, r.top + r.height / 2]);
  const [x, y] = points[0] || [0, -1];
  const hit = document.elementFromPoint(x, y);
  const own = points.length > 0
    && points.every(([px, py]) => owns(document.elementFromPoint(px, py)));
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.name ? `[name=${el.name}][value=${el.value}]` : '')
    + (el.dataset.action ? `[data-action=${el.dataset.action}]` : '')
    + (el.textContent.trim() ? ` "${el.textContent.trim().slice(0, 40)}"` : '');
  return { inside: true, own, name, y: Math.round(y), height: innerHeight,
    over: hit ? hit.tagName.toLowerCase() + '.' + hit.className : null };
}"""
UNCOVERED = f"() => {{ const f = ({FOCUSED})(); return (!f.inside || f.own) && f; }}"
JUMP_TEXT = """() => document.querySelector('.selfcheck-jump').checkVisibility()
  && document.querySelector('.selfcheck-jump').textContent.replace(/\\s+/g, ' ').trim()"""
# Every visible control of the widget with its size; links inside a sentence apart.
TARGETS = """() => {
  const shown = (el) => el.checkVisibility() && el.getClientRects().length > 0;
  const controls = [...document.querySelectorAll(
    '#selfcheck a[href], #selfcheck button, #selfcheck input, #selfcheck summary')].filter(shown);
  return controls.map((el) => {
    const target = el.closest('label') || el;
    const box = target.getBoundingClientRect();
    const block = el.closest('p, li, dd');
    // a link inside a sentence may be as small as its text; a list of sources is no sentence
    const inline = el.tagName === 'A' && !!block && !el.closest('.selfcheck-source')
      && block.textContent.replace(/\\s+/g, '').length > el.textContent.replace(/\\s+/g, '').length;
    const main = el.matches(
      'input[type=radio], input[type=text], .selfcheck-button, .selfcheck-toggle, '
      + '.selfcheck-jump a');
    const label = (target.textContent || el.name || '').trim().slice(0, 30);
    return { name: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + label,
      width: box.width, height: box.height, inline, main };
  });
}"""


@pytest.fixture(scope="module")
def served(built_site):
    with serving_site(built_site) as served:
        yield served


def open_eligible(driver_factory, served, lang, viewport):
    shared = fragment(RULES, SHARED["answers"], lang)
    url = urljoin(served.base_url, LANGS[lang]) + "#" + shared
    page = driver_factory(viewport=viewport).open(url)
    page.wait_attribute(RESULT, "data-answers", shared)
    return page


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("lang", LANGS)
def test_tabbing_through_the_widget_nothing_covers_the_focus(
    driver_factory, served, lang, viewport
):
    page = open_eligible(driver_factory, served, lang, VIEWPORTS[viewport])
    display = Engine(RULES).evaluate(SHARED["answers"], lang)["display"]
    bar = page.wait_until(JUMP_TEXT)
    assert display["amount"].replace("\u00a0", " ").replace("\u202f", " ") in bar.replace(
        "\u00a0", " "
    ).replace("\u202f", " "), bar
    page.call(FOCUS_FIRST)
    stops, covered = [], []
    for _ in range(MAX_STOPS):
        try:
            state = page.wait_until(UNCOVERED)  # the page's own scroll, after the focus
        except TimeoutError:
            state = page.call(FOCUSED)
            covered.append(state)
        if not state["inside"]:
            break
        stops.append(state["name"])
        page.press_focused("Tab")
    else:
        pytest.fail(f"{MAX_STOPS} Tab stops and still in the widget: {stops[-5:]}")
    assert len(stops) > 10, stops
    assert not covered, f"{page.engine} {viewport}: the focus is covered at " + "\n  ".join(
        f"{c['name']} (centre y={c['y']} of {c['height']}, under {c['over']})" for c in covered
    )
    assert not page.problems(), page.problems()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_target_is_big_enough(driver_factory, served, viewport):
    page = open_eligible(driver_factory, served, "fr", VIEWPORTS[viewport])
    page.call(
        "() => { for (const d of document.querySelectorAll('#selfcheck details')) d.open = true; }"
    )
    targets = page.call(TARGETS)
    assert len(targets) > 20, targets
    small = [
        t
        for t in targets
        if (not t["inline"] and (t["width"] < 24 or t["height"] < 24))
        or (t["main"] and t["height"] < 44)
    ]
    assert not small, f"{page.engine} {viewport}: too small:\n  " + "\n  ".join(
        f"{t['name']}: {t['width']:.0f} × {t['height']:.0f}{' (main)' if t['main'] else ''}"
        for t in small
    )
