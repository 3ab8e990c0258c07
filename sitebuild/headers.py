"""The HTTP headers the site needs from its host, written by the build as
``<site>/_headers`` (the format of Netlify and Cloudflare Pages) and read back
by the local server (sitebuild/serve.py), so that ``make serve`` and the tests
get what production gets.

- ``Content-Security-Policy`` on every response: the policy of the pages'
  ``<meta>`` (sitebuild/theme/main.html; the build checks that they are the
  same) plus ``frame-ancestors 'none'``, which only a header can carry.
- The worker (``assets/selfcheck/worker.js``) gets a policy of its own: a
  worker follows the headers of its script, not the page's ``<meta>``. It
  fetches and compiles Pyodide and loads its modules, nothing else. A host
  that joins the headers of two matching rules (Netlify, Cloudflare) sends it
  both policies; a browser enforces each, so the stricter wins.
- ``Cache-Control: public, max-age=31536000, immutable`` for files whose path
  changes with their content (``IMMUTABLE``: the engine's folder, Pyodide's
  versioned folder, the rules bundle, Material's hashed bundles). Everything
  else — pages, ``boot.js``, ``widget.js``… — keeps the host's default,
  revalidated on every use: a ``?v=<hash>`` query changes the URL a browser
  caches under, but not the path a host's rule matches, and the file at that
  path changes with each build.
- ``SECURITY_HEADERS`` on every response: the MDN HTTP Observatory's tests as
  the reference (``nosniff``, a referrer policy, HSTS), and what a page that
  needs nothing from other sites can refuse (the browser features it never
  uses, a window shared with another origin, its files embedded by another
  origin). A path that must differ (a page others may frame, files others may
  fetch) needs its own rule, and the root's rule must then not name the same
  header for it: a host joins the values of two matching rules.
- ``Content-Type: application/wasm`` for ``.wasm`` (Pyodide does not start
  otherwise).
- The embeddable self-check (``embed/``, ``<lang>/embed/``; sitebuild/embed.py)
  may be framed by any site: the same policy with ``frame-ancestors *``, and
  every other path keeps ``'none'`` (``framing_rules``); ``embed.js`` is cached
  for five minutes (its address is the contract, so it is never hashed).
- The open data (``api/``, sitebuild/api.py) may be read from any origin:
  ``Access-Control-Allow-Origin: *``, and ``application/json`` for its JSON
  files whatever the host guesses.

Paths start with the path of ``site_url`` (``SITE_URL``), the site's place on
its host: ``/`` for a site at a host's root, ``/fonds/`` under a sub-path (then
``_headers`` belongs at the root of what is published: sitebuild/DEPLOYING.md).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError

HEADERS_FILE = "_headers"
# The pages' policy: the <meta> of sitebuild/theme/main.html, word for word.
PAGE_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; style-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
# What a header adds: no page of the site may be framed (clickjacking).
CSP = PAGE_CSP + "; frame-ancestors 'none'"
WORKER = "assets/selfcheck/worker.js"
# The worker: Pyodide's modules (script-src), its downloads — runtime, standard
# library, lock, engine wheel, rules — (connect-src), and compiling its
# WebAssembly ('wasm-unsafe-eval'). Nothing else.
WORKER_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"
# The browser features no page uses, denied to every page and frame of the site
# (the share button's clipboard-write is not among them). Names Chromium knows:
# an unknown one is reported in the console.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# Every response, in this order.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    # No address of the site goes to the sources' sites a reader follows.
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
    # No window of another site keeps a handle on the site's.
    ("Cross-Origin-Opener-Policy", "same-origin"),
    # No other site loads the site's files as its own images, scripts or frames.
    ("Cross-Origin-Resource-Policy", "same-origin"),
    # Two years of HTTPS only, for this host (a browser ignores it over plain
    # HTTP, as make serve sends it).
    ("Strict-Transport-Security", "max-age=63072000"),
)
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
# Paths (from the site root) whose content never changes: a new content gets a
# new path. A folder ends with "/" (its files, at any depth).
IMMUTABLE = (
    re.compile(r"assets/selfcheck/engine-[0-9a-f]{8,}/"),
    re.compile(r"assets/selfcheck/pyodide-[0-9][0-9A-Za-z.+-]*/"),
    re.compile(r"assets/selfcheck/rules-[^/]+-[0-9a-f]{8,}\.json"),
    # Material's bundles (name.<hash8>.min.js|css and their source maps).
    re.compile(
        r"assets/(?:javascripts|stylesheets)/(?:[^/]+/)*[^/]+\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?"
    ),
)
# Files written next to others (sitebuild/bundle.py): the same URL's encodings.
ENCODED_SUFFIXES = (".br", ".gz")
TYPES = {".wasm": "application/wasm"}


class HeadersError(PluginError):
    """The headers and the pages disagree: stops the build."""


@dataclass
class Rule:
    """One block of a ``_headers`` file: a path pattern and its headers."""

    pattern: str
    headers: list[tuple[str, str]] = field(default_factory=list)

    def matches(self, path: str) -> bool:
        return _pattern(self.pattern).fullmatch(path) is not None


def _pattern(pattern: str) -> re.Pattern[str]:
    # "*" matches anything, "/" included; ":name" one path segment.
    parts = re.split(r"(\*|:[A-Za-z_]\w*)", pattern)
    regex = "".join(
        ".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part)
        for part in parts
    )
    return re.compile(regex)


def site_files(site: Path) -> list[str]:
    """Every file of the site, as a path from its root, without the encoded
    copies (``X.br``, ``X.gz`` next to ``X``)."""
    found = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix()
        if relative.endswith(ENCODED_SUFFIXES) and path.with_suffix("").is_file():
            continue
        found.append(relative)
    return found


def rules(site: Path, root: str = "/") -> list[Rule]:
    """The rules for the built site in ``site``, whose public path is ``root``."""
    files = site_files(site)
    result = [Rule(f"{root}*", [("Content-Security-Policy", CSP), *SECURITY_HEADERS])]
    result = framing_rules(result, files, root)
    if WORKER in files:
        result.append(Rule(root + WORKER, [("Content-Security-Policy", WORKER_CSP)]))
    immutable: list[str] = []
    for relative in files:
        for pattern in IMMUTABLE:
            if pattern.pattern.endswith("/"):  # a folder: one rule for all its files
                folder = pattern.match(relative)
                if folder and folder.group(0) + "*" not in immutable:
                    immutable.append(folder.group(0) + "*")
                if folder:
                    break
            elif pattern.fullmatch(relative):
                immutable.append(relative)
                break
    result += [Rule(root + path, [("Cache-Control", IMMUTABLE_CACHE)]) for path in immutable]
    for relative in files:
        content_type = TYPES.get(Path(relative).suffix)
        if content_type:
            result.append(Rule(root + relative, [("Content-Type", content_type)]))
    result += open_data_rules(files, root)
    return result


# The folders of the embeddable self-check (sitebuild/embed.py): the only
# pages another site may frame.
EMBED_FOLDER = "embed/"
EMBED_CSP = PAGE_CSP + "; frame-ancestors *"
EMBED_CACHE = "public, max-age=300"  # embed.js: its address is the contract
EMBED_SCRIPT = "embed.js"


def embed_folders(files: list[str]) -> list[str]:
    """``embed/`` and ``<lang>/embed/`` when they hold a page."""
    found = []
    for path in files:
        parts = path.split("/")
        if parts[-2:] == [EMBED_FOLDER.rstrip("/"), "index.html"] and len(parts) <= 3:
            found.append(path[: -len("index.html")])
    return found


def framing_rules(result: list[Rule], files: list[str], root: str) -> list[Rule]:
    """With embeddable pages, the site's policy can no longer sit on ``/*``:
    Netlify and Cloudflare join the headers of every matching rule, and a
    browser enforces every policy it gets, so a ``frame-ancestors 'none'`` on
    ``/*`` would reach the embed folders too. Then the policy goes on each of
    the site's files and folders but those (and on any unknown name at the
    root and in a language's folder, where 404 pages answer), and the embed
    folders get the same policy with ``frame-ancestors *``."""
    embeds = embed_folders(files)
    if not embeds:
        return result
    first = result[0]
    # Both differ for what other sites use: the embed pages' policy lets them
    # be framed, and embed.js must load as a script on another site's page,
    # which Cross-Origin-Resource-Policy: same-origin would refuse (as it would
    # the embed pages in a frame of a page that requires it, through COEP).
    moved = {"Content-Security-Policy", "Cross-Origin-Resource-Policy"}
    others = [(n, v) for n, v in first.headers if n not in moved]
    resource = [(n, v) for n, v in first.headers if n == "Cross-Origin-Resource-Policy"]
    policy = [("Content-Security-Policy", CSP)]
    rules = [Rule(first.pattern, others)]
    patterns = [root, root + ":name"]
    parents = {embed[: -len(EMBED_FOLDER)] for embed in embeds}  # "" and "en/"
    for parent in sorted(parents - {""}):
        patterns += [root + parent, root + parent + ":name"]
    for path in files:
        parts = path.split("/")
        depth = 2 if parts[0] + "/" in parents else 1
        if len(parts) <= depth:
            continue  # a file at the root or in a language's folder: ":name"
        folder = "/".join(parts[:depth]) + "/"
        if folder not in embeds and root + folder + "*" not in patterns:
            patterns.append(root + folder + "*")
    rules += [
        # ":name" at the root would match embed.js: the root's files are named.
        Rule(pattern, list(policy) + ([] if pattern == root + ":name" else resource))
        for pattern in patterns
    ]
    rules += [
        Rule(root + path, list(resource))
        for path in files
        if "/" not in path and path != EMBED_SCRIPT and resource
    ]
    shared = [(name, "cross-origin") for name, _ in resource]
    rules += [
        Rule(root + embed + "*", [("Content-Security-Policy", EMBED_CSP), *shared])
        for embed in embeds
    ]
    if EMBED_SCRIPT in files:
        rules.append(Rule(root + EMBED_SCRIPT, [("Cache-Control", EMBED_CACHE), *shared]))
    return rules + result[1:]


OPEN_DATA = "api/"
OPEN_DATA_HEADERS = [("Access-Control-Allow-Origin", "*")]


def open_data_rules(files: list[str], root: str) -> list[Rule]:
    """Any site may fetch the open data; its JSON is sent as JSON."""
    if not any(path.startswith(OPEN_DATA) for path in files):
        return []
    return [
        Rule(f"{root}{OPEN_DATA}*", list(OPEN_DATA_HEADERS)),
        Rule(f"{root}{OPEN_DATA}*.json", [("Content-Type", "application/json")]),
    ]


def render(rule_list: list[Rule]) -> str:
    lines = [
        "# Written by the build (sitebuild/headers.py): the HTTP headers of the",
        "# site, for Netlify and Cloudflare Pages. sitebuild/serve.py applies it.",
    ]
    for rule in rule_list:
        lines.append("")
        lines.append(rule.pattern)
        lines += [f"  {name}: {value}" for name, value in rule.headers]
    return "\n".join(lines) + "\n"


def parse(text: str) -> list[Rule]:
    """The rules of a ``_headers`` file: a path at the start of a line, then
    its ``Name: value`` lines, indented; ``#`` starts a comment line."""
    result: list[Rule] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not line[0].isspace():
            result.append(Rule(stripped))
        elif result and ":" in stripped:
            name, _, value = stripped.partition(":")
            result[-1].headers.append((name.strip(), value.strip()))
        else:
            raise ValueError(f"{HEADERS_FILE}:{number}: not a header of a path: {stripped!r}")
    return result


def for_path(rule_list: list[Rule], path: str) -> dict[str, str]:
    """The headers of a request for ``path`` (without its query): those of every
    matching rule, in order, the values of a name given twice joined with ", "
    (as Netlify and Cloudflare Pages do)."""
    headers: dict[str, str] = {}
    for rule in rule_list:
        if rule.matches(path):
            for name, value in rule.headers:
                key = next((k for k in headers if k.lower() == name.lower()), name)
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', re.IGNORECASE)


def write(site_dir: Path, site_url: str | None) -> Path:
    """Write ``<site>/_headers`` for the built site; first check that every page's
    ``<meta>`` policy is ``PAGE_CSP``."""
    site = Path(site_dir)
    problems = []
    for page in sorted(site.rglob("*.html")):
        found = _META.findall(page.read_text(encoding="utf-8", errors="replace"))
        if [html.unescape(value) for value in found] != [PAGE_CSP]:
            where = page.relative_to(site).as_posix()
            problems.append(f"{where}: its <meta> policy is not sitebuild/headers.py's PAGE_CSP")
    if problems:
        raise HeadersError("\n".join(problems))
    target = site / HEADERS_FILE
    target.write_text(render(rules(site, site_path(site_url))), encoding="utf-8")
    return target


def site_path(site_url: str | None) -> str:
    """The path of the public address: ``/fonds/``, or ``/`` without one."""
    path = urlsplit(site_url or "/").path or "/"
    return path if path.endswith("/") else path + "/"
