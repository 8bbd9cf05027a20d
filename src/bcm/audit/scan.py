"""One pass over a run of consecutive audit rows: the per-record rules of the verifier.

:mod:`bcm.audit.verify` cuts a large chain into segments of consecutive ``seq``; each
segment is scanned on its own — one of them, for a large SQLite chain, in a worker process
(``python -m bcm.audit.scan``, so that both cores hash and decode) — and the verifier then
joins the segments in order. A scan checks, for every row, rules 1–4 within the segment and
rule 8 (sequence, hash, columns, chain, witness); it cannot know the hash or the key in force
before its first row, so it leaves to the join what needs them: its first row's link to the
record before, and the key and checkpoint records (few), which it hands over in order. It
also gathers what the chain says about each item (rule 9).

This module imports nothing heavy (the worker process starts in a few tens of ms).
"""

from __future__ import annotations

import gc
import hashlib
import operator
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

COLUMNS = "seq, id, node, at, actor, action, target, label, allowed, prev_hash, hash, canonical"
Row = tuple[Any, ...]

# Columns after seq, in COLUMNS order, and the canonical field each is derived from.
DERIVED = (
    ("id", "id"),
    ("node", "node"),
    ("at", "at"),
    ("actor", "actor"),
    ("action", "action"),
    ("target", "target"),
    ("label", "label"),
    ("allowed", "allowed"),
    ("prev_hash", "prev"),
)
_FIELDS = operator.itemgetter(*(name for _, name in DERIVED))
_ACTOR, _ACTION, _TARGET, _LABEL, _ALLOWED, _PREV = 3, 4, 5, 6, 7, 8

ITEM_POST, ITEM_RELABEL = "item.post", "item.relabel"
# bcm.audit.signing's KEY_ACTION and CHECKPOINT_ACTION (spelled out: signing imports the
# cryptography package, which the worker does not need; a test holds them equal)
SIGNED_ACTIONS = frozenset({"audit.key", "audit.checkpoint"})
_ITEM_ACTIONS = frozenset({ITEM_POST, ITEM_RELABEL})

# What the chain says about one item: the seq of the record that says it last, then the item's
# (seq, body, author, mode, label, content digest), in the order the verifier compares them.
# Plain tuples: one is built for every item.post record.
Posted = tuple[int, tuple[Any, ...]]
ITEM_LABEL = 4


class ChainBroken(Exception):
    """Internal: raised by a check, caught where the verification ends."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(reason)
        self.seq = seq
        self.reason = reason


@dataclass(slots=True)
class Segment:
    """What a scan found. ``end`` is the seq it expected next (where it stopped, when broken),
    ``last_hash`` the hash of the last record that passed; ``first_prev`` the canonical
    ``prev`` of the first row (None when that row did not decode); ``signed`` the key and
    checkpoint records that passed, as (seq, prev, canonical document); ``relabels`` the
    relabels of items not posted earlier in the segment, as (seq, item, label)."""

    first_seq: int | None = None
    first_prev: str | None = None
    end: int = 0
    last_hash: str = ""
    problem: tuple[int, str] | None = None
    signed: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    items: dict[str, Posted] = field(default_factory=dict)
    relabels: list[tuple[int, str, str]] = field(default_factory=list)


def scan(rows: Iterable[Row], *, version: int, witness: tuple[int, str] | None) -> Segment:
    """Scan ``rows`` (COLUMNS order, by seq); ``version`` is the canonical format version,
    ``witness`` the (seq, hash) of the last checkpoint this node remembers signing."""
    segment = Segment()
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return segment
    segment.first_seq = segment.end = first[0]
    try:
        segment.last_hash = _record(segment, first, None, version, witness)
        segment.end = first[0] + 1
        _scan_rest(segment, rows, version, witness)
    except ChainBroken as broken:
        segment.problem = (broken.seq, broken.reason)
    return segment


def _scan_rest(
    segment: Segment, rows: Iterable[Row], version: int, witness: tuple[int, str] | None
) -> None:
    # one loop over locals: this runs for every record
    expected, prev = segment.end, segment.last_hash
    try:
        for row in rows:
            seq = row[0]
            if seq != expected:
                raise ChainBroken(expected, f"record missing (the next stored record is {seq})")
            prev = _record(segment, row, prev, version, witness)
            expected = seq + 1
    finally:
        segment.end, segment.last_hash = expected, prev


def _record(
    segment: Segment, row: Row, prev: str | None, version: int, witness: tuple[int, str] | None
) -> str:
    """Rules 2–4 and 8 for one row, and what it says about keys and items; its hash. The
    first row of a segment (``prev`` None) is linked to the record before by the join."""
    seq = row[0]
    digest, doc, derived = decoded(seq, row, version)
    if prev is None:
        segment.first_prev = derived[_PREV]
    elif derived[_PREV] != prev:
        raise ChainBroken(seq, f"does not follow record {seq - 1} (its prev hash differs)")
    action = derived[_ACTION]
    if action in _ITEM_ACTIONS:
        if derived[_ALLOWED] is not False:
            _item(segment, seq, doc, derived)
    elif action in SIGNED_ACTIONS:
        segment.signed.append((seq, derived[_PREV], doc))
    if witness is not None and seq == witness[0] and digest != witness[1]:
        raise ChainBroken(seq, "differs from the checkpoint this node signed (witness)")
    return digest


def decoded(seq: int, row: Row, version: int) -> tuple[str, dict[str, Any], tuple[Any, ...]]:
    """Rules 2 and 3 for one row: its hash, its decoded canonical bytes and the fields its
    columns are derived from (DERIVED order)."""
    canonical = row[11]
    if type(canonical) is not bytes:
        canonical = bytes(canonical)  # memoryview (drivers differ)
    digest = hashlib.sha256(canonical).hexdigest()
    if digest != row[10]:
        raise ChainBroken(seq, "the hash column is not the SHA-256 of the canonical bytes")
    try:
        # orjson: about eight times faster than json here, and decoding dominates verification
        doc = orjson.loads(canonical)
    except orjson.JSONDecodeError as error:  # invalid UTF-8 included
        raise ChainBroken(seq, "the canonical bytes are not JSON") from error
    if type(doc) is not dict or doc.get("v") != version or "prev" not in doc:
        raise ChainBroken(seq, "the canonical bytes are not an audit record")
    if doc.get("seq") != seq:
        raise ChainBroken(seq, f"the canonical bytes are those of seq {doc.get('seq')}")
    try:
        derived = _FIELDS(doc)
    except KeyError as missing:
        raise ChainBroken(seq, f"the canonical bytes lack {missing}") from None
    if row[1:10] != derived:
        column = next(c for i, (c, _) in enumerate(DERIVED) if row[i + 1] != derived[i])
        raise ChainBroken(seq, f"column {column} disagrees with the canonical bytes")
    return digest, doc, derived


def _item(segment: Segment, seq: int, doc: dict[str, Any], derived: tuple[Any, ...]) -> None:
    detail = doc.get("detail") or {}
    target, label = derived[_TARGET], derived[_LABEL]
    items = segment.items
    if derived[_ACTION] == ITEM_POST:
        get = detail.get
        fields = (get("seq"), get("body"), derived[_ACTOR], get("mode"), label, get("content"))
        items[target] = (seq, fields)
    elif target in items:  # item.relabel: the item's label from now on
        fields = items[target][1]
        items[target] = (seq, (*fields[:ITEM_LABEL], label, *fields[ITEM_LABEL + 1 :]))
    else:  # posted in an earlier segment, if at all: the join applies it
        segment.relabels.append((seq, target, label))


def encoded(segment: Segment) -> bytes:
    """``segment`` as JSON, for the worker's answer."""
    return orjson.dumps({name: getattr(segment, name) for name in Segment.__slots__})


def decoded_segment(data: bytes) -> Segment:
    """The segment :func:`encoded` encoded (JSON has lists where the segment has tuples)."""
    doc = orjson.loads(data)
    problem = doc["problem"]
    return Segment(
        first_seq=doc["first_seq"],
        first_prev=doc["first_prev"],
        end=doc["end"],
        last_hash=doc["last_hash"],
        problem=(problem[0], problem[1]) if problem is not None else None,
        signed=[(seq, prev, record) for seq, prev, record in doc["signed"]],
        items={ident: (seq, tuple(fields)) for ident, (seq, fields) in doc["items"].items()},
        relabels=[(seq, ident, label) for seq, ident, label in doc["relabels"]],
    )


def scan_sqlite(path: str, upto: int, version: int, witness: tuple[int, str] | None) -> Segment:
    """Scan the rows of the SQLite database at ``path`` with ``seq <= upto`` (read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("BEGIN")
        rows = conn.execute(f"SELECT {COLUMNS} FROM audit WHERE seq <= ? ORDER BY seq", (upto,))
        return scan(rows, version=version, witness=witness)
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> None:
    """The worker: ``python -m bcm.audit.scan PATH UPTO VERSION [WITNESS_SEQ WITNESS_HASH]``
    writes the Segment, :func:`encoded`, to standard output (for the verifier that started
    it)."""
    argv = sys.argv[1:] if argv is None else argv
    gc.disable()  # a short-lived process that makes no cycles (see verify._collector_paused)
    path, upto, version, *rest = argv
    witness = (int(rest[0]), rest[1]) if rest else None
    segment = scan_sqlite(path, int(upto), int(version), witness)
    sys.stdout.buffer.write(encoded(segment))


if __name__ == "__main__":
    main()
