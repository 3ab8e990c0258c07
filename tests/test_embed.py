"""The embeddable self-check's files in the built site (sitebuild/embed.py,
sitebuild/theme/embed.html) and the headers the host sends them: only the
embed folders may be framed, by anyone; embed.js stays small, unhashed and
briefly cached. In a browser, from another origin: tests/browser/test_embed_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import brotli
import pytest
from contract import RULES
from support.paths import REPO, site_dir

from sitebuild import embed, headers

EMBED_JS_BROTLI_MAX = 2048  # bytes: one line on a partner's page costs little


@pytest.fixture(scope="module")
def site() -> Path:
    site = site_dir()
    if not (site / embed.SCRIPT).is_file():
        pytest.fail(f"no {embed.SCRIPT} in {site}: run `make build` first", pytrace=False)
    return site


def test_only_the_embed_pages_may_be_framed_and_by_anyone(site):
    rules = headers.parse((site / headers.HEADERS_FILE).read_text(encoding="utf-8"))
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    embeds = [p for p in pages if re.fullmatch(r"(?:[a-z]{2}/)?embed/index\.html", p)]
    assert len(embeds) == len(RULES["languages"])
    unknown = ["nope", "en/nope", "faq/nope/deeper", "en/faq/nope", "embed"]
    for path in [*pages, *(p[: -len("index.html")] for p in pages), *unknown]:
        policy = headers.for_path(rules, "/" + path).get("Content-Security-Policy")
        if path.rstrip("/").removesuffix("/index.html").endswith("embed") and path != "embed":
            assert policy == headers.EMBED_CSP, path
        else:
            assert policy == headers.CSP, path
    # the rest of the embed's policy is the site's, word for word
    assert headers.EMBED_CSP == headers.PAGE_CSP + "; frame-ancestors *"


def test_embed_js_is_small_unhashed_and_briefly_cached(site):
    script = (site / embed.SCRIPT).read_bytes()
    size = len(brotli.compress(script, quality=11))
    print(f"\nembed.js: {len(script)} bytes, {size} with Brotli")
    assert size <= EMBED_JS_BROTLI_MAX
    rules = headers.parse((site / headers.HEADERS_FILE).read_text(encoding="utf-8"))
    assert headers.for_path(rules, "/embed.js")["Cache-Control"] == headers.EMBED_CACHE
    assert "immutable" not in headers.EMBED_CACHE


def test_embed_js_names_each_languages_page_and_title_from_the_catalogue(site):
    script = (site / embed.SCRIPT).read_text(encoding="utf-8")
    assert embed.MARKER not in script
    for lang, page in embed.pages(RULES).items():
        assert (site / page["path"] / "index.html").is_file(), lang
        assert f'"title": "{page["title"]}"' in script, lang
        assert page["title"].strip()
    titles = [page["title"] for page in embed.pages(RULES).values()]
    assert len(set(titles)) == len(titles)


def test_the_embed_pages_hold_the_check_alone(site):
    for page in embed.pages(RULES).values():
        text = (site / page["path"] / "index.html").read_text(encoding="utf-8")
        assert "data-selfcheck-root" in text
        assert 'class="fund-notice"' in text
        assert "md-header" not in text and "md-footer" not in text and "md-nav" not in text
        assert "register.js" not in text  # no service worker from a partner's page
        assert "embed-frame.js" in text


def test_the_readme_nginx_example_lets_only_the_embed_pages_be_framed():
    readme = (REPO / "sitebuild" / "DEPLOYING.md").read_text(encoding="utf-8")
    nginx = "\n".join(re.findall(r"```nginx\n(.*?)```", readme, re.DOTALL))
    assert f'"~/embed/" "{headers.EMBED_CSP}";' in nginx
    assert f'"{headers.CSP}"' in nginx
    assert f'"~/embed\\.js$" "{headers.EMBED_CACHE}";' in nginx


def test_the_framing_rules_under_a_sub_path_name_only_the_embed_folders():
    files = [
        "index.html",
        "404.html",
        "embed.js",
        "embed/index.html",
        "myembed/index.html",
        "faq/index.html",
        "assets/site.css",
        "en/index.html",
        "en/404.html",
        "en/embed/index.html",
        "en/faq/index.html",
        "en/docs/embed/index.html",
    ]
    assert headers.embed_folders(files) == ["embed/", "en/embed/"]
    first = headers.Rule("/fonds/*", [("Content-Security-Policy", headers.CSP), ("X", "1")])
    rules = headers.framing_rules([first], files, "/fonds/")
    framed = ["/fonds/embed/", "/fonds/embed/index.html", "/fonds/en/embed/"]
    refused = [
        "/fonds/",
        "/fonds/nope",
        "/fonds/embed",
        "/fonds/myembed/",
        "/fonds/faq/",
        "/fonds/assets/site.css",
        "/fonds/en/",
        "/fonds/en/nope",
        "/fonds/en/faq/",
        "/fonds/en/docs/embed/",
    ]
    for path in framed + refused:
        got = headers.for_path(rules, path)
        assert got["X"] == "1", path  # the other headers of /* stay on every path
        want = headers.EMBED_CSP if path in framed else headers.CSP
        assert got["Content-Security-Policy"] == want, path
    without = headers.framing_rules([first], ["index.html", "faq/index.html"], "/fonds/")
    assert without == [first]


def test_embed_js_loads_on_other_sites_and_everything_else_stays_same_origin(site):
    """A partner's page loads embed.js as a script and the embed pages in a
    frame: Cross-Origin-Resource-Policy: same-origin would make its browser
    refuse them. Every other file keeps it, and every file gets one value (a
    host joins the values of two matching rules)."""
    rules = headers.parse((site / headers.HEADERS_FILE).read_text(encoding="utf-8"))
    shared = re.compile(r"(?:[a-z]{2}/)?embed/.*|" + re.escape(embed.SCRIPT))
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]
    seen = set()
    for path in files:
        if path == headers.HEADERS_FILE or path.endswith((".br", ".gz")):
            continue
        got = headers.for_path(rules, "/" + path).get("Cross-Origin-Resource-Policy")
        want = "cross-origin" if shared.fullmatch(path) else "same-origin"
        assert got == want, path
        seen.add(want)
    assert seen == {"cross-origin", "same-origin"}
