"""A form that a slow typist, a screen-reader user and a phone user can trust.

In Debian Chromium, on the built self-check page:

- settle before speaking: typing a number at 250 ms a key moves no question;
  arrowing through a choice announces once, for the settled answer (what a
  number typed key by key says, and when, and that an ineligible result names
  the condition not met, are tested in every engine: test_widget_engines.py,
  test_announced_once_the_answer_settles);
- errors people notice: a summary at the top (role="alert", a link to the
  field), the field's message, and nothing marked invalid that is not; a
  count above the period's days is a warning the reader can confirm;
- numbers as people write them: five spellings read the same;
- answers that stay in the tab: the Back button and the language switch keep
  them (a reload, and "clear", are tested in every engine:
  test_widget_engines.py);
- the result comes to the reader when asked, on a phone, and nothing moves
  the focus by itself; the « see my result » bar keeps 4.5:1 when focused by
  keyboard and hovered;
- axe-core finds nothing in the error and warning states.

The fund-specific answers come from the rules and the corpus.

RGAA 4.1: 11.10
(the criteria of sitebuild/rgaa-4.1.yaml whose method names this module's tests).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from contract import RULES
from playwright.sync_api import expect
from support.corpus import first, form_values, load_corpus, settled_eligible
from support.driver import READY_TIMEOUT

from selfcheck.engine import Engine
from selfcheck.form import fragment
from selfcheck.formatting import format_quantity

pytestmark = pytest.mark.browser

READY_MS = READY_TIMEOUT * 1000

PAGES = {
    lang: ("autodiagnostic/" if lang == "fr" else f"{lang}/autodiagnostic/")
    for lang in RULES["languages"]
}
RESULT = "#selfcheck-result"
ENGINE = Engine(RULES)
CASES = load_corpus(RULES)["cases"]
ELIGIBLE = first(CASES, settled_eligible, "eligible with a settled amount")["answers"]
NUMBERS = [q for q in RULES["questions"] if q["type"] in ("integer", "number")]
WHOLE = next(q for q in NUMBERS if q["type"] == "integer")
AMOUNT = next(q for q in NUMBERS if q.get("unit") == "EUR")
CHOICE = next(q for q in RULES["questions"] if q["type"] == "choice")

# Every text the live region takes, in order (a function: the CSP allows it).
LISTEN = """() => {
  window.__said = [];
  const region = document.querySelector('#selfcheck-announce');
  new MutationObserver(() => window.__said.push(region.textContent))
    .observe(region, {childList: true, characterData: true, subtree: true});
}"""
# From now on, in order: each render (the answers it shows) and each question
# that appears or vanishes ("moved"), to compare with what happened after.
RECORD = """() => {
  window.__log = [];
  const root = document.querySelector('#selfcheck');
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.attributeName === 'data-answers')
        window.__log.push('render ' + r.target.dataset.answers);
      else if (r.target.matches('[data-question]') && (r.oldValue === null) !== !r.target.hidden)
        window.__log.push('moved ' + r.target.dataset.question);
    }
  }).observe(root, { attributes: true, attributeFilter: ['data-answers', 'hidden'],
    attributeOldValue: true, subtree: true });
}"""
LOG = "() => window.__log"
SHOWN = """() => [...document.querySelectorAll('[data-question]')]
  .filter((q) => q.checkVisibility()).map((q) => q.dataset.question)"""


def open_page(new_page, base_url, lang="fr", viewport=(1280, 800)):
    recorded = new_page(viewport=viewport)
    page = recorded.page
    page.goto(urljoin(base_url, PAGES[lang]))
    page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
    page.wait_for_selector(f"{RESULT}[data-answers]", state="attached")
    page.evaluate(LISTEN)
    return recorded


def said(page) -> list[str]:
    return [text for text in page.evaluate("() => window.__said") if text]


def wait_answers(page, answers: dict, lang: str) -> None:
    page.wait_for_selector(
        f'{RESULT}[data-answers="{fragment(RULES, answers, lang)}"]', state="attached"
    )


def fill(page, answers: dict, lang: str) -> None:
    """Answer as a reader does (clicks, typed numbers then Tab), in asking order."""
    page.click('[data-action="show-all"]')
    given: dict = {}
    for key, value in form_values(RULES, answers, lang).items():
        field = page.locator(f'[name="{key}"]').first
        if field.get_attribute("type") == "radio":
            page.click(f'label:has([name="{key}"][value="{value}"])')
        else:
            field.fill(value)
            field.press("Tab")
        given[key] = answers[key]
        wait_answers(page, given, lang)
    page.click('[data-action="show-all"]')


# ---------------------------------------------------------------------------
# Settle before speaking


@pytest.mark.parametrize("lang", PAGES)
def test_slow_typing_moves_nothing(new_page, site_server, lang):
    """While a number is typed key by key, no question appears or vanishes, and
    the focus stays in the field once it counts. (What the live region says,
    and when, is tested in every engine: test_widget_engines.py,
    test_announced_once_the_answer_settles.)"""
    page = open_page(new_page, site_server, lang).page
    value = 12 if WHOLE.get("min", 0) <= 12 else WHOLE["min"] + 12
    field = page.locator(f'[name="{WHOLE["id"]}"]')
    field.click()
    page.evaluate(RECORD)
    # A key every 250 ms, the pauses kept by Playwright's driver (one command).
    field.press_sequentially(str(value), delay=250)
    wait_answers(page, {WHOLE["id"]: value}, lang)  # the pause that means "done"
    # Nothing rendered nor moved before the render of the whole number.
    settled = f"render {fragment(RULES, {WHOLE['id']: value}, lang)}"
    log = page.evaluate(LOG)
    assert log.index(settled) == 0, f"while typing: {log}"
    assert page.evaluate("() => document.activeElement.name") == WHOLE["id"]


def test_arrow_keys_settle_before_questions_move_or_anything_is_said(new_page, site_server):
    page = open_page(new_page, site_server).page
    options = [o["value"] for o in CHOICE["options"]]
    page.locator(f'[name="{CHOICE["id"]}"]').first.focus()
    page.keyboard.press("Space")  # the first option
    page.evaluate(RECORD)
    for _ in options[1:]:
        page.keyboard.press("ArrowDown")
    last = options[-1]
    wait_answers(page, {CHOICE["id"]: last}, "fr")
    # Nothing rendered, moved or said before the render of the last option.
    log = page.evaluate(LOG)
    assert log.index(f"render {fragment(RULES, {CHOICE['id']: last}, 'fr')}") == 0, log
    assert said(page) == [ENGINE.evaluate({CHOICE["id"]: last}, "fr")["display"]["announcement"]]


# ---------------------------------------------------------------------------
# Errors people notice


@pytest.mark.parametrize("lang", PAGES)
def test_an_error_is_summarised_announced_and_tied_to_its_field(
    new_page, site_server, screenshot, lang
):
    page = open_page(new_page, site_server, lang, viewport=(360, 740)).page
    key = WHOLE["id"]
    field = page.locator(f'[name="{key}"]')
    field.fill("douze")
    field.press("Tab")
    summary = page.locator("#selfcheck-error-summary")
    expect(summary).to_be_visible()
    assert summary.get_attribute("role") == "alert"
    link = summary.locator(f'a[data-problem="{key}"]')
    message = ENGINE.evaluate({key: "douze"}, lang)["display"]["errors"][0]["text"]
    expect(link).to_have_text(message)
    expect(page.locator(f"#selfcheck-{key}-error")).to_have_text(message)
    described = field.get_attribute("aria-describedby").split()
    assert f"selfcheck-{key}-error" in described
    assert field.get_attribute("aria-invalid") == "true"
    # "I don't know" is not what is wrong
    assert page.get_attribute(f'[data-unknown-for="{key}"]', "aria-invalid") is None
    assert page.get_attribute(RESULT, "data-verdict") == ""
    problems = Axe().run(page).response["violations"]
    screenshot(page, f"widget-{lang}-error-summary-360x740", full_page=False)
    assert not problems, [v["id"] for v in problems]
    link.click()  # to the field, without touching the share fragment
    assert page.evaluate("() => document.activeElement.name") == key
    assert "#" not in page.url
    field.fill("12")
    field.press("Enter")
    wait_answers(page, {key: 12}, lang)
    expect(summary).to_be_hidden()
    assert field.get_attribute("aria-invalid") is None


def test_a_count_above_the_period_is_a_warning_to_confirm(new_page, site_server, screenshot):
    bounded = next(q for q in RULES["questions"] if "plausible" in q)
    page = open_page(new_page, site_server).page
    bound = RULES["parameters"][bounded["plausible"]["max"]["param"]]["value"]
    field = page.locator(f'[name="{bounded["id"]}"]')
    field.fill(str(bound + 1))
    field.press("Enter")
    wait_answers(page, {bounded["id"]: bound + 1}, "fr")
    warning = page.locator(f"#selfcheck-{bounded['id']}-warning")
    expect(warning).to_be_visible()
    expected = ENGINE.evaluate({bounded["id"]: bound + 1}, "fr")["display"]["warnings"][0]["text"]
    expect(warning.locator("[data-slot=text]")).to_have_text(expected)
    assert page.get_attribute(RESULT, "data-verdict") != ""  # a warning, not an error
    assert not Axe().run(page).response["violations"]
    screenshot(page, "widget-fr-warning-1280x800", full_page=False)
    warning.locator('[data-action="confirm"]').click()
    expect(warning).to_be_hidden()
    field.fill(str(bound))
    field.press("Enter")
    wait_answers(page, {bounded["id"]: bound}, "fr")
    expect(warning).to_be_hidden()


# ---------------------------------------------------------------------------
# Numbers as people write them


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("25,000", 25000),
        ("25.000", 25000),
        ("25 000", 25000),
        ("15 000 €", 15000),
        ("15000 euros", 15000),
        ("12,5", 12.5),
    ],
)
def test_numbers_read_as_people_write_them(new_page, site_server, typed, value):
    page = open_page(new_page, site_server).page
    field = page.locator(f'[name="{AMOUNT["id"]}"]')
    field.fill(typed)
    field.press("Enter")
    wait_answers(page, {AMOUNT["id"]: value}, "fr")
    # the recap echoes how the number was read
    row = page.locator(".selfcheck-recap-row", has=page.locator(f'[data-edit="{AMOUNT["id"]}"]'))
    expect(row.locator("dd").first).to_have_text(format_quantity(value, AMOUNT.get("unit"), "fr"))


# ---------------------------------------------------------------------------
# Answers that stay in the tab


def test_back_and_language_switch_keep_the_answers(new_page, site_server):
    """Back from another page, and the same page in the other language, find the
    tab's answers. (A reload, and "clear" then a reload, are tested in every
    engine: test_widget_engines.py, test_answers_kept_on_reload.)"""
    recorded = open_page(new_page, site_server)
    page = recorded.page
    answers = dict(list(ELIGIBLE.items())[:2])
    fill(page, answers, "fr")
    page.goto(urljoin(site_server, "faq/"))
    page.go_back()
    wait_answers(page, answers, "fr")
    # the language menu leads to the same page in English, answers kept
    other = next(lang for lang in PAGES if lang != "fr")
    page.goto(urljoin(site_server, PAGES[other]))
    page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
    wait_answers(page, answers, other)
    for name, value in form_values(RULES, answers, other).items():
        field = page.locator(f'[name="{name}"]').first
        if field.get_attribute("type") == "radio":
            assert page.is_checked(f'[name="{name}"][value="{value}"]')


# ---------------------------------------------------------------------------
# The result comes to the reader


def test_on_a_phone_the_result_comes_when_asked(new_page, site_server, screenshot):
    page = open_page(new_page, site_server, viewport=(360, 740)).page
    jump = page.locator(".selfcheck-jump")
    fill(page, ELIGIBLE, "fr")
    focused = page.evaluate("() => document.activeElement.closest('#selfcheck-form') !== null")
    assert focused, "the focus left the form by itself"
    expect(jump).to_be_visible()
    verdict = ENGINE.evaluate(ELIGIBLE, "fr")["display"]["verdict"]
    expect(jump).to_contain_text(verdict)
    screenshot(page, "widget-fr-see-result-360x740", full_page=False)
    jump.locator("a").click()
    assert page.evaluate("() => document.activeElement.id") == "selfcheck-result-title"
    assert page.locator("#selfcheck-result-title").is_visible()


# The bar's link: its text colour and the colour behind it once its colour
# transitions (Material's links have one) have ended, and whether the focus
# ring shows (the focus came by keyboard).
BAR_COLOURS = """async () => {
  const link = document.querySelector('.selfcheck-jump a');
  await Promise.all(link.getAnimations().map((animation) => animation.finished));
  const style = getComputedStyle(link);
  return { color: style.color, background: style.backgroundColor,
    focused: link.matches(':focus-visible'), hovered: link.matches(':hover') };
}"""


def rgba(css: str) -> tuple[float, ...]:
    """``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` (or the space-separated
    forms) → (r, g, b, a), as getComputedStyle writes a colour."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    assert css.startswith("rgb") and len(numbers) in (3, 4), css
    return (*numbers[:3], numbers[3] if len(numbers) == 4 else 1.0)


def contrast(text: str, background: str) -> float:
    """WCAG 2's contrast ratio of a text colour on an opaque background."""
    *fg, alpha = rgba(text)
    *bg, opaque = rgba(background)
    assert opaque == 1.0, f"the bar's background is not opaque: {background}"
    fg = [alpha * f + (1 - alpha) * b for f, b in zip(fg, bg, strict=True)]

    def luminance(rgb) -> float:
        linear = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in linear]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_result_bar_stays_readable_when_focused_and_hovered(new_page, site_server):
    """WCAG 1.4.3: the bar's text keeps 4.5:1 on its blue when the keyboard
    focuses it, when the pointer rests on it, and both (Material gives a
    focused or hovered link its own colour)."""
    recorded = new_page()
    page = recorded.page
    page.goto(urljoin(site_server, PAGES["fr"]) + "#" + fragment(RULES, ELIGIBLE, "fr"))
    page.wait_for_selector(".selfcheck-jump:not([hidden])", state="attached", timeout=READY_MS)
    link = page.locator(".selfcheck-jump a")
    states = {"at rest": page.evaluate(BAR_COLOURS)}
    # To the link by keyboard: from it, back one stop and forward again.
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    states["focused"] = page.evaluate(BAR_COLOURS)
    assert states["focused"]["focused"], "Tab did not bring the focus back to the bar's link"
    link.hover()
    states["focused and hovered"] = page.evaluate(BAR_COLOURS)
    page.keyboard.press("Shift+Tab")
    states["hovered"] = page.evaluate(BAR_COLOURS)
    assert states["hovered"]["hovered"] and not states["hovered"]["focused"], states["hovered"]
    ratios = {name: contrast(s["color"], s["background"]) for name, s in states.items()}
    low = {name: f"{ratio:.2f}:1 {states[name]}" for name, ratio in ratios.items() if ratio < 4.5}
    assert not low, f"the bar's text under 4.5:1: {low}"
    recorded.assert_clean()
