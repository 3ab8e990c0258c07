"""The local server (sitebuild/serve.py) behaves like the production hosts, and
the build's ``_headers`` (sitebuild/headers.py) says what they must send.

Plain HTTP (http.client, no browser) against small sites made here, then
against the built site:

- precompressed files: ``X.br`` / ``X.gz`` next to ``X`` are sent when
  ``Accept-Encoding`` allows them, with ``Content-Encoding``, ``X``'s type and
  ``Vary: Accept-Encoding``;
- a missing path gets the nearest ``404.html`` (the language's own) with status
  404; a folder without ``index.html`` is not listed; ``_headers`` is not served;
- the headers of ``_headers``: the pages' policy with ``frame-ancestors``, the
  worker's own policy, a year of cache for content-hashed paths only, wasm's
  type; ``no-cache`` for everything else;
- the built site's ``_headers`` and the nginx example of sitebuild/DEPLOYING.md carry the same
  policies as the pages' ``<meta>``.
"""

from __future__ import annotations

import gzip
import http.client
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support.paths import REPO, site_dir

from sitebuild import headers
from sitebuild.serve import accepted_encodings, serving

JS = b"export const answer = 42;\n" * 40
BR = b"\x1b\x17 not really brotli, but what the file holds is what is sent"
IMMUTABLE = "public, max-age=31536000, immutable"


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A small site shaped like the real one, with its _headers written by the
    build's own code."""
    root = tmp_path_factory.mktemp("site")
    write(root / "index.html", "<!doctype html><title>accueil</title>")
    write(root / "404.html", "<!doctype html><title>introuvable</title>")
    write(root / "en" / "index.html", "<!doctype html><title>home</title>")
    write(root / "en" / "404.html", "<!doctype html><title>not found</title>")
    write(root / "faq" / "index.html", "<!doctype html><title>faq</title>")
    write(root / "empty" / "note.txt", "a folder without index.html")
    write(root / "app.js", JS)
    write(root / "app.js.br", BR)
    write(root / "app.js.gz", gzip.compress(JS, mtime=0))
    write(root / "style.css", "body{color:red}\n")
    write(root / "style.css.gz", gzip.compress(b"body{color:red}\n", mtime=0))
    write(root / "plain.txt", "no encoded copy\n")
    selfcheck = root / "assets" / "selfcheck"
    write(selfcheck / "worker.js", "postMessage(1);\n")
    write(selfcheck / "boot.js", "// boot\n")
    write(selfcheck / "engine-0123abcd" / "selfcheck-1.0.0-py3-none-any.whl", b"PK")
    write(selfcheck / "pyodide-314.0.7" / "pyodide.asm.wasm", b"\0asm\1\0\0\0")
    write(selfcheck / "rules-1.0.0-89abcdef.json", "{}")
    write(root / "assets" / "javascripts" / "bundle.0f1e2d3c.min.js", "//\n")
    write(root / "_headers", headers.render(headers.rules(root, "/")))
    return root


@pytest.fixture(scope="module")
def base(site) -> str:
    with serving(site) as url:
        yield url


def fetch(base: str, path: str, method: str = "GET", **request_headers):
    """(status, headers, body) of one request, redirects not followed."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        headers_sent = {k.replace("_", "-"): v for k, v in request_headers.items()}
        connection.request(method, path, headers=headers_sent)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


# ---------------------------------------------------------------------------
# Precompressed files


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("br, gzip", "br"),
        ("gzip, deflate, br, zstd", "br"),  # Chromium's
        ("gzip", "gzip"),
        ("x-gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("*", "br"),
        ("*, br;q=0", "gzip"),
        ("gzip;q=0, br;q=0", None),
        ("identity", None),
        ("deflate", None),
        (None, None),
    ],
)
def test_a_precompressed_copy_is_sent_when_the_request_allows_it(base, site, accept, coding):
    extra = {"Accept-Encoding": accept} if accept is not None else {}
    status, got, body = fetch(base, "/app.js", **extra)
    assert status == 200
    assert got["Content-Type"] == "text/javascript"
    assert got["Vary"] == "Accept-Encoding"
    assert got.get("Content-Encoding") == coding
    expected = {"br": BR, "gzip": (site / "app.js.gz").read_bytes(), None: JS}[coding]
    assert body == expected
    assert int(got["Content-Length"]) == len(expected)
    if coding == "gzip":
        assert gzip.decompress(body) == JS


def test_only_the_copies_that_exist_are_offered(base):
    status, got, body = fetch(base, "/style.css", Accept_Encoding="br, gzip")
    assert (status, got["Content-Encoding"], got["Content-Type"]) == (200, "gzip", "text/css")
    assert gzip.decompress(body) == b"body{color:red}\n"
    status, got, body = fetch(base, "/plain.txt", Accept_Encoding="br, gzip")
    assert status == 200 and body == b"no encoded copy\n"
    assert "Content-Encoding" not in got and "Vary" not in got


def test_head_and_not_modified(base):
    status, got, body = fetch(base, "/app.js", "HEAD", Accept_Encoding="gzip")
    assert (status, body, got["Content-Encoding"]) == (200, b"", "gzip")
    status, got, body = fetch(
        base, "/app.js", Accept_Encoding="br", If_Modified_Since=got["Last-Modified"]
    )
    assert (status, body) == (304, b"")
    assert got["Vary"] == "Accept-Encoding"


def test_accept_encoding_is_read_with_its_weights():
    assert accepted_encodings("gzip, deflate, br") == {"gzip", "br"}
    assert accepted_encodings("br;q=0.5, gzip;q=0") == {"br"}
    assert accepted_encodings("*;q=0.1") == {"gzip", "br"}
    assert accepted_encodings("br;q=nonsense") == set()
    assert accepted_encodings("") == set()


# ---------------------------------------------------------------------------
# Not found, no listing


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/nope", "404.html"),
        ("/faq/nope/deeper", "404.html"),
        ("/en/nope", "en/404.html"),
        ("/en/faq/nope", "en/404.html"),
        ("/empty/", "404.html"),  # a folder without index.html: no listing
        ("/empty", "404.html"),
        ("/assets/", "404.html"),
        ("/_headers", "404.html"),  # a host reads it, never serves it
        ("/index.html/", "404.html"),
        ("/%2e%2e/%2e%2e/etc/passwd", "404.html"),
    ],
)
def test_a_missing_path_gets_the_nearest_404_page(base, site, path, page):
    status, got, body = fetch(base, path)
    assert status == 404
    assert body == (site / page).read_bytes()
    assert got["Content-Type"] == "text/html; charset=utf-8"
    assert got["Cache-Control"] == "no-cache"
    assert "frame-ancestors 'none'" in got["Content-Security-Policy"]


def test_a_folder_is_redirected_to_its_slash(base):
    status, got, _ = fetch(base, "/faq?x=1")
    assert (status, got["Location"]) == (301, "/faq/?x=1")
    status, _, body = fetch(base, "/faq/")
    assert (status, body) == (200, b"<!doctype html><title>faq</title>")


def test_without_any_404_page_a_short_text(tmp_path):
    write(tmp_path / "index.html", "<!doctype html>")
    with serving(tmp_path) as url:
        status, got, body = fetch(url, "/nope")
        assert (status, body) == (404, b"404 Not Found\n")
        # No _headers: the defaults only.
        status, got, _ = fetch(url, "/")
        assert (status, got["Cache-Control"]) == (200, "no-cache")
        assert got["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in got
        assert "Permissions-Policy" not in got


# ---------------------------------------------------------------------------
# The headers of _headers


def policies(value: str) -> list[str]:
    """The policies of a Content-Security-Policy header (comma-separated)."""
    return [policy.strip() for policy in value.split(",")]


def test_pages_get_the_policy_with_frame_ancestors(base):
    for path in ("/", "/en/", "/faq/", "/plain.txt"):
        status, got, _ = fetch(base, path)
        assert status == 200
        assert policies(got["Content-Security-Policy"]) == [headers.CSP], path
        assert got["X-Content-Type-Options"] == "nosniff"
        assert got["Cache-Control"] == "no-cache", path


def sent_once(got, name: str) -> str:
    values = got.get_all(name) or []
    assert len(values) == 1, (name, values)
    return values[0]


@pytest.mark.parametrize(
    "path", ["/", "/en/", "/assets/selfcheck/worker.js", "/plain.txt", "/nope", "/faq"]
)
def test_every_response_gets_the_security_headers(base, path):
    """What the MDN HTTP Observatory tests, and the cross-origin policies: each
    header once (a host joins the values of two rules, which would spoil them)."""
    status, got, _ = fetch(base, path)
    assert status in (200, 301, 404), path
    assert sent_once(got, "X-Content-Type-Options") == "nosniff"
    assert sent_once(got, "Referrer-Policy") in (
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    )
    hsts = dict(
        item.strip().partition("=")[::2]
        for item in sent_once(got, "Strict-Transport-Security").split(";")
    )
    assert int(hsts["max-age"]) >= 15_552_000  # six months, the Observatory's minimum
    denied = {
        feature.strip().removesuffix("=()")
        for feature in sent_once(got, "Permissions-Policy").split(",")
        if feature.strip().endswith("=()")
    }
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= denied
    assert "clipboard-write" not in denied  # the share button copies its link
    assert sent_once(got, "Cross-Origin-Opener-Policy") == "same-origin"
    assert sent_once(got, "Cross-Origin-Resource-Policy") == "same-origin"
    policy = policies(got["Content-Security-Policy"])[0]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(directives["script-src"])
    assert "'unsafe-inline'" not in directives["style-src"]


def test_the_worker_gets_its_own_policy(base):
    status, got, _ = fetch(base, "/assets/selfcheck/worker.js?v=0123abcd&rules=x")
    assert status == 200
    assert policies(got["Content-Security-Policy"]) == [headers.CSP, headers.WORKER_CSP]
    assert got["Cache-Control"] == "no-cache"  # its path does not change with it


@pytest.mark.parametrize(
    "path",
    [
        "/assets/selfcheck/engine-0123abcd/selfcheck-1.0.0-py3-none-any.whl",
        "/assets/selfcheck/pyodide-314.0.7/pyodide.asm.wasm",
        "/assets/selfcheck/rules-1.0.0-89abcdef.json",
        "/assets/javascripts/bundle.0f1e2d3c.min.js",
    ],
)
def test_content_hashed_paths_are_cached_for_a_year(base, path):
    status, got, _ = fetch(base, path)
    assert (status, got["Cache-Control"]) == (200, IMMUTABLE)
    assert len(got.get_all("Cache-Control")) == 1


def test_other_paths_are_revalidated(base):
    for path in ("/app.js", "/assets/selfcheck/boot.js?v=0123abcd", "/en/"):
        assert fetch(base, path)[1]["Cache-Control"] == "no-cache", path


def test_wasm_is_served_as_wasm(base):
    status, got, _ = fetch(base, "/assets/selfcheck/pyodide-314.0.7/pyodide.asm.wasm")
    assert status == 200
    assert got.get_all("Content-Type") == ["application/wasm"]


def test_headers_file_round_trip_and_matching():
    rules = headers.parse(
        "# comment\n/*\n  X-A: 1\n\n/docs/:version/*\n  X-A: 2\n  X-B: three: four\n"
    )
    assert headers.parse(headers.render(rules)) == rules
    assert headers.for_path(rules, "/docs/v2/page/") == {"X-A": "1, 2", "X-B": "three: four"}
    assert headers.for_path(rules, "/docs/") == {"X-A": "1"}
    with pytest.raises(ValueError, match="_headers:1: not a header of a path"):
        headers.parse("  X-A: 1\n")
    with pytest.raises(ValueError, match="_headers:3: not a header of a path: 'no-colon'"):
        headers.parse("/a\n  X-A: 1\n  no-colon\n")


def test_paths_follow_the_public_address(site):
    rules = headers.rules(site, headers.site_path("https://example.org/fonds"))
    assert rules[0].pattern == "/fonds/*"
    assert all(rule.pattern.startswith("/fonds/") for rule in rules)
    assert headers.site_path(None) == headers.site_path("https://example.org") == "/"


# ---------------------------------------------------------------------------
# The built site's _headers, and the nginx example of sitebuild/DEPLOYING.md


def built_site() -> Path:
    site = site_dir()
    if not (site / "index.html").exists():
        pytest.fail(
            f"no built site in {site}: run `make build` (mkdocs build --strict) first",
            pytrace=False,
        )
    return site


def test_the_built_headers_say_what_the_pages_say():
    site = built_site()
    rules = headers.parse((site / "_headers").read_text(encoding="utf-8"))
    meta = re.search(
        r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"',
        (site / "index.html").read_text(encoding="utf-8"),
    )
    assert meta, "the home page has no <meta> policy"
    page_policy = meta.group(1).replace("&#39;", "'")
    assert headers.for_path(rules, "/")["Content-Security-Policy"] == (
        f"{page_policy}; frame-ancestors 'none'"
    )
    # The files the self-check page names: a year of cache; the page itself and
    # the scripts it names with ?v= are revalidated.
    page = (site / "autodiagnostic" / "index.html").read_text(encoding="utf-8")
    for attribute in ("data-rules", "data-wheel", "data-lock", "data-stdlib"):
        name = re.search(rf'{attribute}="([^"]*)"', page).group(1)
        path = f"/assets/selfcheck/{name}"
        assert (site / path.lstrip("/")).is_file(), path
        assert headers.for_path(rules, path).get("Cache-Control") == IMMUTABLE, path
    pyodide = re.search(r'data-pyodide="([^"]*)"', page).group(1)
    for wasm in (site / "assets" / "selfcheck" / pyodide).glob("*.wasm"):
        path = "/" + wasm.relative_to(site).as_posix()
        got = headers.for_path(rules, path)
        assert (got["Cache-Control"], got["Content-Type"]) == (IMMUTABLE, "application/wasm")
    for path in ("/autodiagnostic/", "/assets/selfcheck/widget.js", "/assets/selfcheck/boot.js"):
        assert "Cache-Control" not in headers.for_path(rules, path), path
    worker = headers.for_path(rules, "/" + headers.WORKER)["Content-Security-Policy"]
    assert policies(worker) == [headers.CSP, headers.WORKER_CSP]


def test_the_readme_nginx_example_sends_the_same_policies():
    readme = (REPO / "sitebuild" / "DEPLOYING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```nginx\n(.*?)```", readme, re.DOTALL)
    assert blocks, "sitebuild/DEPLOYING.md has no nginx example"
    nginx = "\n".join(blocks)
    assert f'"{headers.CSP}"' in nginx
    assert f'"{headers.WORKER_CSP}"' in nginx
    assert f'"{IMMUTABLE}"' in nginx
    for needed in ("gzip_static on;", "brotli_static on;", "application/wasm", "404.html"):
        assert needed in nginx, needed
    for name, value in headers.SECURITY_HEADERS:
        quoted = f'"{value}"' if " " in value else value
        if name == "Cross-Origin-Resource-Policy":
            # Every path but embed.js, which partners' pages load as a script.
            assert f"add_header {name} $selfcheck_corp always;" in nginx
            assert re.search(r"map \$uri \$selfcheck_corp \{\n    default \"" + value, nginx)
            assert '"~/embed\\.js$" "cross-origin";' in nginx
        else:
            assert f"add_header {name} {quoted} always;" in nginx, name
