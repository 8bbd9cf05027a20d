"""A SQLite chain verified by halves (a worker process scans the first half while this one
scans the rest and compares the items) gives exactly the report of one pass: for the
untouched chain and for every kind of tampering — wherever it falls, the seam included —
and when the worker cannot run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bcm.audit import scan as scanning
from bcm.audit import verify as verifying
from bcm.audit.signing import CHECKPOINT_ACTION, KEY_ACTION
from bcm.audit.verify import Report, verify_database
from bcm.bootstrap import open_services
from bcm.storage import chain
from tests.audit import world
from tests.audit.conftest import Copies
from tests.audit.test_item_content import _relabel_one
from tests.audit.test_tamper import STORED, _reworded, tampering
from tests.audit.world import Copy


def _both(copy: Copy) -> tuple[Report, Report]:
    """The report of one pass and the report by halves."""
    whole = verify_database(copy.url, key_file=copy.key_file, workers=1)
    halves = verify_database(copy.url, key_file=copy.key_file, workers=2)
    return whole, halves


def _seam(records: int) -> int:
    """The last seq of the first half of a chain of ``records``."""
    return records * verifying.FIRST_HALF // 100


def test_the_worker_knows_the_signed_actions_and_every_stored_column(copies: Copies) -> None:
    assert {KEY_ACTION, CHECKPOINT_ACTION} == scanning.SIGNED_ACTIONS
    names = [c.strip() for c in scanning.COLUMNS.split(",")]
    assert names[1:10] == [column for column, _ in scanning.DERIVED]
    with tampering(copies("sqlite")) as conn:
        assert set(world.rows(conn)[0]) == set(names)


def test_the_untouched_chain_verifies_by_halves_with_every_checkpoint(copies: Copies) -> None:
    whole, halves = _both(copies("sqlite"))
    assert halves == whole
    assert halves.ok
    assert halves.checkpoints == 2
    assert halves.anchored


@pytest.mark.parametrize("column", STORED)
@pytest.mark.parametrize(
    "where", ["first", "end of half 1", "start of half 2", "next in half 2", "last"]
)
def test_a_modified_column_is_named_in_either_half_and_at_the_seam(
    copies: Copies, column: str, where: str
) -> None:
    copy = copies("sqlite")
    seam = _seam(copy.records)
    seq = {
        "first": 1,
        "end of half 1": seam,
        "start of half 2": seam + 1,
        "next in half 2": seam + 2,
    }.get(where, copy.records)
    with tampering(copy) as conn:
        world.modify(conn, seq, column)
    whole, halves = _both(copy)
    assert whole.problem is not None
    assert whole.problem.seq == seq
    assert halves == whole


def test_a_forgery_that_ends_the_first_half_does_not_link_to_the_second(copies: Copies) -> None:
    copy = copies("sqlite")
    seam = _seam(copy.records)
    with tampering(copy) as conn:  # the record at the seam replaced by a well-formed forgery
        rows = world.rows(conn)
        model = _reworded(chain.record_from_canonical(bytes(rows[seam - 1]["canonical"])))
        forged = chain.chain(seam, model.id, model.node, model.entry, rows[seam - 2]["hash"])
        world.delete(conn, seam)
        world.insert_row(conn, forged)
    whole, halves = _both(copy)
    assert whole.problem is not None
    assert (whole.problem.seq, whole.problem.reason) == (
        seam + 1,
        f"does not follow record {seam} (its prev hash differs)",
    )
    assert halves == whole


@settings(max_examples=10)
@given(data=st.data())
def test_deleted_inserted_swapped_and_rewritten_records_are_named_alike(
    copies: Copies, data: st.DataObject
) -> None:
    copy = copies("sqlite")
    seam = _seam(copy.records)
    near = st.integers(max(1, seam - 2), min(copy.records, seam + 3))
    seq = data.draw(st.one_of(near, st.integers(1, copy.records)), label="seq")
    other = data.draw(st.integers(1, copy.records).filter(lambda s: s != seq), label="other")
    kind = data.draw(st.sampled_from(["delete", "forged", "copy", "swap", "rechain"]))
    with tampering(copy) as conn:
        if kind == "delete":
            world.delete(conn, seq)
        elif kind == "forged":
            world.insert_forged(conn, seq)
        elif kind == "copy":
            world.insert_copy(conn, seq, other)
        elif kind == "swap":
            world.swap(conn, seq, other)
        else:
            world.rechain(conn, seq, _reworded)
    whole, halves = _both(copy)
    assert whole.problem is not None
    assert halves == whole


def test_item_rows_tampered_in_both_halves_name_the_first_row_alike(copies: Copies) -> None:
    copy = copies("sqlite")
    engine = world.connect(copy.url)
    try:
        with engine.begin() as conn:
            ids = [r[0] for r in conn.execute(text("SELECT id FROM items ORDER BY seq"))]
            conn.execute(text("UPDATE items SET text = 'edited' WHERE id = :i"), {"i": ids[-1]})
            conn.execute(text("DELETE FROM items WHERE id = :i"), {"i": ids[0]})
    finally:
        engine.dispose()
    whole, halves = _both(copy)
    assert whole.problem is not None
    assert ids[-1] in whole.problem.reason
    assert halves == whole


def test_a_relabel_in_the_second_half_of_an_item_posted_in_the_first(copies: Copies) -> None:
    copy = copies("sqlite")
    services = open_services(copy.url)
    try:
        relabeled = _relabel_one(services)
    finally:
        services.close()
    whole, halves = _both(copy)
    assert whole.ok
    assert halves == whole
    engine = world.connect(copy.url)
    try:
        with engine.begin() as conn:
            update = "UPDATE items SET label = 'SECRET//REL TO USA, JPN' WHERE id = :i"
            conn.execute(text(update), {"i": relabeled})
            relabel_seq = conn.execute(
                text("SELECT max(seq) FROM audit WHERE action = 'item.relabel'")
            ).scalar()
    finally:
        engine.dispose()
    whole, halves = _both(copy)
    assert whole.problem is not None
    assert whole.problem.seq == relabel_seq
    assert halves == whole


def test_when_the_worker_fails_this_process_scans_its_half(
    copies: Copies, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = copies("sqlite")
    with tampering(copy) as conn:
        world.modify(conn, 2, "canonical")
    whole = verify_database(copy.url, key_file=copy.key_file, workers=1)

    def failing(*_: object) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-c", "print('not a segment')"]
        return subprocess.Popen(command, stdout=subprocess.PIPE)

    monkeypatch.setattr(verifying, "_start_worker", failing)
    assert verify_database(copy.url, key_file=copy.key_file, workers=2) == whole
    monkeypatch.setattr(verifying, "_start_worker", lambda *_: None)
    assert verify_database(copy.url, key_file=copy.key_file, workers=2) == whole


def test_a_segment_survives_the_trip_from_the_worker(copies: Copies) -> None:
    copy = copies("sqlite")
    path = copy.url.removeprefix("sqlite:///")
    segment = scanning.scan_sqlite(path, copy.records, chain.FORMAT_VERSION, None)
    assert segment.items
    assert segment.signed
    assert segment.problem is None
    assert scanning.decoded_segment(scanning.encoded(segment)) == segment


def test_the_worker_process_answers_what_this_process_would_find(copies: Copies) -> None:
    copy = copies("sqlite")
    path, at = copy.url.removeprefix("sqlite:///"), _seam(copy.records)
    worker = verifying._start_worker(path, at, None)
    assert worker is not None
    answer = verifying._collected(worker)
    assert answer is not None, "the worker failed (verification fell back to one process)"
    assert answer == scanning.scan_sqlite(path, at, chain.FORMAT_VERSION, None)
    assert (answer.first_seq, answer.end) == (1, at + 1)
