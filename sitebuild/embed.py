"""The embeddable self-check: ``<site>/embed.js``, the one line a partner's
page includes (sitebuild/web/embed.js, with each language's page and frame
title filled in from the rules and the word catalogue). Its address is the
contract: never content-hashed, served with a short cache (sitebuild/headers.py).
The pages it frames are docs/<lang>/embed.md (sitebuild/theme/embed.html).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from selfcheck import words
from selfcheck.formatting import render_text
from selfcheck.ruleset import Rules
from sitebuild.bundle import WEB, BuildError

SCRIPT = "embed.js"  # at the site's root
PAGE = "embed/"  # each language's page, under the language's folder
MARKER = "/* pages */ {}"


def pages(rules: Rules) -> dict[str, Any]:
    """Each language's embed page (from the site root) and its frame's title;
    the first language is the site's default, at the root."""
    found = {}
    for index, lang in enumerate(rules["languages"]):
        name = render_text(
            rules, rules["short_name"] if "short_name" in rules else rules["name"], lang
        )
        found[lang] = {
            "path": PAGE if index == 0 else f"{lang}/{PAGE}",
            "title": words.text(lang, "embed.frame_title", name=name),
        }
    return found


def script(rules: Rules) -> str:
    source = (WEB / SCRIPT).read_text(encoding="utf-8")
    if source.count(MARKER) != 1:
        raise BuildError(f"sitebuild/web/{SCRIPT} must hold {MARKER!r} once")
    return source.replace(MARKER, json.dumps(pages(rules), ensure_ascii=False))


def write(site_dir: Path, rules: Rules) -> Path:
    target = Path(site_dir) / SCRIPT
    text = script(rules)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target
