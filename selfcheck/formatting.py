"""Numbers, amounts, dates and texts written in the reader's language.

The one place where the project formats a value for people: the command line,
the generated pages and the self-check widget (through the engine's
``display`` strings, in Pyodide) all call these functions. The conventions of
each language (separators, currency pattern, month names, French spacing) are
in its catalogue (``selfcheck/locales/<lang>.json``). Standard library only.
"""

from __future__ import annotations

import decimal
import functools
import math
import re
from collections.abc import Callable
from typing import Any

from . import words
from .ruleset import Rules, Source
from .words import typeset

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z]+)?)\}")
# A unit written as an ISO 4217 code (EUR, CHF…) is a currency: its amounts are
# money, written with the catalogue's pattern for that currency.
_CURRENCY = re.compile(r"[A-Z]{3}")


def _format(lang: str) -> dict[str, Any]:
    conventions: dict[str, Any] = words.entry(lang, "format")
    return conventions


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def format_number(value: Any, lang: str, decimals: int | None = None, grouping: bool = True) -> str:
    """``25000`` → ``25 000`` (fr) / ``25,000`` (en); ``12.5`` → ``12,5`` / ``12.5``.

    ``decimals``: a fixed number of decimals (amounts: 2 when not whole);
    otherwise as many as the value needs."""
    conventions = _format(lang)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, float) and value.is_integer() and decimals is None:
        value = int(value)
    if isinstance(value, int):
        sign, whole, fraction = ("-" if value < 0 else ""), str(abs(value)), ""
    else:
        exact = decimal.Decimal(repr(abs(value)))  # the shortest digits that read back
        text = f"{exact:.{decimals}f}" if decimals is not None else f"{exact:f}"
        whole, _, fraction = text.partition(".")
        sign = "-" if value < 0 else ""
    if grouping:
        whole = _group(whole, conventions["group"])
    return sign + whole + (conventions["decimal"] + fraction if fraction else "")


def format_money(value: Any, currency: str, lang: str) -> str:
    """``300`` → ``300 €`` (fr) / ``€300`` (en); cents only when there are some."""
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    number = format_number(value, lang, decimals=None if whole else 2)
    pattern = _format(lang)["money"].get(currency, "{number} " + currency)
    return words.fill(pattern, number=number)


def format_date(value: Any, lang: str) -> str:
    """``2020-04-08`` → ``8 avril 2020`` / ``8 April 2020``; ``2020-04`` → ``avril 2020``."""
    conventions = _format(lang)
    parts = str(value).split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return str(value)
    months = conventions["months"]
    if len(numbers) >= 2 and 1 <= numbers[1] <= len(months):
        month = months[numbers[1] - 1]
        if len(numbers) == 3:
            day = conventions["first_day"] if numbers[2] == 1 else str(numbers[2])
            return words.fill(conventions["date"], day=day, month=month, year=parts[0])
        return words.fill(conventions["month_year"], month=month, year=parts[0])
    return str(value)


def format_month(value: Any, lang: str) -> str:
    """``2024-03-15`` → ``mars 2024`` / ``March 2024``: a date's month
    and year, the day left out."""
    return format_date("-".join(str(value).split("-")[:2]), lang)


def source_name(source: Source, lang: str) -> str:
    """A source as the pages and results name it: « Le Journal, 8 avril 2020 »,
    or its outlet alone when its date was not recorded."""
    if source.get("date") is None:
        return source["outlet"]
    return words.text(
        lang, "pages.outlet_date", outlet=source["outlet"], date=format_date(source["date"], lang)
    )


def format_quantity(value: Any, unit: str | None, lang: str) -> str:
    """A value with its unit: an amount, a date, a year or a plain number."""
    if unit is not None and _CURRENCY.fullmatch(unit):
        return format_money(value, unit, lang)
    if unit == "date":
        return format_date(value, lang)
    if unit == "year" or isinstance(value, str):
        return str(value)
    return format_number(value, lang)


def quote(text: str, lang: str) -> str:
    """``text`` between the language's quotation marks."""
    return words.fill(_format(lang)["quote"], text=text)


def join_or(items: list[str], lang: str) -> str:
    """``a ou b ou c`` / ``a or b or c``."""
    return str(_format(lang)["or"]).join(items)


def colon(lang: str) -> str:
    """What goes between a label and its value: `` :`` in French, ``:`` in English."""
    return str(_format(lang)["colon"])


# The other forms a parameter may be written in, by its unit: ``{NAME.FORM}``
# in a text. A date as its month and year (« mars 2024 »): a period that
# the sources give in months only is written from the dates it is read as.
FORMS: dict[str, dict[str, Callable[[Any, str], str]]] = {"date": {"month": format_month}}


def parameter_texts(rules: Rules, lang: str) -> dict[str, Any]:
    """Every parameter of the rule set, formatted for ``lang`` (worked out once
    per set of values: every text of a result asks for them)."""
    given = tuple(
        (name, param["value"], param.get("unit"))
        for name, param in rules.get("parameters", {}).items()
    )
    try:
        return dict(_parameter_texts(given, lang))
    except TypeError:  # a value that cannot be a key (a list): formatted each time
        return dict(_parameter_texts.__wrapped__(given, lang))


@functools.lru_cache(maxsize=64)
def _parameter_texts(given: tuple[Any, ...], lang: str) -> tuple[Any, ...]:
    texts = []
    for name, value, unit in given:
        texts.append((name, format_quantity(value, unit, lang)))
        texts += [
            (f"{name}.{form}", write(value, lang)) for form, write in FORMS.get(unit, {}).items()
        ]
    return tuple(texts)


def render_text(
    rules: Rules, text: dict[str, Any], lang: str, values: dict[str, Any] | None = None
) -> str:
    """A ``{fr: …, en: …}`` text of the rules in ``lang``, its ``{parameter}``
    (and ``{parameter.form}``) placeholders replaced by the formatted values,
    typeset."""
    values = values if values is not None else parameter_texts(rules, lang)
    rendered = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text[lang])
    return typeset(rendered, lang)


# ---------------------------------------------------------------------------
# Values quoted back in messages (errors of answers, of rules files)

QUOTED_VALUE_MAX = 80  # characters of a value quoted back: a 50 MB value never is whole


def cut(text: str, limit: int = QUOTED_VALUE_MAX) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(value: object, limit: int = QUOTED_VALUE_MAX) -> str:
    """A value as a message quotes it: its repr, cut to ``limit``; never
    raises (an int too long to write, a list too deep: its type's name)."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return cut(text, limit)
