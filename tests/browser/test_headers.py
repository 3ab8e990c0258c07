"""What the headers of ``_headers`` (sitebuild/headers.py) do in Debian Chromium,
on a small site made here and served by the project's server:

- the worker follows the policy of its own response: with the site's
  ``_headers`` it cannot evaluate a string; without them it can, although the
  page's ``<meta>`` forbids it (a ``<meta>`` does not reach a worker);
- ``frame-ancestors 'none'``: no page of the site shows in a frame;
- the security headers (``SECURITY_HEADERS``) do what they say, and without
  them the same page does otherwise: the features denied are denied, a link
  followed carries no referrer, another origin cannot show the site's image.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from sitebuild import headers
from sitebuild.serve import serving

pytestmark = pytest.mark.browser

PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(headers.PAGE_CSP)}">
<title>worker</title><script type="module" src="page.js"></script></head>
<body><p>worker</p></body></html>
"""
PAGE_JS = """const worker = new Worker("assets/selfcheck/worker.js?v=1", { type: "module" });
worker.onmessage = (event) => { document.body.dataset.result = event.data; };
"""
WORKER_JS = """let result;
try {
  (0, eval)("1 + 1");
  result = "eval-allowed";
} catch {
  result = "eval-blocked";
}
postMessage(result);
"""
NEXT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>next</title></head>
<body><p>next</p></body></html>
"""
# A 1×1 PNG.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
FRAMING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>frame</title></head>
<body><iframe src="./" title="the site"></iframe></body></html>
"""


def make_site(root: Path, with_headers: bool) -> Path:
    files = {
        "index.html": PAGE,
        "page.js": PAGE_JS,
        "frame.html": FRAMING,
        "next.html": NEXT,
        headers.WORKER: WORKER_JS,
    }
    root.mkdir(parents=True, exist_ok=True)
    (root / "pixel.png").write_bytes(PIXEL)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    if with_headers:
        (root / headers.HEADERS_FILE).write_text(
            headers.render(headers.rules(root)), encoding="utf-8"
        )
    return root


@pytest.mark.parametrize(
    ("with_headers", "expected"), [(True, "eval-blocked"), (False, "eval-allowed")]
)
def test_the_worker_follows_its_own_policy(new_page, tmp_path, with_headers, expected):
    site = make_site(tmp_path, with_headers)
    with serving(site) as base:
        recorded = new_page()
        recorded.page.goto(base)
        expect(recorded.page.locator("body")).to_have_attribute("data-result", expected)


def test_no_page_shows_in_a_frame(new_page, tmp_path):
    site = make_site(tmp_path, with_headers=True)
    with serving(site) as base:
        recorded = new_page()
        page = recorded.page
        page.goto(urljoin(base, "frame.html"))
        page.wait_for_load_state("load")
        (framed,) = [frame for frame in page.frames if frame != page.main_frame]
        assert framed.url.startswith("chrome-error://"), framed.url
        assert any("frame-ancestors" in text for text in recorded.console_errors)


# What the page may use: Chromium's own view of the Permissions-Policy.
ALLOWED = """() => ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'clipboard-write']
  .filter((feature) => document.featurePolicy.allowsFeature(feature))"""
ALL_ALLOWED = ["camera", "microphone", "geolocation", "payment", "usb", "clipboard-write"]


@pytest.mark.parametrize("with_headers", [True, False])
def test_the_security_headers_take_effect(new_page, tmp_path, with_headers):
    site = make_site(tmp_path / "site", with_headers)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("<!doctype html><title>elsewhere</title>")
    with serving(site) as base, serving(elsewhere) as other:
        recorded = new_page()
        page = recorded.page
        page.goto(base)
        allowed = page.evaluate(ALLOWED)
        assert allowed == (["clipboard-write"] if with_headers else ALL_ALLOWED)
        # A link followed: the next page's referrer.
        page.evaluate("(url) => { location.href = url; }", urljoin(base, "next.html"))
        page.wait_for_url("**/next.html")
        assert page.evaluate("document.referrer") == ("" if with_headers else base)
        # Another origin (another port) shows the site's image only without CORP.
        page.goto(other)
        shown = page.evaluate(
            """(src) => new Promise((done) => {
              const img = new Image();
              img.onload = () => done(true);
              img.onerror = () => done(false);
              img.src = src;
            })""",
            urljoin(base, "pixel.png"),
        )
        assert shown is not with_headers
