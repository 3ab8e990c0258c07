"""The word catalogues (selfcheck/locales/): complete in every language, every
key the code asks for present, and the formatting and parsing of numbers,
amounts and dates they drive (expectations written by hand)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.paths import REPO

from selfcheck import words
from selfcheck.formatting import format_date, format_money, format_number, typeset
from selfcheck.parsing import read_number, write_number

NBSP, NNBSP = "\u00a0", "\u202f"


def _keys(node, prefix="") -> set[str]:
    if not isinstance(node, dict):
        return {prefix}
    keys = set()
    for key, value in node.items():
        keys |= _keys(value, f"{prefix}.{key}" if prefix else key)
    return keys


def _fields(node) -> set[str]:
    if isinstance(node, dict):
        return set().union(*map(_fields, node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*map(_fields, node)) if node else set()
    return set(re.findall(r"\{([a-z_]+)\}", str(node)))


def test_every_catalogue_has_the_same_keys_and_fields():
    langs = words.languages()
    assert len(langs) >= 2
    reference = words.catalogue(langs[0])
    for lang in langs[1:]:
        other = words.catalogue(lang)
        assert _keys(other) == _keys(reference), lang
        for key in _keys(reference):
            a, b = words.entry(langs[0], key), words.entry(lang, key)
            assert _fields(a) == _fields(b), f"{key}: {{fields}} differ in {lang}"


# words.text("x.y"), t("x.y"), say("x.y"), and f"statuses.{…}" prefixes in the code
USES = re.compile(
    r"""(?:(?<![.\w])t|\.text|\bsay|\bhas|\bentry)\(\s*(?:lang,\s*)?["']([a-z_]+(?:\.[a-z_]+)+)["']"""
)


def test_every_key_the_code_asks_for_exists():
    sources = [*REPO.joinpath("selfcheck").rglob("*.py"), *REPO.joinpath("sitebuild").rglob("*.py")]
    sources += [
        *REPO.joinpath("sitebuild").rglob("*.html"),
        *REPO.joinpath("sitebuild").rglob("*.md"),
    ]
    used = set()
    for path in sources:
        used |= set(USES.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 30
    for lang in words.languages():
        missing = sorted(k for k in used if not words.has(lang, k))
        assert not missing, f"selfcheck/locales/{lang}.json lacks {missing}"


def test_catalogues_are_tidy_json():
    for path in sorted((REPO / "selfcheck" / "locales").glob("*.json")):
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2) + "\n", path


def test_unknown_language():
    with pytest.raises(words.UnknownLanguage):
        words.catalogue("xx")
    with pytest.raises(KeyError, match=r"widget\.nope"):
        words.text("fr", "widget.nope")


# ---------------------------------------------------------------------------
# Formatting


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (25000, "fr", f"25{NNBSP}000"),
        (25000, "en", "25,000"),
        (1234567.5, "fr", f"1{NNBSP}234{NNBSP}567,5"),
        (12.0, "en", "12"),
        (-3, "fr", "-3"),
        (1e-7, "en", "0.0000001"),
        (999, "fr", "999"),
    ],
)
def test_format_number(value, lang, shown):
    assert format_number(value, lang) == shown


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        (300, "fr", f"300{NBSP}€"),
        (300, "en", "€300"),
        (25000, "fr", f"25{NNBSP}000{NBSP}€"),
        (25000.0, "en", "€25,000"),
        (4999.5, "fr", f"4{NNBSP}999,50{NBSP}€"),
        (0.5, "en", "€0.50"),
    ],
)
def test_format_money(value, lang, shown):
    assert format_money(value, "EUR", lang) == shown


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        ("2020-04-08", "fr", "8 avril 2020"),
        ("2020-04-01", "fr", "1er avril 2020"),
        ("2020-04-01", "en", "1 April 2020"),
        ("2019-09", "en", "September 2019"),
        ("2019", "fr", "2019"),
        ("not a date", "en", "not a date"),
    ],
)
def test_format_date(value, lang, shown):
    assert format_date(value, lang) == shown


def test_french_spacing():
    assert (
        typeset("Oui : vraiment ? « ceci »", "fr")
        == f"Oui{NBSP}: vraiment{NBSP}? «{NBSP}ceci{NBSP}»"
    )
    assert typeset("Yes: really?", "en") == "Yes: really?"
    assert words.text("fr", "widget.copy_failed").startswith(f"Copie impossible{NBSP}:")


# ---------------------------------------------------------------------------
# Parsing what people type


@pytest.mark.parametrize(
    ("typed", "unit", "value"),
    [
        ("12", None, 12),
        ("25 000", "EUR", 25000),
        (f"25{NBSP}000", "EUR", 25000),
        (f"25{NNBSP}000", "EUR", 25000),
        ("25,000", "EUR", 25000),
        ("25.000", "EUR", 25000),
        ("25 000 €", "EUR", 25000),
        ("25000 euros", "EUR", 25000),
        ("€25,000", "EUR", 25000),
        ("EUR 25 000", "EUR", 25000),
        ("1.000.000", "EUR", 1000000),
        ("25,000.50", "EUR", 25000.5),
        ("25.000,50", "EUR", 25000.5),
        ("12,5", None, 12.5),
        ("12.50", None, 12.5),
        ("0,125", None, 0.125),
        (".5", None, 0.5),
        ("-5", None, -5),
        ("7 jours", "days", 7),
        ("7 days", "days", 7),
        ("7j", "days", 7),
    ],
)
def test_read_number(typed, unit, value):
    got = read_number(typed, unit)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    "typed", ["", "douze", "1 2", "1,2.3", "1.000.00", "1e5", "12 jours", "--5", "12 €", "½"]
)
def test_not_a_number(typed):
    assert read_number(typed) is None


def test_a_huge_number_reads_as_infinity_or_a_big_integer():
    assert read_number("9" * 400) == int("9" * 400)
    assert read_number("9" * 400 + ",5") == float("inf")


@settings(max_examples=300, derandomize=True)
@given(
    value=st.one_of(
        st.integers(min_value=-(10**15), max_value=10**15),
        st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    ),
    lang=st.sampled_from(words.languages()),
)
def test_write_number_reads_back_exactly(value, lang):
    written = write_number(value, lang)
    assert read_number(written) == value
