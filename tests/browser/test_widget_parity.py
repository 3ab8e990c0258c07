"""CI parity of the self-check widget with the CPython engine, in Debian Chromium:
what needs Playwright (keyboard presses, axe-core, screenshots, routes).

The widget's pages (fr ``/autodiagnostic/``, en ``/en/autodiagnostic/``) of the built
site, served on 127.0.0.1, against ``Engine(rules).evaluate(answers, lang)``:

- every case of tests/cases/ through the real form (fr: all; en: every 4th), one page
  per language, "Effacer mes réponses" between cases (and checked to clear): the
  result's ``data-verdict``, ``data-amount``, each criterion's ``data-status`` equal
  the case's ``expect``, its title and reason equal the engine's for the language,
  and the questions shown are the answered ones plus ``expect.missing``. Questions
  the widget has hidden are reached with its "Voir toutes les questions" toggle;
- the progressive display without the toggle, step by step on a few cases: the
  unanswered questions shown are exactly the engine's ``missing``, in its order;
- a keyboard-only run, from the first question to the result of an eligible case
  of the corpus with a settled amount;
- with the ``.wasm`` blocked, the fallback within 15 s;
- axe-core: zero violations in the empty, loading, partly answered, eligible,
  ineligible (also with every question and every « Où trouver » disclosure
  open) and error states (the answered ones: cases of the corpus), fr and en;
  screenshots of each at 360×740 and 1280×800 (tests/artifacts/screenshots/widget-*.png);
- every page: requests on 127.0.0.1 only, no console error, no uncaught error.

The grid of answer sets through ``window.selfcheck.evaluate``, JSON for JSON, and
the share links and fallbacks every engine must pass are in test_widget_engines.py
(Chromium and WebKit).

The pages have a strict Content Security Policy: wait on selectors or call
``page.evaluate`` with a function, never ``wait_for_function("…")``.

RGAA 4.1: 1.1, 3.2, 6.2, 7.2, 7.3, 9.3, 11.1, 12.8
(the criteria of sitebuild/rgaa-4.1.yaml whose method names this module's tests).
"""

from __future__ import annotations

import contextlib
import time
from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from contract import RULES
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from support.corpus import answered, first, form_values, js_number, settled_eligible
from support.driver import AWAIT_RENDER, READY_MS, RENDERED, STEP_TIMEOUT, PageDriver
from support.parity import diff

from selfcheck.engine import Engine
from selfcheck.form import fragment
from selfcheck.parsing import write_number

pytestmark = pytest.mark.browser

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
ROOT = "#selfcheck"
RESULT = "#selfcheck-result"
TOGGLE = '[data-action="show-all"]'
CLEAR = '[data-action="clear"]'
STEP_TIMEOUT_MS = STEP_TIMEOUT * 1000
DESKTOP = (1280, 800)
PHONE = (360, 740)
EN_EVERY = 4  # the en run takes every 4th case of the corpus
PROGRESSIVE_CASES = 6

# ---------------------------------------------------------------------------
# In-page scripts (functions: the CSP allows them)

# What the widget shows: result attributes, criteria, questions, the form's state.
SNAPSHOT = """() => {
  const result = document.querySelector('#selfcheck-result');
  const text = (el) => (el ? el.textContent : null);
  return {
    answers: result.getAttribute('data-answers'),
    verdict: result.dataset.verdict,
    amount: result.dataset.amount,
    outcomeShown: !document.querySelector('.selfcheck-outcome').hidden,
    criteria: [...result.querySelectorAll('[data-criterion]')].map((li) => ({
      id: li.dataset.criterion,
      status: li.dataset.status,
      title: text(li.querySelector('.selfcheck-criterion-title strong')),
      reason: text(li.querySelector('.selfcheck-reason')),
    })),
    ways: [...result.querySelectorAll('.selfcheck-way [data-slot="text"]')].map(text),
    reliability: text(result.querySelector('.selfcheck-reliability')),
    shown: [...document.querySelectorAll('[data-question]')]
      .filter((q) => q.checkVisibility())
      .map((q) => q.dataset.question),
    showAll: document.querySelector('[data-action="show-all"]').getAttribute('aria-pressed'),
  };
}"""

# The form after "Effacer mes réponses": every field empty, nothing in the URL.
FORM_STATE = """() => ({
  checked: [...document.querySelectorAll('#selfcheck-form input:checked')]
    .map((i) => i.name || i.dataset.unknownFor),
  typed: [...document.querySelectorAll('#selfcheck-form [data-question] input[type=text]')]
    .filter((i) => i.value !== '' || i.disabled).map((i) => i.name),
  hash: location.hash,
  criteria: document.querySelectorAll('#selfcheck-result [data-criterion]').length,
})"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {
    tag: el.tagName.toLowerCase(), type: el.type || null, name: el.name || null,
    value: el.value ?? null, checked: el.checked ?? null, action: el.dataset.action || null,
    unknownFor: el.dataset.unknownFor || null, inWidget: !!el.closest('#selfcheck'),
    visible: el.checkVisibility(),
    help: !!el.closest('.selfcheck-help, .selfcheck-why, .selfcheck-where'),
  };
}"""

SETTLE = """async () => {
  const finite = document.getAnimations().filter((a) => {
    const timing = a.effect && a.effect.getComputedTiming();
    return timing && timing.endTime !== Infinity;
  });
  await Promise.race([
    Promise.all(finite.map((a) => a.finished.catch(() => null))),
    new Promise((r) => setTimeout(r, 2000)),
  ]);
  await document.fonts.ready;
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""


# ---------------------------------------------------------------------------
# Pages: recorded (requests, console errors, page errors), one per language shared
# by the tests of this module (a Pyodide boot costs ~3 s)


def open_widget(record_page, base_url: str, lang: str, viewport=DESKTOP, route=None, wait=True):
    """A fresh context and page on the widget page of ``lang``, recording everything;
    ``route``: (pattern, handler) installed before the page loads."""
    recorded = record_page(viewport)
    context, page = recorded.context, recorded.page
    if route:
        page.route(*route)
    page.goto(urljoin(base_url, LANGS[lang]))
    if wait:
        page.wait_for_selector(f'{ROOT}[data-state="ready"]', state="attached", timeout=READY_MS)
        page.wait_for_selector(f"{RESULT}[data-answers]", state="attached")
    return recorded, context


@pytest.fixture(scope="module")
def widget(record_page, site_server):
    """``widget(lang)`` → the recorded ready page of that language, opened once."""
    opened: dict[str, tuple] = {}

    def get(lang: str):
        if lang not in opened:
            opened[lang] = open_widget(record_page, site_server, lang)
        recorded = opened[lang][0]
        page = recorded.page
        page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
        set_show_all(page, False)
        clear_answers(page)
        return recorded

    yield get
    for _, context in opened.values():
        context.close()


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(RULES)


@pytest.fixture(scope="module")
def question_types(engine) -> dict[str, str]:
    return {q["id"]: q["type"] for q in engine.rules["questions"]}


@pytest.fixture
def corpus_cases(corpus) -> list[dict]:
    """The cases of the shared corpus (``corpus``: tests/conftest.py)."""
    return corpus["cases"]


def report(capsys, line: str) -> None:
    """A line on the terminal, even under ``-q`` and output capture."""
    with capsys.disabled():
        print(f"\n  [widget parity] {line}", end="")


# ---------------------------------------------------------------------------
# Acting on the form as a reader does


def wait_for_answers(page, fragment_text: str) -> None:
    page.wait_for_selector(
        f'{RESULT}[data-answers="{fragment_text}"]', state="attached", timeout=STEP_TIMEOUT_MS
    )


def set_show_all(page, on: bool) -> None:
    toggle = page.locator(TOGGLE)
    if (toggle.get_attribute("aria-pressed") == "true") != on:
        toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true" if on else "false")


def clear_answers(page) -> None:
    """Click "Effacer mes réponses", then check the form, the URL and the result are empty."""
    page.evaluate(AWAIT_RENDER)
    page.click(CLEAR)
    page.wait_for_function(RENDERED, timeout=STEP_TIMEOUT_MS)
    page.wait_for_selector(
        f'{RESULT}[data-answers=""][data-verdict=""][data-amount=""]',
        state="attached",
        timeout=STEP_TIMEOUT_MS,
    )
    state = page.evaluate(FORM_STATE)
    assert state == {"checked": [], "typed": [], "hash": "", "criteria": 0}, (
        f"'Effacer mes réponses' left something behind: {state}"
    )
    expect(page.locator(".selfcheck-outcome")).to_be_hidden()


def form_value(key: str, value, lang: str) -> str:
    """The form's value of one answer: an option value, a boolean's radio value,
    a number as a reader of ``lang`` types it (it reads back exactly)."""
    return form_values(RULES, {key: value}, lang)[key]


def fill_answer(page, key: str, value, kind: str, lang: str) -> None:
    """Answer one question by its field name: a radio ("" for "Je ne sais pas"), or
    a number typed then Tab (the change event)."""
    if kind in ("choice", "boolean"):
        choice = "" if value is None else form_value(key, value, lang)
        page.check(f'[name="{key}"][value="{choice}"]')
    elif value is None:
        page.check(f'[data-unknown-for="{key}"]')
    else:
        field_ = page.locator(f'input[type="text"][name="{key}"]')
        field_.fill(write_number(value, lang))
        field_.press("Tab")


def is_shown(page, key: str) -> bool:
    return page.locator(f'[data-question="{key}"]').is_visible()


def fill_case(page, answers: dict, types: dict, lang: str) -> bool:
    """Fill the answers of a case: "I don't know" ones first (they change nothing the
    engine says, so no question hides meanwhile), then the others in asking order,
    waiting after each for the result that reflects it. A hidden question is reached
    with the "show all questions" toggle. True when the toggle was needed."""
    order = list(types)
    nulls = [k for k in order if k in answers and answers[k] is None]
    given = [k for k in order if k in answers and answers[k] is not None]
    toggled = False
    for key in nulls:
        fill_answer(page, key, None, types[key], lang)
    so_far: dict = {}
    for key in given:
        if not is_shown(page, key):
            set_show_all(page, True)
            toggled = True
        fill_answer(page, key, answers[key], types[key], lang)
        so_far[key] = answers[key]
        wait_for_answers(page, fragment(RULES, so_far, lang))
    return toggled


# ---------------------------------------------------------------------------
# Expected vs shown


def expected_view(case: dict, engine: Engine, lang: str, order: list[str]) -> dict:
    """What the widget must show once the case's answers are in (toggle off)."""
    answers, expect_ = case["answers"], case["expect"]
    touched = set(answers)
    ways, reliability = [], ""
    if not touched:  # nothing answered: no result yet (sitebuild/README.md, widget contract)
        verdict, amount, criteria = "", "", []
    else:
        verdict = expect_["verdict"]
        amount = "" if expect_.get("amount") is None else js_number(expect_["amount"])
        result = engine.evaluate(answers, lang)
        criteria = [
            {
                "id": c["id"],
                "status": expect_["criteria"].get(c["id"], c["status"]),
                "title": c["title"],
                # a criterion that no longer matters says so instead of its reason
                "reason": shown["reason"],
            }
            for c, shown in zip(result["criteria"], result["display"]["criteria"], strict=True)
        ]
        ways = [item["text"] for item in result["eligible_if"] + result["would_change"]]
        reliability = result["display"]["confidence"]
        assert set(expect_["criteria"]) <= {c["id"] for c in criteria}, case["id"]
    return {
        "answers": fragment(RULES, answers, lang),
        "verdict": verdict,
        "amount": amount,
        "outcomeShown": bool(touched),
        "criteria": criteria,
        "ways": ways,
        "reliability": reliability,
        "shown": [k for k in order if k in touched or k in expect_["missing"]],
        "showAll": "false",
    }


def settled_view(page, want: dict, timeout_s: float = STEP_TIMEOUT) -> dict:
    """The widget's view once it equals ``want`` (or the last one after the
    timeout, for the diff), polled as the shared page-driver polls."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = page.evaluate(SNAPSHOT)
        if got == want or time.monotonic() > deadline:
            return got
        time.sleep(PageDriver.POLL)


# ---------------------------------------------------------------------------
# 1. The corpus through the real form


@pytest.mark.parametrize("lang", LANGS)
def test_corpus_cases_through_the_form(widget, engine, question_types, corpus_cases, lang, capsys):
    recorded = widget(lang)
    page = recorded.page
    order = list(question_types)
    cases = corpus_cases if lang == "fr" else corpus_cases[::EN_EVERY]
    assert len(cases) >= (len(corpus_cases) if lang == "fr" else 10)
    failures, toggled = [], []
    start = time.monotonic()
    for case in cases:
        want = expected_view(case, engine, lang, order)
        try:
            if fill_case(page, case["answers"], question_types, lang):
                toggled.append(case["id"])
                set_show_all(page, False)
            got = settled_view(page, want)
        except (PlaywrightTimeout, AssertionError) as error:
            failures.append(f"{case['id']}: {str(error).splitlines()[0]}")
            set_show_all(page, False)
            got = want
        problems = diff(got, want)
        if problems:
            failures.append(f"{case['id']} {case['answers']}:\n      " + "\n      ".join(problems))
        clear_answers(page)
    elapsed = time.monotonic() - start
    report(
        capsys,
        f"{lang}: {len(cases)} corpus cases through the form in {elapsed:.1f} s "
        f"({len(toggled)} needed 'show all questions')",
    )
    assert not failures, f"{lang}: {len(failures)} case(s) differ:\n  " + "\n  ".join(failures)
    assert lang != "fr" or toggled, "no case needed the 'show all questions' toggle"
    recorded.assert_clean(f"{lang} widget page")


def _hiding_cases(cases: list[dict], engine: Engine, order: list[str]) -> list[dict]:
    """A few cases without "I don't know" answers where, answered in asking order,
    the widget hides questions on the way (the engine drops them from ``missing``):
    chosen greedily so that together they hide every question they can, then
    answer some hidden one (with the toggle), and end with each verdict."""
    features = {}
    for case in cases:
        answers = case["answers"]
        if len(answers) < 2 or None in answers.values():
            continue
        so_far, found = {}, set()
        for key in [k for k in order if k in answers]:
            if so_far and key not in engine.evaluate(so_far, "fr")["missing"]:
                found.add(("answered while hidden", key))
            so_far[key] = answers[key]
            missing = engine.evaluate(so_far, "fr")["missing"]
            found |= {("hidden", k) for k in order if k not in so_far and k not in missing}
        if any(kind == "hidden" for kind, _ in found):
            features[case["id"]] = found | {("verdict", case["expect"]["verdict"])}
    chosen, covered = [], set()
    while len(chosen) < PROGRESSIVE_CASES and features:
        best = max(features, key=lambda cid: len(features[cid] - covered))
        if not features[best] - covered:
            break
        covered |= features.pop(best)
        chosen.append(best)
    return [c for c in cases if c["id"] in chosen]


def test_questions_show_progressively_in_the_engines_order(
    widget, engine, question_types, corpus_cases
):
    """Without the toggle, after each answer (asking order), the questions shown are
    the answered ones plus exactly the engine's ``missing``, in its order; the toggle
    shows them all and hides them again."""
    recorded = widget("fr")
    page = recorded.page
    order = list(question_types)
    cases = _hiding_cases(corpus_cases, engine, order)[:PROGRESSIVE_CASES]
    assert len(cases) >= 3, [c["id"] for c in cases]
    needed_toggle = 0
    for case in cases:
        answers, so_far = case["answers"], {}
        for key in [k for k in order if k in answers]:
            missing = engine.evaluate(so_far, "fr")["missing"]
            if key in missing:
                assert is_shown(page, key), f"{case['id']}: {key} hidden, engine needs it"
            else:
                # The engine no longer needs it: hidden, until "show all questions".
                expect(page.locator(f'[data-question="{key}"]')).to_be_hidden()
                set_show_all(page, True)
                needed_toggle += 1
                assert page.evaluate(SNAPSHOT)["shown"] == order
            fill_answer(page, key, answers[key], question_types[key], "fr")
            set_show_all(page, False)
            so_far[key] = answers[key]
            wait_for_answers(page, fragment(RULES, so_far, "fr"))
            view = page.evaluate(SNAPSHOT)
            still = [k for k in view["shown"] if k not in so_far]
            want = engine.evaluate(so_far, "fr")["missing"]
            assert still == want, (
                f"{case['id']} after {so_far}: unanswered questions shown {still}, "
                f"engine's missing {want}"
            )
            assert set(so_far) <= set(view["shown"]), (case["id"], view["shown"])
        clear_answers(page)
    assert needed_toggle, "no case hid a question it then answered"
    recorded.assert_clean("fr widget page")


# ---------------------------------------------------------------------------
# 2. Keyboard only


def _press(page, key: str) -> dict | None:
    page.keyboard.press(key)
    return page.evaluate(FOCUSED)


def _tab(page) -> dict | None:
    """Tab to the next field, past a question's help stops (a glossary term, a
    « Pourquoi ? » or « Où trouver ? » disclosure): reached, not answered."""
    focused = _press(page, "Tab")
    for _ in range(20):
        if not (focused and focused["help"]):
            break
        focused = _press(page, "Tab")
    return focused


def keyboard_case(cases: list[dict], engine: Engine) -> dict:
    """An eligible case with a settled amount and no "I don't know" answer whose
    questions, answered in asking order, each show when their turn comes (Tab
    cannot reach a hidden question); one that hides some question on the way if
    there is one."""
    order = [q["id"] for q in engine.rules["questions"]]

    def reachable(case: dict) -> bool:
        answers, so_far = case["answers"], {}
        for key in [k for k in order if k in answers]:
            if key not in engine.evaluate(so_far, "fr")["missing"]:
                return False
            so_far[key] = answers[key]
        return True

    candidates = [c for c in cases if settled_eligible(c) and reachable(c)]
    hiding = [c for c in candidates if set(c["answers"]) != set(order)]
    return first(hiding + candidates, lambda c: True, "for the keyboard run")


def _question_of(focused: dict | None) -> str | None:
    """The question whose field has the focus (its input or its "I don't know")."""
    if not focused or not focused["inWidget"]:
        return None
    return focused["name"] or focused["unknownFor"]


def _choose_radio(page, focused: dict, key: str, wanted: str) -> dict:
    """In a radio group that has the focus (on its first radio, none checked):
    Space checks the focused radio, ArrowDown moves to the next one and checks it."""
    if focused["value"] == wanted:
        focused = _press(page, " ")
    radios = page.locator(f'[name="{key}"]').count()
    for _ in range(radios):
        if focused["value"] == wanted and focused["checked"]:
            return focused
        focused = _press(page, "ArrowDown")
        assert focused["name"] == key, (key, focused)
    assert (focused["value"], focused["checked"]) == (wanted, True), (key, wanted, focused)
    return focused


def test_keyboard_only_from_first_question_to_result(
    record_page, site_server, engine, question_types, corpus_cases
):
    """From the top of the page, Tab to the first question, then answer a case with
    the keyboard only: Tab reaches each question that shows (hidden ones are
    skipped, and so are its help stops), arrows choose in a radio group,
    numbers are typed; then "clear" with Enter, and the focus goes back to the
    first question."""
    case = keyboard_case(corpus_cases, engine)
    answers, expect_ = case["answers"], case["expect"]
    recorded, context = open_widget(record_page, site_server, "fr")
    page = recorded.page
    order = list(question_types)
    try:
        so_far: dict = {}

        def shown_after(key: str | None) -> str | None:
            """The next question that shows after ``key`` (None: from the top)."""
            missing = engine.evaluate(so_far, "fr")["missing"]
            after = order[order.index(key) + 1 :] if key else order
            return next((k for k in after if k in so_far or k in missing), None)

        # From the top of the page, Tab until the first question.
        seen = []
        for _ in range(80):
            focused = _press(page, "Tab")
            if _question_of(focused):
                break
            seen.append(focused)
        else:
            pytest.fail(f"the first question was never reached with Tab: {seen[-10:]}")
        current = shown_after(None)
        assert current == order[0], (current, order)
        for key in [k for k in order if k in answers]:
            while True:
                assert _question_of(focused) == current and focused["visible"], (current, focused)
                if current == key:
                    break
                # A question that shows but that the case leaves unanswered: Tab past it.
                if question_types[current] not in ("choice", "boolean"):
                    focused = _tab(page)  # the text field → its "I don't know"
                    assert focused["unknownFor"] == current, focused
                focused, current = _tab(page), shown_after(current)
                assert current is not None, (case["id"], key, "shows no more")
            value = form_value(key, answers[key], "fr")
            if question_types[key] in ("choice", "boolean"):
                focused = _choose_radio(page, focused, key, value)
            else:
                assert (focused["name"], focused["type"]) == (key, "text"), focused
                page.keyboard.type(value)
                focused = _tab(page)  # leaving the field (change) evaluates it
                assert focused["unknownFor"] == key, focused
            so_far[key] = answers[key]
            wait_for_answers(page, fragment(RULES, so_far, "fr"))
            # The questions the engine no longer needs are hidden; Tab skips them.
            missing = engine.evaluate(so_far, "fr")["missing"]
            for other in [k for k in order if k not in so_far and k not in missing]:
                expect(page.locator(f'[data-question="{other}"]')).to_be_hidden()
            current = shown_after(key)
            if current is not None:
                focused = _tab(page)
        # The result: the case's verdict and amount, the amount line as the engine writes it.
        result = page.locator(RESULT)
        expect(result).to_have_attribute("data-verdict", expect_["verdict"])
        expect(result).to_have_attribute("data-amount", js_number(expect_["amount"]))
        shown_amount = engine.evaluate(answers, "fr")["display"]["amount"]
        expect(page.locator(f"{RESULT} .selfcheck-amount")).to_have_text(shown_amount)
        for key in [k for k in order if k not in answers]:
            # The engine no longer needs the questions the case leaves unanswered.
            expect(page.locator(f'[data-question="{key}"]')).to_be_hidden()

        # Clear with the keyboard too: Tab to the button, Enter.
        for _ in range(10):
            focused = _tab(page)
            if focused and focused["action"] == "clear":
                break
        assert focused["action"] == "clear", focused
        focused = _press(page, "Enter")
        wait_for_answers(page, "")
        expect(result).to_have_attribute("data-verdict", "")
        assert _question_of(focused) == order[0], focused  # back to the first question
        recorded.assert_clean("keyboard run")
    finally:
        context.close()


# ---------------------------------------------------------------------------
# 3–6. States: fallback, accessibility, screenshots

_axe = Axe()


IN_WIDGET = """(selectors) => selectors.map((s) => {
  try { return !!document.querySelector(s)?.closest('#selfcheck'); } catch { return false; }
})"""


OPEN_DETAILS = """(open = true) => {
  for (const box of document.querySelectorAll('#selfcheck details')) box.open = open;
}"""


def axe_problems(page, where: str) -> list[str]:
    """One line per axe-core rule violated, saying which nodes are in the widget."""
    violations = _axe.run(page).response["violations"]
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"]]
        inside = page.evaluate(IN_WIDGET, [str(n["target"][0]) for n in v["nodes"]])
        lines.append(
            f"{where}: {v['id']} [{v.get('impact')}] {v['help']} — {len(targets)} node(s), "
            f"{sum(inside)} in the widget: " + "; ".join(targets[:4])
        )
    return lines


def assert_no_axe_violation(problems: list[str]) -> None:
    assert not problems, (
        f"axe-core: {len(problems)} violation(s) (rule, nodes, how many in the widget):\n  "
        + "\n  ".join(problems)
    )


def shoot(page, screenshot, name: str) -> list:
    """Full-page screenshots at 1280×800 then 360×740 (back to 1280×800 after)."""
    paths = []
    for width, height in (DESKTOP, PHONE):
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("() => window.scrollTo(0, 0)")  # the sticky header at the top
        page.evaluate(SETTLE)
        paths.append(screenshot(page, f"widget-{name}-{width}x{height}"))
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
    return paths


def answered_states(cases: list[dict]) -> dict[str, tuple[dict, str]]:
    """The widget's answered states, from the corpus: state → (answers, data-verdict)."""

    def verdict_is(verdict: str):
        return lambda case: case["expect"]["verdict"] == verdict

    partial = first(cases, lambda c: answered(c) and verdict_is("undetermined")(c), "undetermined")
    ineligible = first(cases, verdict_is("ineligible"), "ineligible")
    states = {
        "empty": ({}, ""),
        "partial": (partial["answers"], "undetermined"),
        "ineligible": (ineligible["answers"], "ineligible"),
    }
    # One eligible state per amount the rules can settle on (each reads on a phone).
    first(cases, settled_eligible, "eligible with a settled amount, no null answer")
    for case in cases:
        if settled_eligible(case):
            states.setdefault(f"eligible-{case['expect']['amount']}", (case["answers"], "eligible"))
    return states


@pytest.mark.parametrize("lang", LANGS)
def test_answered_states_accessible_with_screenshots(
    widget, question_types, corpus_cases, screenshot, lang, capsys
):
    recorded = widget(lang)
    page = recorded.page
    problems = []
    for state, (answers, verdict) in answered_states(corpus_cases).items():
        clear_answers(page)
        if fill_case(page, answers, question_types, lang):
            set_show_all(page, False)
        expect(page.locator(RESULT)).to_have_attribute("data-verdict", verdict)
        page.evaluate(SETTLE)
        problems += axe_problems(page, f"{lang} {state}")
        shoot(page, screenshot, f"{lang}-{state}")
    # The toggle pressed, every question shown: the ineligible state again.
    set_show_all(page, True)
    page.evaluate(SETTLE)
    problems += axe_problems(page, f"{lang} ineligible, all questions shown")
    shoot(page, screenshot, f"{lang}-ineligible-all-questions")
    # Every "where to find this information" disclosure open.
    page.evaluate(OPEN_DETAILS)
    page.evaluate(SETTLE)
    problems += axe_problems(page, f"{lang} every disclosure open")
    shoot(page, screenshot, f"{lang}-disclosures-open")
    page.evaluate(OPEN_DETAILS, False)
    set_show_all(page, False)
    recorded.assert_clean(f"{lang} widget page")
    assert_no_axe_violation(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_loading_state_accessible_with_screenshots(record_page, site_server, screenshot, lang):
    """The engine's download never answers: the widget stays in its loading state."""
    stalled = []
    recorded, context = open_widget(
        record_page,
        site_server,
        lang,
        route=("**/*.wasm", lambda route: stalled.append(route)),
        wait=False,
    )
    page = recorded.page
    try:
        page.wait_for_selector(f'{ROOT}[data-state="loading"]', state="attached")
        expect(page.locator("#selfcheck-status")).to_be_visible()
        page.evaluate(SETTLE)
        problems = axe_problems(page, f"{lang} loading")
        shoot(page, screenshot, f"{lang}-loading")
        assert page.get_attribute(ROOT, "data-state") == "loading"
        assert stalled, "the .wasm request was never made"
        recorded.assert_clean(f"{lang} loading page")
        assert_no_axe_violation(problems)
    finally:
        for route in stalled:  # let the page go before closing it
            with contextlib.suppress(Exception):
                route.abort()
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_blocked_wasm_fallback_accessible_with_screenshots(
    record_page, site_server, screenshot, lang
):
    """The error state passes axe-core, with screenshots. What it shows (the
    reason, the criteria link, the form kept) is tested in every engine:
    test_widget_engines.py, test_fallback_when_the_runtime_cannot_load."""
    recorded, context = open_widget(
        record_page, site_server, lang, route=("**/*.wasm", lambda r: r.abort()), wait=False
    )
    page = recorded.page
    try:
        page.wait_for_selector(f'{ROOT}[data-state="error"]', state="attached", timeout=READY_MS)
        expect(page.locator("#selfcheck-error")).to_be_visible()
        page.evaluate(SETTLE)
        problems = axe_problems(page, f"{lang} error")
        shoot(page, screenshot, f"{lang}-error")
        recorded.assert_clean(f"{lang} error page")
        assert_no_axe_violation(problems)
    finally:
        context.close()
