"""The loading text counts the bytes that cross the network: the build writes,
for each Content-Encoding a host may send the engine's files with (the worker
says which one it got), the size of every file the worker loads to boot — as
the browser hands it over and as that host sends it: the build's .br or .gz
copy where the site has one, the file itself where not (the standard
library's zip and the wheel, already deflated), every file as it is from a
host that compresses nothing — and texts ending on their total. Every file:
the worker's own script and Pyodide's two module scripts too, which arrive
by import, not fetch (that the worker's boot requests nothing else:
tests/browser/test_progress.py)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from support.paths import site_dir

from selfcheck import words
from selfcheck.formatting import format_number
from sitebuild import bundle

SITE = site_dir()
COPIES = {"br": ".br", "gzip": ".gz", "": None}


def page_words(lang_dir: str) -> tuple[dict, Path, dict]:
    page = SITE / lang_dir / "index.html"
    if not page.is_file():
        pytest.fail(f"no {page}: run `make build`")
    text = page.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="selfcheck-words">(.*?)</script>', text)
    assert block, "the self-check page has no words block"
    files = {
        name: html.unescape(value)
        for name, value in re.findall(r'data-(rules|wheel|lock|stdlib|pyodide)="([^"]*)"', text)
    }
    return json.loads(block[1]), SITE / bundle.ASSETS, files


def sent(path: Path, copy: str | None) -> int:
    if copy and path.with_name(path.name + copy).is_file():
        return path.with_name(path.name + copy).stat().st_size
    return path.stat().st_size


def boot_set(assets: Path, files: dict) -> list[Path]:
    """The files the worker loads to boot, as this test knows them."""
    pyodide = assets / files["pyodide"]
    return [
        assets / "worker.js",
        pyodide / "pyodide.mjs",
        pyodide / "pyodide.asm.mjs",
        pyodide / "pyodide.asm.wasm",
        assets / files["stdlib"],
        assets / files["lock"],
        assets / files["wheel"],
        assets / files["rules"],
    ]


@pytest.mark.parametrize(
    ("folder", "lang"), [("autodiagnostic", "fr"), ("en/autodiagnostic", "en")]
)
def test_the_progress_ends_on_the_bytes_each_kind_of_host_sends(folder, lang):
    found, assets, files = page_words(folder)
    fetched = boot_set(assets, files)
    assert set(found["progress"]) == set(COPIES)
    totals = {}
    for encoding, copy in COPIES.items():
        sizes = found["progress"][encoding]["sizes"]
        assert sorted(assets / path for path in sizes) == sorted(fetched), encoding
        for path, (decoded, on_network) in sizes.items():
            assert decoded == (assets / path).stat().st_size, (encoding, path)
            assert on_network == sent(assets / path, copy), (encoding, path)
        total = sum(sent(path, copy) for path in fetched)
        totals[encoding] = total
        number = format_number(round(total / 1_000_000, 1), lang, decimals=1)
        shown = words.fill(words.entry(lang, "format.megabytes"), number=number)
        texts = found["progress"][encoding]["texts"]
        assert len(texts) > 2 and all(shown in text for text in texts), (encoding, shown, texts[-1])
        assert texts[-1].count(shown) == 2, texts[-1]  # « 4,7 Mo sur 4,7 Mo »
    # What the issue was about: a Brotli host's reader is not told the
    # decompressed size.
    assert totals["br"] < totals["gzip"] < totals[""] / 2
