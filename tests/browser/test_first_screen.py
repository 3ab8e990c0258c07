"""First things first on a phone, in every engine tested (Chromium, WebKit and
Firefox, the scenario written once against tests/support/driver.py): at 360 × 740,
with the page at its top, ``getBoundingClientRect`` of

- the home page's button to the self-check: wholly on the first screen;
- the self-check's first question: its question (legend) and its first answer
  option wholly on the first screen, while the engine loads and once it is
  ready, at the same place (the engine's status must not push it down, nor
  its end pull it up);
- the plain-words page's first link to the self-check: wholly on the first screen;

and, on each of them, the fund's notice (the fund is closed) first and whole,
above the thing measured, so that nothing reads as if one could apply now.

Each page's figures are printed (``-s``), as a benchmark prints its own.
"""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from support.driver import READY_TIMEOUT
from support.servers import serving_site

PHONE = (360, 740)
PAGES = {
    ("fr", "home"): "",
    ("en", "home"): "en/",
    ("fr", "plain"): "mots-simples/",
    ("en", "plain"): "en/mots-simples/",
}
SELFCHECK = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}

# The boxes that matter on the first screen, once the page is loaded (fonts
# included) and at its top; null until then.
MEASURE = """(selfcheck) => {
  if (document.readyState !== 'complete' || document.fonts.status !== 'loaded') return null;
  if (window.scrollY !== 0) return null;
  const box = (el) => {
    if (!el) return null;
    const r = el.getBoundingClientRect();
    return { top: Math.round(r.top * 10) / 10, bottom: Math.round(r.bottom * 10) / 10,
             text: el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 50) };
  };
  const article = document.querySelector('.md-content article')
    || document.querySelector('.md-content');
  const toSelfcheck = [...article.querySelectorAll('a[href]')]
    .find((a) => new URL(a.href).pathname.endsWith(selfcheck));
  const question = document.querySelector('#selfcheck [data-question]');
  const notice = document.querySelector('.fund-notice');
  // Nothing of the page's own comes before the notice.
  const header = document.querySelector('.md-header');
  return {
    width: innerWidth,
    height: innerHeight,
    state: document.querySelector('#selfcheck')?.dataset.state ?? null,
    notice: box(notice),
    noticeFirst: !!notice && !!header
      && !!(notice.compareDocumentPosition(header) & Node.DOCUMENT_POSITION_FOLLOWING),
    link: box(toSelfcheck),
    legend: question && box(question.querySelector('legend, label')),
    option: question && box(question.querySelector('label.selfcheck-option')),
  };
}"""


@pytest.fixture(scope="module")
def served(built_site):
    with serving_site(built_site) as served:
        yield served


@pytest.fixture(scope="module")
def phone(driver_factory):
    return driver_factory(viewport=PHONE)


def measure(page, lang: str) -> dict:
    seen = page.wait_until(MEASURE, "/" + SELFCHECK[lang])
    assert (seen["width"], seen["height"]) == PHONE, f"the viewport is not a phone's: {seen}"
    return seen


def on_first_screen(seen: dict, key: str) -> None:
    item = seen[key]
    assert item, f"no {key} on the page: {seen}"
    notice = seen["notice"]
    assert notice and seen["noticeFirst"], f"the fund's notice is not first: {seen}"
    assert notice["top"] >= 0 and notice["bottom"] <= item["top"], (
        f"the fund's notice is not whole above the {key}: {seen}"
    )
    assert item["bottom"] <= seen["height"], (
        f"the {key} ({item['text']!r}) ends at {item['bottom']} px, "
        f"below the first screen ({seen['height']} px)"
    )


@pytest.mark.parametrize(("lang", "kind"), list(PAGES))
def test_the_way_to_the_self_check_is_on_a_phones_first_screen(phone, served, lang, kind):
    page = phone.open(urljoin(served.base_url, PAGES[lang, kind]), state=None)
    seen = measure(page, lang)
    print(f"\n  [{lang} {kind}] link to the self-check: {seen['link']}, notice: {seen['notice']}")
    on_first_screen(seen, "link")


@pytest.mark.parametrize("lang", SELFCHECK)
def test_the_first_question_is_on_a_phones_first_screen(phone, served, lang):
    page = phone.open(urljoin(served.base_url, SELFCHECK[lang]), state=None)
    loading = measure(page, lang)
    page.wait_attribute("#selfcheck", "data-state", "ready", timeout=READY_TIMEOUT)
    ready = measure(page, lang)
    for seen in (loading, ready):
        state = seen["state"]
        print(f"\n  [{lang} {state}] question: {seen['legend']}, first option: {seen['option']}")
        on_first_screen(seen, "legend")
        on_first_screen(seen, "option")
    # Nothing above it came or went when the engine became ready: it did not
    # move (in every engine; the layout-shift entries are Chromium's only).
    assert (ready["legend"]["top"], ready["option"]["top"]) == (
        loading["legend"]["top"],
        loading["option"]["top"],
    ), (loading, ready)
