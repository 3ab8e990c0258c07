"""Numbers as people type them, read the same way in every language.

``read_number("25 000 €", "EUR")`` → ``25000``. The one reader of typed numbers:
the command line's ``ask`` and the self-check widget (in Pyodide) both use it.

The rules (selfcheck/README.md, "Numbers as people write them"):

- spaces of any kind group digits (``25 000``, ``25 000``); a unit word of the
  question may stand before or after the number (``25000 euros``, ``€25,000``,
  ``7 jours``), in any language of the catalogues;
- a ``.`` or ``,`` followed by exactly three digits, after a first group of one to
  three digits, groups thousands (``25,000`` and ``25.000`` are both 25 000);
  otherwise it is the decimal separator (``12,5``, ``0,125``, ``12.50``);
- with both signs, the last one is the decimal separator (``25,000.50``,
  ``25.000,50``).

Anything else is not a number: the caller keeps the text, and the engine says
what is wrong with it (``not_a_number``). Standard library only.
"""

from __future__ import annotations

import decimal
import functools
import re

from . import words

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
_MINUS = "-\u2212"
_BODY = re.compile(r"[0-9.,]+")


@functools.cache
def _unit_words(unit: str) -> tuple[str, ...]:
    """Every spelling of ``unit`` that the catalogues accept, longest first."""
    spellings: set[str] = set()
    for lang in words.languages():
        units = words.entry(lang, "units")
        spellings.update(s.lower() for s in units.get(unit, {}).get("accept", ()))
    return tuple(sorted(spellings, key=len, reverse=True))


def _strip_unit(text: str, unit: str | None) -> str:
    """``text`` without a unit word of ``unit`` at either end."""
    lowered = text.lower()
    for spelling in _unit_words(unit) if unit else ():
        before = lowered[-len(spelling) - 1 : -len(spelling)]
        if lowered.endswith(spelling) and not (spelling[0].isalpha() and before.isalpha()):
            return text[: -len(spelling)].strip()
        after = lowered[len(spelling) : len(spelling) + 1]
        if lowered.startswith(spelling) and not (spelling[-1].isalpha() and after.isalpha()):
            return text[len(spelling) :].strip()
    return text


def _valid_groups(groups: list[str]) -> bool:
    first, rest = groups[0], groups[1:]
    return (
        1 <= len(first) <= 3
        and (first[0] != "0" or (first == "0" and not rest))
        and all(len(g) == 3 and g.isdigit() for g in rest)
        and first.isdigit()
    )


def _canonical(body: str) -> str | None:
    """``body`` (digits, ``.`` and ``,``, no space) as ``digits[.digits]``, or
    None when it is not a number."""
    if not _BODY.fullmatch(body):
        return None
    dots, commas = body.count("."), body.count(",")
    if dots and commas:
        decimal_sign = "." if body.rfind(".") > body.rfind(",") else ","
        group_sign = "," if decimal_sign == "." else "."
    elif dots + commas == 0:
        decimal_sign = group_sign = ""
    else:
        sign = "." if dots else ","
        parts = body.split(sign)
        thousands = len(parts) > 2 or (len(parts[1]) == 3 and _valid_groups(parts))
        decimal_sign, group_sign = ("", sign) if thousands else (sign, "")
    if decimal_sign and body.count(decimal_sign) > 1:
        return None
    whole, _, fraction = body.partition(decimal_sign) if decimal_sign else (body, "", "")
    groups = whole.split(group_sign) if group_sign else [whole]
    if group_sign and not _valid_groups(groups):
        return None
    whole = "".join(groups)
    if not whole and not fraction:
        return None
    if not (whole + fraction).isdigit():
        return None
    return f"{whole or '0'}.{fraction}" if fraction else whole


def _spaced(pieces: list[str]) -> str | None:
    """A number written with spaces between its groups (``25 000``, ``1 234,5``):
    the last group may carry the decimals."""
    last, fraction = pieces[-1], ""
    for sign in ".,":
        if sign in last:
            last, _, fraction = last.partition(sign)
            if not fraction.isdigit():
                return None
            break
    groups = [*pieces[:-1], last]
    if not _valid_groups(groups):
        return None
    whole = "".join(groups)
    return f"{whole}.{fraction}" if fraction else whole


def read_number(text: str, unit: str | None = None) -> int | float | None:
    """The number ``text`` stands for: an ``int`` when it has no decimals, else a
    ``float`` (infinite when too large); None when it is not a number."""
    text = _strip_unit(text.strip(), unit)
    negative = text[:1] in _MINUS
    if text[:1] in _MINUS + "+":
        text = text[1:].lstrip()
    pieces = [p for p in _SPACES.split(text) if p]
    if not pieces:
        return None
    canonical = _canonical(pieces[0]) if len(pieces) == 1 else _spaced(pieces)
    if canonical is None:
        return None
    value: int | float
    try:
        value = float(canonical) if "." in canonical else int(canonical)
    except ValueError:  # more digits than Python reads as an int: infinite, as a float
        value = float("inf")
    return -value if negative else value


def write_number(value: int | float, lang: str) -> str:
    """``value`` written so that ``read_number`` reads it back exactly, in the
    notation of ``lang`` and without grouping (share links, restored fields):
    ``12``, ``4999,5`` (fr), ``4999.5`` (en), ``1,1250`` (a decimal with three
    digits gets a fourth, or it would read as thousands)."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        value = int(value)
    if isinstance(value, int):
        return str(value)
    whole, _, fraction = f"{decimal.Decimal(repr(value)):f}".partition(".")
    if len(fraction) == 3:
        fraction += "0"
    if not fraction:
        return whole
    return whole + str(words.entry(lang, "format.decimal")) + fraction
