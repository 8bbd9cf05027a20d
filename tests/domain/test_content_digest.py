"""The content digest recorded in ``item.post`` audit records: its encoding is part of the
audit format (verification recomputes it), so it is pinned here."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from bcm.domain.audit import content_digest


def _by_the_definition(text: str, paragraphs: list[tuple[str, str]]) -> str:
    # each part length-prefixed as ``<bytes>:<utf-8>``: text, then each mark and paragraph
    parts = [text, *(piece for pair in paragraphs for piece in pair)]
    encoded = b"".join(b"%d:%b" % (len(p.encode()), p.encode()) for p in parts)
    return hashlib.sha256(encoded).hexdigest()


def test_a_known_digest() -> None:
    assert content_digest("t", [("(S//NF)", "a")]) == hashlib.sha256(b"1:t7:(S//NF)1:a").hexdigest()


@given(st.text(), st.lists(st.tuples(st.text(), st.text()), max_size=5))
def test_the_digest_is_its_definition(text: str, paragraphs: list[tuple[str, str]]) -> None:
    assert content_digest(text, paragraphs) == _by_the_definition(text, paragraphs)
