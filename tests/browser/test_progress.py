"""The loading text says the bytes that have crossed the network, for every
file the worker loads to boot (Chromium, the site served as ``make serve``
serves it).

Pyodide's ``.wasm`` and the standard library's zip are held back on their way:
by then the worker's own script, Pyodide's two module scripts, the lock and
the rules have arrived, and the text says their bytes as the host sent them
(the build's compressed copies, for the Content-Encoding the server used), to
the page's step (a fiftieth of the total). Released, the boot ends on the
total. And the worker's boot requests exactly the files the build counts, each
once (pyodide.asm.mjs, imported both by the worker and by pyodide.mjs,
included): none is left out of the text, none is downloaded twice.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from support.driver import READY_MS
from support.servers import serving_site

from sitebuild.bundle import ASSETS

pytestmark = pytest.mark.browser

COPIES = {"br": ".br", "gzip": ".gz", "": None}
HELD = ("**/pyodide.asm.wasm", "**/python_stdlib.zip")
STATUS = ".selfcheck-status-text"
SAYS_ONE_OF = "([selector, texts]) => texts.includes(document.querySelector(selector)?.textContent)"


def sent(path: Path, encoding: str) -> int:
    """The file's bytes as the server sends them with that Content-Encoding."""
    copy = COPIES[encoding]
    if copy and path.with_name(path.name + copy).is_file():
        return path.with_name(path.name + copy).stat().st_size
    return path.stat().st_size


def page_parts(site: Path) -> tuple[list[str], dict, set[str]]:
    """The page's progress texts by encoding, the files it names, and the
    paths of the widget's folder its own tags load (not the worker's)."""
    text = (site / "autodiagnostic" / "index.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="selfcheck-words">(.*?)</script>', text)
    assert block, "the self-check page has no words block"
    files = {
        name: html.unescape(value)
        for name, value in re.findall(r'data-(rules|wheel|lock|stdlib|pyodide)="([^"]*)"', text)
    }
    own = {
        urlsplit(urljoin("/autodiagnostic/", html.unescape(ref))).path
        for ref in re.findall(r'(?:src|href)="([^"]*assets/selfcheck/[^"]*)"', text)
    }
    return json.loads(block[1])["progress"], files, own


def test_the_loading_text_says_the_bytes_that_crossed_the_network(built_site, new_page):
    progress, files, own = page_parts(built_site)
    assets = built_site / ASSETS
    pyodide = assets / files["pyodide"]
    before_held = [
        assets / "worker.js",
        pyodide / "pyodide.mjs",
        pyodide / "pyodide.asm.mjs",
        assets / files["lock"],
        assets / files["rules"],
    ]
    boot_set = [
        *before_held,
        pyodide / "pyodide.asm.wasm",
        assets / files["stdlib"],
        assets / files["wheel"],
    ]
    held: list = []
    released = False

    def hold(route) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)

    with serving_site(built_site) as served:
        recorded = new_page()
        page = recorded.page
        for pattern in HELD:
            page.route(pattern, hold)
        encodings: dict[str, str] = {}
        recorded.context.on(
            "response",
            lambda response: encodings.setdefault(
                urlsplit(response.url).path, response.headers.get("content-encoding", "")
            ),
        )
        page.goto(served.base_url + "autodiagnostic/")
        # What the text must say once the files before the held ones have
        # arrived, for each kind of host: their bytes, to the page's step.
        expected = {}
        for encoding in COPIES:
            texts = progress[encoding]["texts"]
            arrived = sum(sent(path, encoding) for path in before_held)
            total = sum(sent(path, encoding) for path in boot_set)
            expected[encoding] = texts[arrived * (len(texts) - 1) // total]
        try:
            page.wait_for_function(
                SAYS_ONE_OF,
                arg=[STATUS, list(expected.values())],
                timeout=READY_MS,
            )
        except PlaywrightTimeout:
            said = page.text_content(STATUS)
            pytest.fail(f"the loading text says {said!r}, not one of {expected}")
        lock = "/" + (assets / files["lock"]).relative_to(built_site).as_posix()
        encoding = encodings[lock]
        assert page.text_content(STATUS) == expected[encoding], encoding
        released = True
        for route in held:
            route.continue_()
        page.wait_for_selector('#selfcheck[data-state="ready"]', state="attached", timeout=READY_MS)
        assert page.text_content(STATUS) == progress[encoding]["texts"][-1]
        asked = [urlsplit(path).path for path in served.requests]
    worker = [path for path in asked if path.startswith(f"/{ASSETS}/") and path not in own]
    named = ["/" + path.relative_to(built_site).as_posix() for path in boot_set]
    assert sorted(worker) == sorted(named)
    recorded.assert_clean()
