"""What the self-check tells a reader beside the verdict, in every engine tested
(Chromium and WebKit, the scenario written once against tests/support/driver.py):

- with every verdict (the first case of each outcome of the corpus, as a share
  link), « Ce que vous pouvez faire aujourd'hui »: each item of the rules'
  ``status.today``, in the page's language, shown;
- "I don't know" helps: beside each question whose rules give a ``where``, a
  « Où trouver cette information ? » disclosure with that text, its sources and
  their confidence; and a reader who answers the first question and "I don't
  know" to every other one (through the form's fields) gets, with the
  undetermined result, « Ce qui manque, et où le trouver »: one entry per
  question the engine lists as ``missing``, in its order, with the engine's
  ``where`` text (or the sentence saying no source tells), each a link to its
  question; a settled result lists nothing missing;
- errors name their question, in the summary and under the field;
- plain hints: one sentence each, the caveats in « Pourquoi ? », the glossary's
  terms explained where they are used, with the glossary's own text.

The expected texts are the Python engine's and the rules' own, rendered in
CPython: the widget only moves them.

RGAA 4.1: 11.10, 11.11
(the criteria of sitebuild/rgaa-4.1.yaml whose method names this module's tests).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from contract import RULES
from support.corpus import load_corpus, one_of_each_kind
from support.servers import serving_site

from selfcheck import words
from selfcheck.engine import Engine
from selfcheck.form import fragment
from selfcheck.formatting import render_text
from sitebuild.widget import read_terms

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
ABBREVIATIONS = Path(__file__).resolve().parents[2] / "docs" / "includes"
RESULT = "#selfcheck-result"
TOGGLE = '[data-action="show-all"]'
CLEAR = '[data-action="clear"]'
CASES = load_corpus(RULES)["cases"]
KINDS = one_of_each_kind(CASES)
ENGINE = Engine(RULES)

# What the result shows beside the verdict: each block's visibility and texts.
HELP_VIEW = """() => {
  const clean = (el) => el.textContent.replace(/\\s+/g, ' ').trim();
  const today = document.querySelector('.selfcheck-today');
  const missing = document.querySelector('.selfcheck-missing');
  return {
    verdict: document.querySelector('#selfcheck-result').dataset.verdict,
    today: today && today.checkVisibility() ? [...today.querySelectorAll('li')].map(clean) : null,
    missingShown: missing.checkVisibility(),
    missing: [...missing.querySelectorAll('[data-missing]')].map((li) => ({
      question: li.dataset.missing,
      link: li.querySelector('a[data-edit]').getAttribute('href'),
      where: clean(li.querySelector('[data-slot=where]')),
      sources: li.querySelectorAll('[data-slot=sources] a').length,
    })),
  };
}"""
# Each question's "where to find" disclosure: its summary and its text.
WHERE_VIEW = """() => Object.fromEntries(
  [...document.querySelectorAll('[data-question]')].map((q) => {
  const box = q.querySelector('details.selfcheck-where');
  const clean = (el) => el.textContent.replace(/\\s+/g, ' ').trim();
  return [q.dataset.question, box && box.checkVisibility()
    ? { summary: clean(box.querySelector('summary')), text: clean(box.querySelector('p')),
        sources: box.querySelectorAll('a').length }
    : null];
  }))"""


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def served(built_site):
    with serving_site(built_site) as served:
        yield served


@pytest.fixture(scope="module")
def pages(driver_factory, served):
    opened = {}

    def get(lang: str):
        if lang not in opened:
            opened[lang] = driver_factory().open(urljoin(served.base_url, LANGS[lang]))
        return opened[lang]

    return get


@pytest.mark.parametrize("lang", LANGS)
def test_what_to_do_today_comes_with_every_verdict(pages, lang):
    page = pages(lang)
    today = [clean(render_text(RULES, item["text"], lang)) for item in RULES["status"]["today"]]
    assert today, "the rules say nothing of today: nothing to check"
    seen = set()
    for case in KINDS:
        shared = fragment(RULES, case["answers"], lang)
        page.set_hash(shared)
        page.wait_attribute(RESULT, "data-answers", shared)
        view = page.call(HELP_VIEW)
        assert view["verdict"] == case["expect"]["verdict"], (page.engine, case["id"], view)
        assert view["today"] is not None, (page.engine, case["id"], "no today block")
        assert len(view["today"]) == len(today), (page.engine, view["today"])
        for shown, text in zip(view["today"], today, strict=True):
            assert shown.startswith(text), (page.engine, shown, text)
        seen.add(view["verdict"])
    assert seen == {"eligible", "ineligible", "undetermined"}, seen


@pytest.mark.parametrize("lang", LANGS)
def test_where_to_find_each_answer_is_beside_its_question(pages, lang):
    page = pages(lang)
    page.click(TOGGLE)  # every question shown
    page.wait_attribute(TOGGLE, "aria-pressed", "true")
    shown = page.call(WHERE_VIEW)
    page.click(TOGGLE)
    with_where = [q for q in RULES["questions"] if "where" in q]
    assert with_where, "no question of the rules has a where: nothing to check"
    for question in RULES["questions"]:
        box = shown[question["id"]]
        if "where" not in question:
            assert box is None, (page.engine, question["id"], box)
            continue
        assert box is not None, (page.engine, question["id"], "no where disclosure")
        assert box["summary"] == clean(words.text(lang, "result.where")), box
        assert box["text"] == clean(render_text(RULES, question["where"]["text"], lang)), box
        assert box["sources"] == len(question["where"].get("sources", ())), box


@pytest.mark.parametrize("lang", LANGS)
def test_i_dont_know_says_what_is_missing_and_where_to_find_it(pages, lang):
    page = pages(lang)
    page.click_and_render(CLEAR)
    first, *others = RULES["questions"]
    value = first["options"][0]["value"] if first["type"] == "choice" else "oui"
    page.click(TOGGLE)
    page.wait_attribute(TOGGLE, "aria-pressed", "true")
    page.click_and_render(f'[name="{first["id"]}"][value="{value}"]')
    answers = {first["id"]: value}
    for question in others:
        if question["type"] in ("choice", "boolean"):
            page.click_and_render(f'[name="{question["id"]}"][value=""]')
        else:
            page.click_and_render(f'[data-unknown-for="{question["id"]}"]')
        answers[question["id"]] = None
    page.click(TOGGLE)
    expected = ENGINE.evaluate(answers, lang)
    assert expected["verdict"] == "undetermined", expected["verdict"]
    assert expected["missing"], "nothing missing: nothing to check"
    page.wait_attribute(RESULT, "data-verdict", "undetermined")
    view = page.call(HELP_VIEW)
    assert view["missingShown"], (page.engine, view)
    assert [m["question"] for m in view["missing"]] == expected["missing"], view
    for got, want in zip(view["missing"], expected["display"]["missing"], strict=True):
        assert got["where"] == clean(want["where"]), (page.engine, got, want)
        assert got["link"] == f"#selfcheck-{want['question']}", got
        assert got["sources"] == len(want["sources"]), got
    # The questions the sources say nothing about say so, never "answer it".
    silent = [q["id"] for q in RULES["questions"] if "where" not in q]
    for got in view["missing"]:
        if got["question"] in silent:
            assert got["where"] == clean(words.text(lang, "result.no_where")), got

    # A settled verdict: nothing missing, nothing listed.
    settled = next(c for c in KINDS if not c["expect"]["missing"])
    shared = fragment(RULES, settled["answers"], lang)
    page.set_hash(shared)
    page.wait_attribute(RESULT, "data-answers", shared)
    view = page.call(HELP_VIEW)
    assert not view["missingShown"] and view["missing"] == [], (page.engine, view)
    assert not page.problems(), page.problems()


# Each problem of the error summary, and each field's own message.
ERRORS_VIEW = """() => {
  const clean = (el) => el.textContent.replace(/\\s+/g, ' ').trim();
  return {
    summary: [...document.querySelectorAll('#selfcheck-error-summary a[data-problem]')]
      .map((a) => ({ question: a.dataset.problem, text: clean(a) })),
    fields: Object.fromEntries([...document.querySelectorAll('[data-question]')]
      .map((q) => [q.dataset.question, q.querySelector('.selfcheck-field-error')])
      .filter(([, box]) => box.checkVisibility()).map(([key, box]) => [key, clean(box)])),
  };
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_errors_name_their_question(pages, lang):
    """Both number fields answered with a word: in the summary and under each
    field, the message names its question (« Indiquez un nombre » alone would
    not say which)."""
    page = pages(lang)
    page.click_and_render(CLEAR)
    page.click(TOGGLE)
    page.wait_attribute(TOGGLE, "aria-pressed", "true")
    numbers = [q for q in RULES["questions"] if q["type"] in ("integer", "number")]
    assert len(numbers) >= 2, "fewer than two number fields: nothing to tell apart"
    typed = {}
    for question in numbers:
        page.fill(f'input[type="text"][name="{question["id"]}"]', "abc")
        typed[question["id"]] = "abc"
        page.wait_for(f'#selfcheck-error-summary a[data-problem="{question["id"]}"]')
    page.click(TOGGLE)
    want = ENGINE.evaluate(typed, lang)["display"]["errors"]
    view = page.wait_until(
        f"() => {{ const v = ({ERRORS_VIEW})(); return v.summary.length === {len(want)} && v; }}"
    )
    assert [e["question"] for e in view["summary"]] == [e["question"] for e in want], view
    texts = {clean(e["text"]) for e in want}
    assert len(texts) == len(want), f"two problems read alike: {texts}"
    for got, error in zip(view["summary"], want, strict=True):
        question = next(q for q in numbers if q["id"] == error["question"])
        short = clean(render_text(RULES, question["short"], lang))
        assert got["text"] == clean(error["text"]) and got["text"].startswith(short), got
        assert view["fields"][error["question"]] == got["text"], view["fields"]
    page.click_and_render(CLEAR)


# Each question's help, its « Pourquoi ? » and the terms it explains.
HINTS_VIEW = """() => Object.fromEntries(
  [...document.querySelectorAll('[data-question]')].map((q) => {
  const clean = (el) => el.textContent.replace(/\\s+/g, ' ').trim();
  const help = q.querySelector('.selfcheck-help');
  const why = q.querySelector('details.selfcheck-why');
  return [q.dataset.question, {
    help: help ? clean(help) : null,
    why: why ? { summary: clean(why.querySelector('summary')), text: clean(why.querySelector('p')) }
      : null,
    terms: [...q.querySelectorAll('abbr[title]')].map((a) => [clean(a), a.title]),
  }];
  }))"""


@pytest.mark.parametrize("lang", LANGS)
def test_hints_are_one_sentence_with_why_and_terms_explained(pages, lang):
    """A help is one plain sentence; the source and reliability caveats are in
    « Pourquoi ? »; each glossary term used there is explained by the
    glossary's own text (docs/includes/abbreviations.<lang>.md, one home)."""
    page = pages(lang)
    terms = read_terms(ABBREVIATIONS / f"abbreviations.{lang}.md")
    shown = page.call(HINTS_VIEW)
    explained = set()
    for question in RULES["questions"]:
        view = shown[question["id"]]
        if "help" in question:
            help_text = view["help"]
            assert help_text == clean(render_text(RULES, question["help"], lang)), view
            assert len(re.findall(r"[.!?](?:\s|$)", help_text)) <= 1, help_text
        if "why" in question:
            assert view["why"] == {
                "summary": clean(words.text(lang, "widget.why")),
                "text": clean(render_text(RULES, question["why"], lang)),
            }, view
        for term, title in view["terms"]:
            assert title == terms[term], (term, title)
            explained.add(term)
    for needed in {
        "fr": ["CDD", "CDDU", "avant tout abattement", "Pôle emploi"],
        "en": ["CDD", "CDDU", "Annexe 10", "Pôle emploi", "avant tout abattement"],
    }[lang]:
        assert needed in explained, (needed, explained)


RECAP_VIEW = """() => {
  const recap = document.querySelector('[data-slot=recap]');
  const criteria = document.querySelector('.selfcheck-criteria');
  return {
    before: !!(recap.compareDocumentPosition(criteria) & Node.DOCUMENT_POSITION_FOLLOWING),
    rows: [...recap.querySelectorAll('.selfcheck-recap-row')].map((row) => ({
      label: row.querySelector('dt').textContent.trim(),
      value: row.querySelector('dd').textContent.trim(),
      edit: row.querySelector('[data-edit]').dataset.edit,
    })),
    focused: document.activeElement ? document.activeElement.id : null,
  };
}"""
BACK = '[data-action="back-to-recap"]'


@pytest.mark.parametrize("lang", LANGS)
def test_check_your_answers_before_the_reasons_and_back_after_a_change(pages, lang):
    """GOV.UK's "check your answers": the answers as read, each with its change
    link, come before the conditions one by one; a change made from there
    offers the way back to them, where the new answer reads."""
    page = pages(lang)
    case = next(c for c in KINDS if c["expect"]["verdict"] == "eligible")
    shared = fragment(RULES, case["answers"], lang)
    page.set_hash(shared)
    page.wait_attribute(RESULT, "data-answers", shared)
    view = page.call(RECAP_VIEW)
    assert view["before"], "the recap comes after the detailed reasons"
    keys = [row["edit"] for row in view["rows"]]
    assert len(keys) >= 2, view
    number = next(q for q in RULES["questions"] if q["type"] == "integer" and q["id"] in keys)
    assert not page.visible(BACK)
    page.click(f'[data-slot=recap] [data-edit="{number["id"]}"]')
    page.wait_until(f"() => document.querySelector('{BACK}').checkVisibility()")
    assert page.call(
        f"() => !!document.querySelector('[data-question=\"{number['id']}\"] {BACK}')"
    ), "the way back is not in the question changed"
    changed = {**case["answers"], number["id"]: case["answers"][number["id"]] + 1}
    page.fill(f'input[type="text"][name="{number["id"]}"]', str(changed[number["id"]]))
    page.wait_attribute(RESULT, "data-answers", fragment(RULES, changed, lang))
    page.click(BACK)
    page.wait_until("() => document.activeElement.id === 'selfcheck-recap-title'")
    row = next(r for r in page.call(RECAP_VIEW)["rows"] if r["edit"] == number["id"])
    assert row["value"] == str(changed[number["id"]]), row
    assert not page.visible(BACK)
