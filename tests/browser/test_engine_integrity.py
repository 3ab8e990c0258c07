"""The engine reaches the browser through Pyodide's lock file, integrity
checked: the built lock names the wheel's sha256, and a wheel altered by one
byte is refused — the widget shows why, offers the criteria page, keeps the
reader's answers, and never evaluates with it."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest
from contract import RULES
from playwright.sync_api import expect
from support.corpus import first, form_values, load_corpus, settled_eligible
from support.driver import READY_MS
from support.paths import REPO

from selfcheck.form import fragment
from sitebuild.serve import serving

pytestmark = pytest.mark.browser


def engine_folders(site: Path) -> list[Path]:
    return sorted((site / "assets" / "selfcheck").glob("engine-*"))


def test_the_lock_names_the_wheels_sha256(built_site):
    folders = engine_folders(built_site)
    assert len(folders) == 1, folders
    (wheel,) = folders[0].glob("selfcheck-*-py3-none-any.whl")
    lock = json.loads((folders[0] / "pyodide-lock.json").read_text(encoding="utf-8"))
    entry = lock["packages"]["selfcheck"]
    assert entry["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert entry["file_name"] == wheel.name  # beside the lock, which the worker loads
    assert entry["depends"] == []  # the engine needs nothing but the standard library
    npm = json.loads((REPO / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"] == npm["info"]  # Pyodide's own lock's header
    # The engine alone: it depends on nothing else (Pyodide's other packages
    # would cost a phone 119 KB of lock for nothing).
    assert set(lock["packages"]) == {"selfcheck"}
    page = (built_site / "autodiagnostic" / "index.html").read_text(encoding="utf-8")
    assert f'data-lock="{folders[0].name}/pyodide-lock.json"' in page
    assert f'data-wheel="{folders[0].name}/{wheel.name}"' in page
    # No hand-written lock stub beside the runtime any more.
    assert not list((built_site / "assets" / "selfcheck").glob("pyodide-*/pyodide-lock.json"))


@pytest.fixture(scope="module")
def tampered_site(built_site, tmp_path_factory) -> Path:
    """A copy of the built site whose engine wheel was altered on the host: still
    a valid wheel that would install and run, one byte of the engine changed
    (a comment's letter), its RECORD left as it was."""
    site = tmp_path_factory.mktemp("tampered") / "site"
    shutil.copytree(built_site, site, symlinks=True)
    (wheel,) = engine_folders(site)[0].glob("*.whl")
    original = wheel.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == "selfcheck/engine.py":
                data = data.replace(b"The engine", b"The Engine", 1)
            target.writestr(info, data)
    assert out.getvalue() != original
    wheel.write_bytes(out.getvalue())
    return site


def test_a_tampered_wheel_is_refused_and_the_answers_stay(new_page, tampered_site):
    cases = load_corpus(RULES)["cases"]
    answers = first(cases, settled_eligible, "eligible with a settled amount")["answers"]
    with serving(tampered_site) as base_url:
        recorded = new_page(viewport=(360, 740))
        page = recorded.page
        page.goto(urljoin(base_url, "autodiagnostic/") + "#" + fragment(RULES, answers, "fr"))
        page.wait_for_selector('#selfcheck[data-state="error"]', state="attached", timeout=READY_MS)
        expect(page.locator('#selfcheck-error [data-reason="integrity"]')).to_be_visible()
        expect(page.locator('#selfcheck-error a[href="../criteres/"]')).to_be_visible()
        # The reader's answers are still there, in a form that still shows.
        expect(page.locator("#selfcheck-form")).to_be_visible()
        for name, value in form_values(RULES, answers, "fr").items():
            field = page.locator(f'[name="{name}"]').first
            if field.get_attribute("type") == "radio":
                assert page.is_checked(f'[name="{name}"][value="{value}"]'), name
            else:
                assert field.input_value() == value, name
        # Never evaluated: no result, and the API says the engine is unavailable.
        assert page.get_attribute("#selfcheck-result", "data-verdict") == ""
        assert page.get_attribute("#selfcheck-result", "data-answers") is None
        outcome = page.evaluate("() => window.selfcheck.ready.then(() => 'ready', () => 'refused')")
        assert outcome == "refused"
        assert not recorded.external_requests()
