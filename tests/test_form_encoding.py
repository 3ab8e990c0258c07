"""The share link's encoding (selfcheck/form.py) is urllib.parse.urlencode's,
written out so that the engine does not import urllib.parse in the browser."""

from __future__ import annotations

import urllib.parse

from hypothesis import given
from hypothesis import strategies as st

from selfcheck.form import urlencode

PAIRS = st.lists(st.tuples(st.text(), st.text()), max_size=6)


@given(PAIRS)
def test_the_same_as_urllib(pairs):
    assert urlencode(pairs) == urllib.parse.urlencode(pairs)


def test_what_a_reader_types_reads_back():
    pairs = [("ressources", "15 000 €"), ("statut", "a&b=c+d/é~_.-")]
    encoded = urlencode(pairs)
    assert encoded == "ressources=15+000+%E2%82%AC&statut=a%26b%3Dc%2Bd%2F%C3%A9~_.-"
    assert urllib.parse.parse_qsl(encoded) == pairs
