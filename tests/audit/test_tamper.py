"""Tampering directly in the database is detected, and the first bad seq is named: any
column of any record modified, a record deleted, inserted (forged or copied) or moved, a
consistent rewrite (re-chained by someone without the key), a forged checkpoint signature,
a chain cut short, a foreign key file. The untouched node verifies."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection

from bcm.audit.keys import save_key
from bcm.audit.signing import CHECKPOINT_ACTION, NodeKey
from bcm.audit.verify import Report, verify_database
from bcm.cli.main import main
from bcm.domain.audit import AuditRecord
from tests.audit import world
from tests.audit.conftest import ENGINES, Copies
from tests.audit.world import Copy

STORED = (*world.COLUMNS, "hash", "canonical")


@contextmanager
def tampering(copy: Copy) -> Iterator[Connection]:
    """A transaction on the copy, committed at the end."""
    engine = world.connect(copy.url)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def verify(copy: Copy) -> Report:
    return verify_database(copy.url, key_file=copy.key_file)


def broken_at(copy: Copy) -> int:
    """Run ``bcm audit verify --json`` on the copy: it must exit 1; returns the seq it names
    (checked against the library's own report)."""
    out = io.StringIO()
    args = ["audit", "verify", "--database", copy.url, "--key-file", str(copy.key_file), "--json"]
    with redirect_stdout(out), pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 1, "tampering went unnoticed"
    named = json.loads(out.getvalue())
    report = verify(copy)
    assert report.problem is not None
    assert named["seq"] == report.problem.seq
    return int(named["seq"])


@pytest.mark.parametrize("engine", ENGINES)
def test_the_untouched_node_verifies_anchored_with_every_checkpoint(
    engine: str, copies: Copies
) -> None:
    copy = copies(engine)
    report = verify(copy)
    assert report.problem is None
    assert report.records == copy.records > 100
    assert (report.keys, report.checkpoints, report.anchored) == (1, 2, True)
    assert report.last_checkpoint == copy.records


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=12)
@given(data=st.data())
def test_modifying_any_stored_column_of_any_record_is_named(
    engine: str, copies: Copies, data: st.DataObject
) -> None:
    copy = copies(engine)
    seq = data.draw(st.integers(1, copy.records), label="seq")
    column = data.draw(st.sampled_from(STORED), label="column")
    with tampering(copy) as conn:
        world.modify(conn, seq, column)
    assert broken_at(copy) == seq


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=8)
@given(data=st.data())
def test_deleting_any_record_is_named(engine: str, copies: Copies, data: st.DataObject) -> None:
    copy = copies(engine)
    seq = data.draw(st.integers(1, copy.records), label="seq")
    with tampering(copy) as conn:
        world.delete(conn, seq)
    assert broken_at(copy) == seq


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=8)
@given(data=st.data())
def test_inserting_a_forged_record_breaks_the_chain_right_after_it(
    engine: str, copies: Copies, data: st.DataObject
) -> None:
    copy = copies(engine)
    seq = data.draw(st.integers(1, copy.records), label="seq")
    with tampering(copy) as conn:
        world.insert_forged(conn, seq)
    # The forgery chains onto its predecessor; the record it displaced no longer fits. At the
    # tail, the witness (the last checkpoint this node signed) names it.
    assert broken_at(copy) == (seq + 1 if seq < copy.records else seq)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=8)
@given(data=st.data())
def test_inserting_a_copied_record_is_named(
    engine: str, copies: Copies, data: st.DataObject
) -> None:
    copy = copies(engine)
    seq = data.draw(st.integers(1, copy.records), label="seq")
    source = data.draw(st.integers(1, copy.records), label="source")
    with tampering(copy) as conn:
        world.insert_copy(conn, seq, source)
    assert broken_at(copy) == seq


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=8)
@given(data=st.data())
def test_swapping_two_records_is_named(engine: str, copies: Copies, data: st.DataObject) -> None:
    copy = copies(engine)
    first, second = data.draw(
        st.lists(st.integers(1, copy.records), min_size=2, max_size=2, unique=True), label="pair"
    )
    with tampering(copy) as conn:
        world.swap(conn, first, second)
    assert broken_at(copy) == min(first, second)


def _reworded(record: AuditRecord) -> AuditRecord:
    return replace(record, entry=replace(record.entry, reason=record.entry.reason + " (edited)"))


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=8)
@given(data=st.data())
def test_a_consistent_rewrite_is_caught_by_the_next_checkpoint(
    engine: str, copies: Copies, data: st.DataObject
) -> None:
    copy = copies(engine)
    seq = data.draw(st.integers(1, copy.records), label="seq")
    with tampering(copy) as conn:
        checkpoints = [
            i for i, action in enumerate(world.actions(conn), 1) if action == CHECKPOINT_ACTION
        ]
        world.rechain(conn, seq, _reworded)
    later = [c for c in checkpoints if c > seq]
    assert broken_at(copy) == (later[0] if later else copy.records)


def _forged_signature(record: AuditRecord) -> AuditRecord:
    detail = dict(record.entry.detail)
    signature = detail["signature"]
    detail["signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]
    return replace(record, entry=replace(record.entry, detail=detail))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_forged_checkpoint_signature_is_named(engine: str, copies: Copies) -> None:
    copy = copies(engine)
    with tampering(copy) as conn:
        first = world.actions(conn).index(CHECKPOINT_ACTION) + 1
        world.rechain(conn, first, _forged_signature)
    report = verify(copy)
    assert report.problem is not None
    assert (report.problem.seq, report.problem.reason) == (
        first,
        "checkpoint signature does not verify",
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_a_chain_cut_short_is_named_by_the_witness(engine: str, copies: Copies) -> None:
    copy = copies(engine)
    with tampering(copy) as conn:
        world.delete(conn, copy.records)
        world.delete(conn, copy.records - 1)
    assert broken_at(copy) == copy.records - 1


def test_a_key_file_that_is_not_the_chains_key_is_refused(copies: Copies) -> None:
    copy = copies("sqlite")
    stranger = copy.key_file.with_name("stranger.key")
    save_key(stranger, NodeKey.generate())
    report = verify_database(copy.url, key_file=stranger)
    assert report.problem is not None
    assert report.problem.seq == 1
    assert "not the key file's" in report.problem.reason
