"""The fund is data to the end: what the code once knew of it comes from the
rules file and the word catalogues.

- the operators the schema lets a rules file write are the engine's;
- an amount's unit is a currency because it is written as one (ISO 4217),
  not because the code knows one currency;
- a boolean's form value (share links, radio buttons) is the catalogue's word
  in the rules' first language;
- the pages the site links to are named by the rules;
- a parameter worked out from two dates is checked against them;
- the period those two dates bound is written from them ({start.month},
  {{ param.start.month }}), never typed again in a rules text or a page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import parse_qsl

import pytest
from contract import RULES, RULES_PATH
from support.paths import IMAGINARY_RULES, REPO

from selfcheck import loader, words
from selfcheck.conditions import OPERATORS
from selfcheck.form import answers_from_form, boolean_values, fragment
from selfcheck.formatting import (
    format_date,
    format_money,
    format_month,
    format_quantity,
    render_text,
)

LANGS = tuple(RULES["languages"])


def test_the_schema_allows_exactly_the_engines_operators():
    condition = loader.schema()["$defs"]["condition"]
    assert condition["properties"]["op"]["enum"] == list(OPERATORS)


@pytest.mark.parametrize("lang", LANGS)
def test_a_unit_written_as_a_currency_code_is_money(lang):
    currency = RULES["amount"]["currency"]
    assert format_quantity(1500, currency, lang) == format_money(1500, currency, lang)
    # a currency no catalogue knows: still money, in the catalogue's fallback
    assert format_quantity(1500, "XTS", lang) == format_money(1500, "XTS", lang)
    assert "XTS" in format_quantity(1500, "XTS", lang)
    assert format_quantity(1500, "days", lang) != format_money(1500, "days", lang)


def _a_boolean_question(rules: dict) -> str:
    return next(q["id"] for q in rules["questions"] if q["type"] == "boolean")


@pytest.mark.parametrize("first", LANGS)
def test_a_booleans_form_value_is_the_first_languages_word(first):
    rules = dict(RULES, languages=[first, *(lang for lang in LANGS if lang != first)])
    said = words.entry(first, "form_values")
    assert boolean_values(rules) == {said["true"]: True, said["false"]: False}
    key = _a_boolean_question(rules)
    for value in (True, False):
        for lang in LANGS:  # the same link whatever language the page speaks
            pairs = dict(parse_qsl(fragment(rules, {key: value}, lang)))
            assert pairs == {key: said["true" if value else "false"]}
            assert answers_from_form(rules, pairs) == {key: value}


def test_the_catalogues_form_values_are_distinct_words():
    for lang in words.languages():
        said = words.entry(lang, "form_values")
        assert set(said) == {"true", "false"}
        assert said["true"] != said["false"]


def test_the_pages_linked_to_are_the_rules():
    from sitebuild import pages

    renamed = json.loads(json.dumps(RULES))
    renamed["pages"] = {"criteria": "conditions-x.md", "sources": "references-x.md"}
    for lang in LANGS:
        criteria = pages.criteria_markdown(renamed, lang)
        assert "](references-x.md#" in criteria
        assert f"]({RULES['pages']['sources']}#" not in criteria
        cited = json.dumps(pages.citations(renamed, lang), ensure_ascii=False)
        assert "](conditions-x.md#" in cited
        assert f"]({RULES['pages']['criteria']}#" not in cited


def _days(rules: dict, name: str) -> int:
    first, last = (
        dt.date.fromisoformat(rules["parameters"][p]["value"])
        for p in rules["parameters"][name]["days_inclusive"]
    )
    return (last - first).days + 1


def test_a_count_of_days_agrees_with_its_dates():
    derived = [n for n, p in RULES["parameters"].items() if "days_inclusive" in p]
    assert derived, "the rules work out no parameter from dates"
    text = RULES_PATH.read_text(encoding="utf-8")
    for name in derived:
        count = _days(RULES, name)
        assert RULES["parameters"][name]["value"] == count
        wrong = text.replace(f"value: {count}\n", f"value: {count + 1}\n", 1)
        assert wrong != text
        with pytest.raises(loader.RulesError) as refused:
            loader.load_text(wrong, "rules.yaml")
        assert f"parameters.{name}.value: {count + 1} is not the {count:,} days" in str(
            refused.value
        )


# ---------------------------------------------------------------------------
# The period: written from its two dates, never typed again

# Someone's words, between quotation marks (« … », “ … ”, "…"): what a source
# said of the period stays as it said it.
QUOTED_WORDS = re.compile(r'«[^»]*»|“[^”]*”|"[^"\n]*"')


def _periods(rules):
    """The rules' periods: each pair of dates a count of days is worked out
    from, as (start, end) parameter names."""
    return [
        tuple(param["days_inclusive"])
        for param in rules["parameters"].values()
        if "days_inclusive" in param
    ]


def _typed_out(rules, lang):
    """A pattern that finds a period typed out in ``lang``: each end written
    as a date or as its month (« septembre 2019 et février 2020 », « 1er
    septembre 2019 au 29 février 2020 »), a few words apart."""
    ways = []
    for period in _periods(rules):
        ends = [
            [
                re.escape(write(rules["parameters"][name]["value"], lang)).replace(r"\ ", r"\s+")
                for write in (format_date, format_month)
            ]
            for name in period
        ]
        ways += [rf"{a}\W+(?:\w+\W+){{0,2}}?{b}" for a in ends[0] for b in ends[1]]
    return re.compile("|".join(ways), re.IGNORECASE)


def _texts(node, langs):
    """Every translatable text of a rules file, as ``{lang: string}``."""
    texts = isinstance(node, dict) and node and set(node) <= set(langs)
    if texts and all(isinstance(v, str) for v in node.values()):
        yield node
        return
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _texts(child, langs)


# Each fund with its pages: the imaginary one bounds a period of its own.
FUNDS = [
    pytest.param(path, docs, id=path.stem)
    for path, docs in [
        (RULES_PATH, REPO / "docs"),
        (IMAGINARY_RULES, REPO / "tests" / "fixtures" / "imaginary-site" / "docs"),
    ]
]


@pytest.mark.parametrize(("rules_path", "docs"), FUNDS)
def test_no_text_types_the_period_again(rules_path, docs):
    rules = loader.load(rules_path)
    periods = _periods(rules)
    assert periods, "the rules work out no count of days from a period"
    langs = rules["languages"]
    typed_out = {lang: _typed_out(rules, lang) for lang in langs}
    texts = list(_texts(rules, langs))
    # Not blind: the texts written from the dates hold the period once rendered.
    for lang in langs:
        assert any(typed_out[lang].search(render_text(rules, t, lang)) for t in texts), lang
    typed = [
        f"{rules_path.name} ({lang}): {match.group(0)!r}"
        for text in texts
        for lang, string in text.items()
        for match in [typed_out[lang].search(QUOTED_WORDS.sub("", string))]
        if match
    ]
    for path in sorted(docs.rglob("*.md")):
        markdown = QUOTED_WORDS.sub("", path.read_text(encoding="utf-8"))
        typed += [
            f"{path.relative_to(REPO)}: {match.group(0)!r}"
            for pattern in typed_out.values()
            for match in pattern.finditer(markdown)
        ]
    start, end = periods[0]
    assert not typed, (
        f"a period typed by hand: write it from its dates ({{{start}.month}} … "
        f"{{{end}.month}} in the rules, {{{{ param.{start}.month }}}} … in a page):\n  "
        + "\n  ".join(typed)
    )
