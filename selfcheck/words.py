"""The interface words: one catalogue per language, ``selfcheck/locales/<lang>.json``.

Every word the command line, the generated pages, the self-check widget and the
engine's messages show comes from these files (the fund's own words come from
its rules file). Standard library only: the same module runs in Pyodide, where
the catalogues travel inside the engine's wheel.

A catalogue is nested JSON; ``text(lang, "widget.share")`` reads one entry and
fills its ``{name}`` fields. Adding a language is one more file here (see
CONTRIBUTING.md).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).resolve().parent / "locales"
_FIELD = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_SPACE_BEFORE = re.compile(r"[ \t]+([:;?!»])")
_SPACE_AFTER = re.compile(r"«[ \t]+")


class UnknownLanguage(LookupError):
    """No catalogue for this language."""


@functools.cache
def languages() -> tuple[str, ...]:
    """The languages that have a catalogue, sorted."""
    return tuple(sorted(path.stem for path in LOCALES.glob("*.json")))


@functools.cache
def catalogue(lang: str) -> dict[str, Any]:
    """The whole catalogue of one language (cached; do not modify it)."""
    if lang not in languages():
        raise UnknownLanguage(lang)
    loaded: dict[str, Any] = json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
    return loaded


def entry(lang: str, key: str) -> Any:
    """One entry by its dotted key ("widget.share"): a string, list or dict.
    A missing key is a KeyError naming the key and the language."""
    node: Any = catalogue(lang)
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"{key!r} is missing from selfcheck/locales/{lang}.json")
        node = node[part]
    return node


def has(lang: str, key: str) -> bool:
    """Whether the catalogue of ``lang`` holds ``key``."""
    try:
        entry(lang, key)
    except KeyError:
        return False
    return True


def fill(template: str, **values: object) -> str:
    """Replace each ``{name}`` of ``template`` by ``values[name]`` (other text,
    braces included, is left as it is)."""
    return _FIELD.sub(
        lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template
    )


def typeset(text: str, lang: str) -> str:
    """French punctuation keeps its space unbreakable (`` :``, `` ?``, ``« … »``),
    so that no line on a phone starts with a lone sign. Other languages: as is."""
    if not entry(lang, "format").get("french_spacing"):
        return text
    return _SPACE_AFTER.sub("«\u00a0", _SPACE_BEFORE.sub("\u00a0\\1", text))


def text(lang: str, key: str, **values: object) -> str:
    """One string of the catalogue, its ``{name}`` fields filled from ``values``,
    typeset for the language."""
    value = entry(lang, key)
    if not isinstance(value, str):
        raise KeyError(f"{key!r} in selfcheck/locales/{lang}.json is not a string")
    return typeset(fill(value, **values), lang)
