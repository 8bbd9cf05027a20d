"""The audit chain's canonical bytes: exactly RFC 8785 (checked against the rfc8785
package), hashes over those bytes, and stored columns checked against them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from bcm.domain.audit import AuditEntry
from bcm.domain.model import Item, Mode, Paragraph
from bcm.storage import chain, codecs

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53) + 1, 2**53 - 1),
    st.text(),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(documents)
def test_canonical_json_is_exactly_rfc8785(document: Any) -> None:
    try:
        expected = rfc8785.dumps(document)
    except Exception:  # rfc8785 refuses what it cannot canonicalize
        with pytest.raises(Exception):  # noqa: B017, PT011 - so must we
            chain.canonical_json(document)
        return
    assert chain.canonical_json(document) == expected


def test_keys_sort_by_utf16_code_units_like_rfc8785() -> None:
    document = {"\ue000": 1, "\U0001f600": 2, "a": 3}
    assert chain.canonical_json(document) == rfc8785.dumps(document)


ENTRY = AuditEntry(
    "a",
    "item.read",
    "t",
    datetime(2026, 2, 20, tzinfo=UTC),
    "SECRET",
    False,
    "no",
    {"rule": "label"},
)


def test_a_record_hashes_its_canonical_bytes_which_hold_every_field() -> None:
    record = chain.chain(7, "id-7", "node-1", ENTRY, "ab" * 32)
    assert record.hash == hashlib.sha256(record.canonical).hexdigest()
    assert chain.record_from_canonical(record.canonical) == record
    assert b'"prev":"' + b"ab" * 32 + b'"' in record.canonical
    assert b'"seq":7' in record.canonical


def test_the_writers_row_tuples_are_the_stored_columns_in_order() -> None:
    record = chain.chain(3, "id-3", "node-1", ENTRY, chain.GENESIS)
    columns = chain.audit_columns(record)
    assert tuple(columns) == chain.AUDIT_COLUMNS
    assert chain.audit_values(record) == tuple(columns.values())


def test_a_stored_column_that_disagrees_with_the_canonical_bytes_is_detected() -> None:
    record = chain.chain(1, "id-1", "node-1", ENTRY, chain.GENESIS)
    row = chain.audit_columns(record)
    assert chain.record_from_stored(row) == record
    with pytest.raises(chain.AuditIntegrityError, match="column allowed"):
        chain.record_from_stored({**row, "allowed": True})


texts = st.text()
entries = st.builds(
    AuditEntry,
    actor=st.none() | texts,
    action=texts,
    target=st.none() | texts,
    at=st.datetimes(timezones=st.just(UTC)),
    label=st.none() | texts,
    allowed=st.none() | st.booleans(),
    reason=texts,
    detail=st.dictionaries(st.text(max_size=8), documents, max_size=4),
)


@given(entries, st.integers(1, 2**53 - 1), texts, texts, texts)
def test_a_records_bytes_are_rfc8785_of_its_document(
    entry: AuditEntry, seq: int, ident: str, node: str, prev: str
) -> None:
    document = chain.record_document(seq, ident, node, entry, prev)
    assert chain.canonical_document(seq, ident, node, entry, prev) == rfc8785.dumps(document)


flat_details = st.dictionaries(
    st.text(alphabet=st.characters(max_codepoint=127), max_size=8),
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    max_size=6,
)


@given(flat_details, st.integers(1, 2**53 - 1))
def test_flat_details_written_out_directly_are_rfc8785(detail: dict[str, object], seq: int) -> None:
    entry = AuditEntry(
        "a", "item.post", "t", datetime(2026, 11, 26, tzinfo=UTC), None, None, "", detail
    )
    document = chain.record_document(seq, "id", "node", entry, chain.GENESIS)
    assert chain.canonical_document(seq, "id", "node", entry, chain.GENESIS) == rfc8785.dumps(
        document
    )


def test_the_writers_item_tuples_are_the_stored_columns_in_order() -> None:
    at = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    for paragraphs in ((), (Paragraph("(S//NF)", "one"), Paragraph("(U)", "two"))):
        item = Item(
            "i", "n", 4, "b", "a", "o", "SECRET//NOFORN", Mode.EXERCISE, at, "t", paragraphs
        )
        row = codecs.item_row(item)
        assert tuple(row) == codecs.ITEM_COLUMNS
        assert codecs.item_values(item) == tuple(row.values())
