"""Every built page through the Nu Html Checker (npm's ``vnu-jar``, run by Debian's
headless Java runtime): no error, and no warning but those reviewed below.

One Java process checks every ``.html`` file of the built site (the pages, both
404 pages), as files. Reviewed warnings, each allowed only in the form it was
reviewed in:

- "Resource violates Content Security Policy (meta tag)" for the site's own
  scripts and styles (a relative or root-relative address): a file checked
  from disk has no origin, so ``'self'`` matches nothing; served, they are the
  page's own origin (the browser tests load every page under this policy with
  no violation).
- "Inline script violates Content Security Policy" for a
  ``<script type="application/json">`` (Material's ``__config``, the widget's
  word catalogue): a data block, which a browser never runs, so the policy does
  not apply to it.

RGAA 4.1: 8.2
(the criteria of sitebuild/rgaa-4.1.yaml whose method names this module's tests).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support.paths import REPO, site_dir

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# The site's own files, as the pages name them: no scheme, no host.
OWN_RESOURCE = re.compile(
    r"^Resource violates Content Security Policy \(meta tag\): external "
    r"(?:script|stylesheet) “(?![a-z][a-z0-9+.-]*:|//)[^”]+” blocked by “(?:script|style)-src” "
    r"directive\.$"
)
INLINE_SCRIPT = "Inline script violates Content Security Policy (meta tag)"
DATA_BLOCK = re.compile(r'<script(?: id="[^"]*")? type="application/json"(?: id="[^"]*")?>')


def built_site() -> Path:
    site = site_dir()
    if not (site / "index.html").exists():
        pytest.fail(
            f"no built site in {site}: run `make build` (mkdocs build --strict) first",
            pytrace=False,
        )
    return site


def reviewed(message: dict) -> bool:
    """A warning reviewed in the module's docstring."""
    text = message["message"]
    if OWN_RESOURCE.match(text):
        return True
    return text.startswith(INLINE_SCRIPT) and bool(DATA_BLOCK.search(message.get("extract", "")))


def where(message: dict, site: Path) -> str:
    url = message.get("url", "")
    path = url.removeprefix("file:").removeprefix(str(site)).lstrip("/")
    return f"{path}:{message.get('lastLine', '?')}: {message['message']}"


def test_every_page_is_valid_html():
    site = built_site()
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "no java: apt-get install default-jre-headless (.ci/run installs it)", pytrace=False
        )
    if not VNU.is_file():
        pytest.fail(f"{VNU} is missing: run `make setup` (npm ci)", pytrace=False)
    pages = sorted(str(path) for path in site.rglob("*.html"))
    assert len(pages) > 10, pages
    run = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--exit-zero-always", *pages],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(run.stderr)["messages"]
    errors = [where(m, site) for m in messages if m["type"] in ("error", "non-document-error")]
    warnings = [
        where(m, site)
        for m in messages
        if m["type"] == "info" and m.get("subType") == "warning" and not reviewed(m)
    ]
    assert not errors, f"{len(errors)} error(s):\n  " + "\n  ".join(errors)
    assert not warnings, f"{len(warnings)} warning(s) not reviewed:\n  " + "\n  ".join(warnings)
