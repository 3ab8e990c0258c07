"""The fund is data to the end: what the code once knew of it comes from the
rules file and the word catalogues.

- the operators the schema lets a rules file write are the engine's;
- an amount's unit is a currency because it is written as one (ISO 4217),
  not because the code knows one currency;
- a boolean's form value (share links, radio buttons) is the catalogue's word
  in the rules' first language;
- the pages the site links to are named by the rules;
- a parameter worked out from two dates is checked against them.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qsl

import pytest
from contract import RULES, RULES_PATH

from selfcheck import loader, words
from selfcheck.conditions import OPERATORS
from selfcheck.form import answers_from_form, boolean_values, fragment
from selfcheck.formatting import format_money, format_quantity

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
