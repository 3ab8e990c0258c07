"""CI parity of the self-check widget with the CPython engine, in Debian Chromium.

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
- the grid of answer sets over every option and boundary value (1,080 sets), fr and
  en, evaluated in the page by ``window.selfcheck.evaluate``: JSON for JSON;
- a keyboard-only run, from the first question to an eligible 900 € result;
- with the ``.wasm`` blocked, the fallback within 15 s;
- axe-core: zero violations in the empty, loading, partly answered, eligible,
  ineligible and error states, fr and en; screenshots of each at 360×740 and
  1280×800 (tests/artifacts/screenshots/widget-*.png);
- every page: requests on 127.0.0.1 only, no console error, no uncaught error.

The pages have a strict Content Security Policy: wait on selectors or call
``page.evaluate`` with a function, never ``wait_for_function("…")``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time
from urllib.parse import urlencode, urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from selfcheck import rules as rules_module
from selfcheck.engine import Engine

pytestmark = pytest.mark.browser

LANGS = {"fr": "autodiagnostic/", "en": "en/autodiagnostic/"}
ROOT = "#selfcheck"
RESULT = "#selfcheck-result"
TOGGLE = '[data-action="show-all"]'
CLEAR = '[data-action="clear"]'
READY_TIMEOUT_MS = 90_000
STEP_TIMEOUT_MS = 10_000
DESKTOP = (1280, 800)
PHONE = (360, 740)
EN_EVERY = 4  # the en run takes every 4th case of the corpus
PROGRESSIVE_CASES = 6
GRID_BATCH = 60

# The grid: each key absent (None) or at each option / boundary value.
GRID = {
    "statut": [None, "artiste", "technicien", "autre"],
    "jours_travailles": [None, 0, 11, 12, 13, 182],
    "droits_non_renouveles": [None, True, False],
    "droits_ouverts_2019": [None, True, False],
    "ressources": [None, 0, 14999.99, 15000, 15000.01],
}


def grid_answer_sets() -> list[dict]:
    keys = list(GRID)
    return [
        {k: v for k, v in zip(keys, combo, strict=True) if v is not None}
        for combo in itertools.product(*GRID.values())
    ]


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

# Evaluate answer sets in the page, a batch of concurrent calls at a time; the JSON text.
EVALUATE_ALL = """async ([sets, batch]) => {
  await window.selfcheck.ready;
  const out = [];
  for (let i = 0; i < sets.length; i += batch) {
    const calls = sets.slice(i, i + batch).map((a) => window.selfcheck.evaluate(a));
    out.push(...(await Promise.all(calls)));
  }
  return JSON.stringify(out);
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return {
    tag: el.tagName.toLowerCase(), type: el.type || null, name: el.name || null,
    value: el.value ?? null, action: el.dataset.action || null,
    unknownFor: el.dataset.unknownFor || null, inWidget: !!el.closest('#selfcheck'),
    visible: el.checkVisibility(),
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
        page.wait_for_selector(
            f'{ROOT}[data-state="ready"]', state="attached", timeout=READY_TIMEOUT_MS
        )
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
    path = os.environ.get("SELFCHECK_RULES", rules_module.DEFAULT_RULES)
    return Engine(rules_module.load(path))


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


def js_number(value) -> str:
    """String(number) in JavaScript, for the values of the corpus and the grid."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def typed_number(value, lang: str) -> str:
    """The number as a reader types it: decimal comma in French."""
    text = repr(value) if isinstance(value, float) else str(value)
    return text.replace(".", ",") if lang == "fr" else text


def fragment(answers: dict, order: list[str]) -> str:
    """The share fragment of the answers (the widget's ``data-answers``)."""
    pairs = []
    for key in order:
        value = answers.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            pairs.append((key, "oui" if value else "non"))
        elif isinstance(value, (int, float)):
            pairs.append((key, js_number(value)))
        else:
            pairs.append((key, value))
    return urlencode(pairs)


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
    page.click(CLEAR)
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


def fill_answer(page, key: str, value, kind: str, lang: str) -> None:
    """Answer one question by its field name: a radio (booleans "oui"/"non", "" for
    "Je ne sais pas"), or a number typed then Tab (the change event)."""
    if kind in ("choice", "boolean"):
        if value is None:
            choice = ""
        elif kind == "boolean":
            choice = "oui" if value else "non"
        else:
            choice = value
        page.check(f'[name="{key}"][value="{choice}"]')
    elif value is None:
        page.check(f'[data-unknown-for="{key}"]')
    else:
        field_ = page.locator(f'input[type="text"][name="{key}"]')
        field_.fill(typed_number(value, lang))
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
        wait_for_answers(page, fragment(so_far, order))
    return toggled


# ---------------------------------------------------------------------------
# Expected vs shown


def expected_view(case: dict, engine: Engine, lang: str, order: list[str]) -> dict:
    """What the widget must show once the case's answers are in (toggle off)."""
    answers, expect_ = case["answers"], case["expect"]
    touched = set(answers)
    if not touched:  # nothing answered: no result yet (README, widget contract)
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
                "reason": c["reason"],
            }
            for c in result["criteria"]
        ]
        assert set(expect_["criteria"]) <= {c["id"] for c in criteria}, case["id"]
    return {
        "answers": fragment(answers, order),
        "verdict": verdict,
        "amount": amount,
        "outcomeShown": bool(touched),
        "criteria": criteria,
        "shown": [k for k in order if k in touched or k in expect_["missing"]],
        "showAll": "false",
    }


def diff(got, want, path="$") -> list[str]:
    """Readable differences between two JSON values (paths, first ones first)."""
    if isinstance(got, dict) and isinstance(want, dict):
        lines = []
        for key in list(want) + [k for k in got if k not in want]:
            if key not in got:
                lines.append(f"{path}.{key}: missing in the page (want {want[key]!r})")
            elif key not in want:
                lines.append(f"{path}.{key}: unexpected {got[key]!r}")
            else:
                lines += diff(got[key], want[key], f"{path}.{key}")
        return lines
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            shown = f"{got} != wanted {want}" if len(repr(got) + repr(want)) < 200 else ""
            return [f"{path}: {len(got)} items in the page, {len(want)} wanted {shown}"]
        lines = []
        for index, (g, w) in enumerate(zip(got, want, strict=False)):
            lines += diff(g, w, f"{path}[{index}]")
        return lines
    if got != want or isinstance(got, bool) != isinstance(want, bool):
        return [f"{path}: page {got!r} != wanted {want!r}"]
    return []


def settled_view(page, want: dict, timeout_s: float = 3.0) -> dict:
    """The widget's view once it equals ``want`` (or the last one after the timeout)."""
    deadline = time.monotonic() + timeout_s
    while True:
        got = page.evaluate(SNAPSHOT)
        if got == want or time.monotonic() > deadline:
            return got
        page.wait_for_timeout(50)


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
    shows all five and hides them again."""
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
            wait_for_answers(page, fragment(so_far, order))
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
# 2. The grid, JSON for JSON


@pytest.mark.parametrize("lang", LANGS)
def test_grid_evaluates_like_cpython(widget, engine, lang, capsys):
    recorded = widget(lang)
    sets = grid_answer_sets()
    start = time.monotonic()
    got = json.loads(recorded.page.evaluate(EVALUATE_ALL, [sets, GRID_BATCH]))
    in_page = time.monotonic() - start
    want = [json.loads(json.dumps(engine.evaluate(a, lang), ensure_ascii=False)) for a in sets]
    assert len(got) == len(sets) >= 1000
    compared = [(a, diff(g, w)) for a, g, w in zip(sets, got, want, strict=True)]
    differing = [(a, lines) for a, lines in compared if lines]
    report(
        capsys,
        f"{lang}: {len(sets)} grid answer sets compared JSON for JSON "
        f"({in_page:.1f} s in the page), {len(differing)} differ",
    )
    shown = [f"{a}:\n      " + "\n      ".join(lines[:5]) for a, lines in differing[:5]]
    assert not differing, (
        f"{lang}: {len(differing)} of {len(sets)} answer sets differ from CPython; first:\n  "
        + "\n  ".join(shown)
    )
    verdicts = {r["verdict"] for r in got}
    assert verdicts == {"eligible", "ineligible", "undetermined"}, verdicts
    recorded.assert_clean(f"{lang} widget page")


# ---------------------------------------------------------------------------
# 3. Keyboard only


def _press(page, key: str) -> dict | None:
    page.keyboard.press(key)
    return page.evaluate(FOCUSED)


def test_keyboard_only_from_first_question_to_result(record_page, site_server, question_types):
    recorded, context = open_widget(record_page, site_server, "fr")
    page = recorded.page
    order = list(question_types)
    try:
        # From the top of the page, Tab until the first question (statut's radios).
        seen = []
        for _ in range(80):
            focused = _press(page, "Tab")
            if focused and focused["name"] == "statut":
                break
            seen.append(focused)
        else:
            pytest.fail(f"the first question was never reached with Tab: {seen[-10:]}")
        assert focused["visible"] and focused["value"] == "artiste", focused
        focused = _press(page, "ArrowDown")  # arrows move the choice in a radio group
        assert focused["value"] == "technicien", focused
        wait_for_answers(page, "statut=technicien")

        focused = _press(page, "Tab")
        assert focused["name"] == "jours_travailles", focused
        page.keyboard.type("12")
        focused = _press(page, "Tab")  # leaving the field (change) evaluates it
        assert focused["unknownFor"] == "jours_travailles", focused
        wait_for_answers(page, "statut=technicien&jours_travailles=12")

        focused = _press(page, "Tab")
        assert (focused["name"], focused["value"]) == ("droits_non_renouveles", "oui"), focused
        focused = _press(page, " ")
        answers = {"statut": "technicien", "jours_travailles": 12, "droits_non_renouveles": True}
        wait_for_answers(page, fragment(answers, order))
        # droits_ouverts_2019 no longer matters: hidden, Tab goes to ressources.
        expect(page.locator('[data-question="droits_ouverts_2019"]')).to_be_hidden()
        focused = _press(page, "Tab")
        assert focused["name"] == "ressources", focused
        page.keyboard.type("14000")
        _press(page, "Tab")
        expect(page.locator(RESULT)).to_have_attribute("data-verdict", "eligible")
        expect(page.locator(RESULT)).to_have_attribute("data-amount", "900")
        answers["ressources"] = 14000
        wait_for_answers(page, fragment(answers, order))
        assert page.locator(f"{RESULT} .selfcheck-amount").inner_text().strip().endswith("€")

        # Clear with the keyboard too: Tab to the button, Enter.
        for _ in range(10):
            focused = _press(page, "Tab")
            if focused and focused["action"] == "clear":
                break
        assert focused["action"] == "clear", focused
        focused = _press(page, "Enter")
        wait_for_answers(page, "")
        expect(page.locator(RESULT)).to_have_attribute("data-verdict", "")
        assert focused["name"] == "statut", focused  # back to the first question
        recorded.assert_clean("keyboard run")
    finally:
        context.close()


# ---------------------------------------------------------------------------
# 4–7. States: fallback, accessibility, screenshots

_axe = Axe()


IN_WIDGET = """(selectors) => selectors.map((s) => {
  try { return !!document.querySelector(s)?.closest('#selfcheck'); } catch { return false; }
})"""


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


ANSWERED_STATES = {
    "empty": ({}, ""),
    "partial": ({"statut": "artiste", "jours_travailles": 20}, "undetermined"),
    "eligible": (
        {
            "statut": "technicien",
            "jours_travailles": 12,
            "droits_non_renouveles": True,
            "ressources": 14000,
        },
        "eligible",
    ),
    "ineligible": ({"statut": "artiste", "jours_travailles": 5}, "ineligible"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_answered_states_accessible_with_screenshots(
    widget, question_types, screenshot, lang, capsys
):
    recorded = widget(lang)
    page = recorded.page
    problems = []
    for state, (answers, verdict) in ANSWERED_STATES.items():
        clear_answers(page)
        fill_case(page, answers, question_types, lang)
        expect(page.locator(RESULT)).to_have_attribute("data-verdict", verdict)
        page.evaluate(SETTLE)
        problems += axe_problems(page, f"{lang} {state}")
        shoot(page, screenshot, f"{lang}-{state}")
    # The toggle pressed, every question shown: the ineligible state again.
    set_show_all(page, True)
    page.evaluate(SETTLE)
    problems += axe_problems(page, f"{lang} ineligible, all questions shown")
    shoot(page, screenshot, f"{lang}-ineligible-all-questions")
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
    start = time.monotonic()
    recorded, context = open_widget(
        record_page, site_server, lang, route=("**/*.wasm", lambda r: r.abort()), wait=False
    )
    page = recorded.page
    try:
        page.wait_for_selector(f'{ROOT}[data-state="error"]', state="attached", timeout=15_000)
        elapsed = time.monotonic() - start
        assert elapsed < 15, elapsed
        expect(page.locator("#selfcheck-error")).to_be_visible()
        expect(page.locator('#selfcheck-error [data-reason="network"]')).to_be_visible()
        expect(page.locator('#selfcheck-error a[href="../criteres/"]')).to_be_visible()
        expect(page.locator("#selfcheck-form")).to_be_hidden()
        page.evaluate(SETTLE)
        problems = axe_problems(page, f"{lang} error")
        shoot(page, screenshot, f"{lang}-error")
        recorded.assert_clean(f"{lang} error page")
        assert_no_axe_violation(problems)
    finally:
        context.close()
