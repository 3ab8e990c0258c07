"""What a screen-reader user hears, with @guidepup/virtual-screen-reader.

The virtual screen reader (pinned in package.json, its browser bundle served
from node_modules under /__test__/ beside the built site) runs inside the
self-check page in Debian Chromium. The form is answered with the keyboard and
clicks as a reader would; the screen reader records every live announcement
("polite: …", "assertive: …") and, moving through the result with `next()`,
what it reads. Tests assert the phrases in order:

- a full eligible run and an ineligible run: one polite announcement per
  settled change, the engine's own, nothing in between;
- an error and its correction: the problem is read once (assertive), then the
  result again;
- "I don't know": announced like any answer, the recap reads it, and so is
  what is missing, each with its link and where to find it;
- the recap's "Modifier" links have distinct names, each with its question.

RGAA 4.1: 3.1, 6.1, 7.1, 7.5
(the criteria of sitebuild/rgaa-4.1.yaml whose method names this module's tests).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urljoin

import pytest
from contract import RULES
from support.corpus import first, form_values, load_corpus, settled_eligible
from support.driver import READY_TIMEOUT
from support.paths import REPO

from selfcheck import words
from selfcheck.engine import Engine
from selfcheck.form import fragment
from sitebuild.serve import serving

pytestmark = pytest.mark.browser

BUNDLE = REPO / "node_modules" / "@guidepup" / "virtual-screen-reader" / "lib" / "esm"
ENGINE = Engine(RULES)
CASES = load_corpus(RULES)["cases"]
RESULT = "#selfcheck-result"

START = """async () => {
  const { virtual } = await import('/__test__/index.browser.js');
  window.__reader = virtual;
  await virtual.start({ container: document.querySelector('#selfcheck') });
}"""
# The log once the page has run one more task. The widget writes its live
# regions in the task that writes the result's data-answers (render()), which
# the tests wait on; the reader hears mutations through a MutationObserver,
# whose callback (and the promise it awaits) runs before the page's next task:
# this one finds every announcement of that render in the log.
LOG = """async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  return await window.__reader.spokenPhraseLog();
}"""
READ_ON = """async (steps) => {
  const reader = window.__reader, before = (await reader.spokenPhraseLog()).length;
  for (let i = 0; i < steps; i++) await reader.next();
  return (await reader.spokenPhraseLog()).slice(before);
}"""


def spoken(text: str) -> str:
    """A text as the screen reader gives it: no-break spaces are spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def reader_site(built_site):
    """The built site, plus the screen reader's bundle under /__test__/."""
    with tempfile.TemporaryDirectory(prefix="reader-site-") as folder:
        root = Path(folder)
        for entry in built_site.iterdir():
            (root / entry.name).symlink_to(entry)
        (root / "__test__").symlink_to(BUNDLE)
        with serving(root) as base_url:
            yield base_url


def open_with_reader(new_page, base_url, lang="fr"):
    recorded = new_page()
    page = recorded.page
    path = "autodiagnostic/" if lang == RULES["languages"][0] else f"{lang}/autodiagnostic/"
    page.goto(urljoin(base_url, path))
    page.wait_for_selector(
        '#selfcheck[data-state="ready"]', state="attached", timeout=READY_TIMEOUT * 1000
    )
    page.wait_for_selector(f"{RESULT}[data-answers]", state="attached")
    page.evaluate(START)
    return recorded


def announced(page) -> list[str]:
    """The live announcements heard so far, in order (an emptied region says
    nothing)."""
    live = ("polite: ", "assertive: ")
    return [p for p in page.evaluate(LOG) if p.startswith(live) and p.split(": ", 1)[1].strip()]


def answer(page, key: str, value: str, lang: str, given: dict, raw) -> None:
    field = page.locator(f'[name="{key}"]').first
    if field.get_attribute("type") == "radio":
        page.click(f'label:has([name="{key}"][value="{value}"])')
    else:
        field.fill(value)
        field.press("Enter")
    given[key] = raw
    page.wait_for_selector(
        f'{RESULT}[data-answers="{fragment(RULES, given, lang)}"]', state="attached"
    )


def run(page, answers: dict, lang: str) -> list[str]:
    """Answer in asking order (with "show all questions"); the announcements
    the engine's results call for, once per change."""
    page.click('[data-action="show-all"]')
    given: dict = {}
    expected: list[str] = []
    for key, value in form_values(RULES, answers, lang).items():
        answer(page, key, value, lang, given, answers[key])
        said = ENGINE.evaluate(given, lang)["display"]["announcement"]
        if not expected or expected[-1] != said:
            expected.append(said)
    return [f"polite: {spoken(text)}" for text in expected]


@pytest.mark.parametrize("lang", RULES["languages"])
def test_a_full_eligible_run(new_page, reader_site, lang):
    page = open_with_reader(new_page, reader_site, lang).page
    answers = first(CASES, settled_eligible, "eligible with a settled amount")["answers"]
    expected = run(page, answers, lang)
    assert announced(page) == expected
    # Then the reader moves to the result and reads it.
    page.locator("#selfcheck-result-title").focus()
    heard = page.evaluate(READ_ON, 200)
    result = ENGINE.evaluate(answers, lang)
    text = " | ".join(heard)
    for phrase in (result["display"]["verdict"], result["display"]["amount"]):
        assert spoken(phrase) in text, phrase
    # the recap: each "Modifier" link names its question, no two alike
    edits = [p for p in heard if p.startswith("link, ")]
    names = [p for p in edits if words.text(lang, "widget.edit_visible") in p]
    assert len(names) == len(set(names)) >= len(answers), names


def test_an_ineligible_run_names_the_condition(new_page, reader_site):
    page = open_with_reader(new_page, reader_site).page
    case = first(
        CASES,
        lambda c: c["expect"]["verdict"] == "ineligible" and None not in c["answers"].values(),
        "ineligible, every answer given",
    )
    expected = run(page, case["answers"], "fr")
    assert announced(page) == expected
    unmet = [
        c["title"]
        for c in ENGINE.evaluate(case["answers"], "fr")["criteria"]
        if c["status"] == "unmet"
    ]
    assert all(spoken(title) in expected[-1] for title in unmet)


def test_an_error_and_its_correction(new_page, reader_site):
    page = open_with_reader(new_page, reader_site).page
    number = next(q for q in RULES["questions"] if q["type"] == "integer")
    field = page.locator(f'[name="{number["id"]}"]')
    field.fill("douze")
    field.press("Enter")
    page.wait_for_selector("#selfcheck-error-summary a[data-problem]", state="attached")
    message = ENGINE.evaluate({number["id"]: "douze"}, "fr")["display"]["errors"][0]["text"]
    heard = announced(page)
    assert len(heard) == 1 and heard[0].startswith("assertive: "), heard
    assert spoken(words.text("fr", "widget.error_summary")) in heard[0]
    assert spoken(message) in heard[0]
    field.fill("12")
    field.press("Enter")
    page.wait_for_selector(
        f'{RESULT}[data-answers="{fragment(RULES, {number["id"]: 12}, "fr")}"]', state="attached"
    )
    after = announced(page)[1:]
    said = ENGINE.evaluate({number["id"]: 12}, "fr")["display"]["announcement"]
    assert after == [f"polite: {spoken(said)}"]


def test_i_dont_know_is_an_answer_heard_and_read_back(new_page, reader_site):
    page = open_with_reader(new_page, reader_site).page
    choice = next(q for q in RULES["questions"] if q["type"] == "choice")
    page.click(f'label:has([name="{choice["id"]}"][value=""])')  # "Je ne sais pas"
    page.wait_for_selector(f'{RESULT}[data-answers=""]', state="attached")
    page.wait_for_selector(".selfcheck-outcome:not([hidden])", state="attached")
    heard = announced(page)
    assert heard == [f"polite: {spoken(ENGINE.evaluate({}, 'fr')['display']['announcement'])}"]
    page.locator("#selfcheck-result-title").focus()
    text = spoken(" | ".join(page.evaluate(READ_ON, 200)))
    assert spoken(words.text("fr", "dont_know")) in text  # the recap reads the answer back
    # and what is still missing, with where to find it, is read with the result
    assert spoken(words.text("fr", "widget.missing_title")) in text
    for missing in ENGINE.evaluate({choice["id"]: None}, "fr")["display"]["missing"]:
        assert f"link, {spoken(missing['answer'])}" in text, missing
        assert spoken(missing["where"]) in text, missing
