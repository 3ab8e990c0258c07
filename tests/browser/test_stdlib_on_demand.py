"""The standard library the worker boots with holds only the modules the
self-check imports (sitebuild/stdlib.mjs); any other module still imports,
from Pyodide's full library beside the runtime, fetched on the first such
import and never otherwise (sitebuild/stdlib_finder.py, which counts them).

In Chromium, through the debugging protocol's access to the engine's worker:
after the whole corpus has been evaluated in the page, nothing was missing and
the full library was never requested; then a module left out (``fractions``)
and a module left out of a package that is in the zip (``json.tool``) import
and work, the full library fetched once.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

import pytest
from contract import RULES
from support.corpus import first, load_corpus, settled_eligible
from support.driver import READY_MS

from selfcheck.form import fragment

pytestmark = pytest.mark.browser

MISSES = """() => self.selfcheckPython.runPython(`
import _selfcheck_stdlib
_selfcheck_stdlib.misses
`).toJs()"""
IMPORT_LEFT_OUT = """() => self.selfcheckPython.runPython(`
import json
from fractions import Fraction
import json.tool
json.dumps([str(Fraction(1, 3) + Fraction(1, 6)), json.tool.__name__, json.tool.__file__])
`)"""


def test_a_module_left_out_imports_from_the_full_library_fetched_once(new_page, site_server):
    recorded = new_page()
    page = recorded.page
    cases = load_corpus(RULES)["cases"]
    answers = first(cases, settled_eligible, "eligible with a settled amount")["answers"]
    with page.expect_event("worker") as started:
        page.goto(urljoin(site_server, "autodiagnostic/") + "#" + fragment(RULES, answers, "fr"))
    worker = started.value
    page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
    page.wait_for_selector('#selfcheck-result:not([data-verdict=""])', state="attached")
    # Every case of the corpus, and an answer the engine refuses (its error path).
    every = [case["answers"] for case in cases] + [{"no_such_question": "1"}]
    outcomes = page.evaluate(
        """async (sets) => {
            const out = [];
            for (const answers of sets) {
                const done = window.selfcheck.evaluate(answers);
                out.push(await done.then(() => 'ok', (e) => String(e)));
            }
            return out;
        }""",
        every,
    )
    assert outcomes.count("ok") >= len(cases), outcomes
    assert worker.evaluate(MISSES) == [], "the engine imported modules left out of the zip"
    library = [
        url for url in recorded.requests if "/pyodide-" in url and url.endswith("python_stdlib.zip")
    ]
    assert library == [], "the full library was downloaded without a miss"
    total, name, where = json.loads(worker.evaluate(IMPORT_LEFT_OUT))
    assert total == "1/2"
    assert name == "json.tool" and where.endswith("python_stdlib_full.zip/json/tool.py"), where
    misses = worker.evaluate(MISSES)
    assert "fractions" in misses and "json.tool" in misses, misses
    library = [
        url for url in recorded.requests if "/pyodide-" in url and url.endswith("python_stdlib.zip")
    ]
    assert len(library) == 1, library
    assert not recorded.external_requests()
