"""Verification of the whole audit chain.

Every stored row is checked, in ``seq`` order, against what it must be:

1. sequence — seq runs 1, 2, 3, … without a gap (a deleted record shows as a gap; a
   record inserted or swapped in shows in rules 2–4);
2. hash — the ``hash`` column is the SHA-256 of the stored canonical bytes;
3. columns — every other column (id, node, at, actor, action, target, label, allowed,
   prev_hash, and seq itself) equals the field of the canonical bytes it is derived from;
4. chain — the canonical ``prev`` is the hash of the record before (genesis: 64 zeros);
5. keys — the first ``audit.key`` record starts the line of keys; each later one is endorsed
   by the key before it;
6. checkpoints — each ``audit.checkpoint`` signs the record just before it, with the key in
   force, and the signature verifies;
7. anchor — with the node's key file at hand, the chain's current key is that key (so a
   chain rewritten and re-signed with another key is refused);
8. witness — the last checkpoint this node remembers signing is still in the chain, with
   the same hash (so a chain cut short is refused);
9. items — every stored item has its ``item.post`` record, and its seq, body, author, mode,
   current label (the last ``item.post``/``item.relabel`` label) and content digest are the
   ones recorded (so item content edited, inserted or removed behind the services' back is
   refused, naming the record that no longer matches).

The first failure ends verification; it names the sequence number where the chain breaks.

Rules 1–4 and 8 are checked row by row by :mod:`bcm.audit.scan`, over segments of
consecutive records that are then joined in order (the join links each segment to the one
before and checks the key and checkpoint records, rules 5–6). A long SQLite chain is cut
in two: a worker process scans the first part (FIRST_HALF percent of it) while this one
scans the rest and compares the items table with it (rule 9, :mod:`bcm.audit.items`).
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

import bcm
from bcm.audit.items import ItemCheck
from bcm.audit.keys import KEY_ENV, Witness, key_path, load_key, load_witness
from bcm.audit.reader import COLUMNS, Row, Split, audit_snapshot
from bcm.audit.scan import ITEM_LABEL, ChainBroken, Posted, Segment, decoded_segment, scan
from bcm.audit.signing import (
    KEY_ACTION,
    checkpoint_document,
    key_document,
    key_id,
    signature_ok,
)
from bcm.domain.audit import AuditRecord
from bcm.storage.chain import FORMAT_VERSION, GENESIS, audit_columns

# A chain this long is split between two processes when two cores are there (below it,
# starting the worker costs about what it saves).
SPLIT_FROM = 20_000
# The worker's share of a split chain, in percent: this process also compares the items.
FIRST_HALF = 60


@dataclass(frozen=True, slots=True)
class Break:
    """Where and why the chain breaks."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit chain broken at seq {self.seq}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome: how much was checked, and the first break if any."""

    records: int
    checkpoints: int
    keys: int
    last_checkpoint: int
    anchored: bool
    problem: Break | None

    @property
    def ok(self) -> bool:
        """Whether the chain verified."""
        return self.problem is None


class _Verifier:
    """Joins scanned segments in seq order (see the module docstring), then rules 7 and 9."""

    def __init__(self, witness: Witness | None) -> None:
        self.expected = 1
        self.prev = GENESIS
        self.keys: list[tuple[int, str, str]] = []  # (seq, key id, public hex)
        self.checkpoints = 0
        self.last_checkpoint = 0
        self.witness = witness
        self.items: dict[str, Posted] = {}

    def join(self, segment: Segment) -> None:
        """Continue the chain with ``segment``: what the scan could not check (its link to
        the record before, the keys and checkpoints), in the order of the rules, then the
        scan's own first break."""
        first = segment.first_seq
        if first is None:
            return
        if first != self.expected:
            reason = f"record missing (the next stored record is {first})"
            raise ChainBroken(self.expected, reason)
        if segment.first_prev is not None and segment.first_prev != self.prev:
            raise ChainBroken(first, f"does not follow record {first - 1} (its prev hash differs)")
        for seq, prev, doc in segment.signed:
            self.expected, self.prev = seq, prev
            self._signed(seq, doc)
        self.expected = segment.end
        if segment.problem is not None:
            raise ChainBroken(*segment.problem)
        self.prev = segment.last_hash
        for seq, ident, label in segment.relabels:
            if ident in self.items and ident not in segment.items:  # else posted again later
                fields = self.items[ident][1]
                self.items[ident] = (seq, (*fields[:ITEM_LABEL], label, *fields[ITEM_LABEL + 1 :]))
        self.items.update(segment.items)

    def _signed(self, seq: int, doc: dict[str, Any]) -> None:
        detail = doc.get("detail")
        if not isinstance(detail, dict):
            raise ChainBroken(seq, f"{doc['action']} record without its signed detail")
        try:
            if doc["action"] == KEY_ACTION:
                self._key(seq, doc, detail)
            else:
                self._checkpoint(seq, doc, detail)
        except (KeyError, TypeError, ValueError) as error:
            raise ChainBroken(seq, f"malformed {doc['action']} record ({error})") from error

    def _key(self, seq: int, doc: dict[str, Any], detail: dict[str, Any]) -> None:
        public = str(detail["public_key"])
        ident = key_id(bytes.fromhex(public))
        if detail["key"] != ident or doc["target"] != ident:
            raise ChainBroken(seq, "key record names a key id that is not its key's fingerprint")
        if self.keys:
            _, current, current_public = self.keys[-1]
            document = key_document(doc["node"], public, current)
            endorsement = detail["endorsement"]
            if detail["previous"] != current or not isinstance(endorsement, str):
                raise ChainBroken(seq, f"new key {ident} is not endorsed by key {current}")
            if not signature_ok(current_public, endorsement, document):
                raise ChainBroken(seq, f"endorsement of key {ident} does not verify")
        self.keys.append((seq, ident, public))

    def _checkpoint(self, seq: int, doc: dict[str, Any], detail: dict[str, Any]) -> None:
        if not self.keys:
            raise ChainBroken(seq, "checkpoint before any key was registered")
        _, current, public = self.keys[-1]
        if detail["key"] != current:
            raise ChainBroken(seq, f"checkpoint signed by {detail['key']}, not the key in force")
        if detail["seq"] != seq - 1 or detail["hash"] != self.prev:
            raise ChainBroken(seq, "checkpoint does not sign the record before it")
        document = checkpoint_document(doc["node"], seq - 1, self.prev, current)
        if not signature_ok(public, str(detail["signature"]), document):
            raise ChainBroken(seq, "checkpoint signature does not verify")
        self.checkpoints += 1
        self.last_checkpoint = seq

    def finish(self, anchor: str | None) -> None:
        last = self.expected - 1
        if self.witness is not None and last < self.witness.seq:
            reason = f"the chain ends at seq {last}, before the checkpoint this node signed"
            raise ChainBroken(last + 1, f"record missing ({reason}, seq {self.witness.seq})")
        if anchor is None:
            return
        if not self.keys:
            raise ChainBroken(max(last, 1), "no key registered, but the node has a key file")
        seq, current, _ = self.keys[-1]
        if current != anchor:
            raise ChainBroken(seq, f"the chain's current key {current} is not the key file's")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for the duration: verification creates no cycles,
    but its item map grows by one tuple per item, which sets the collector off again and
    again to walk it (a tenth of the time over 100,000 records). Refcounting still frees
    everything; the collector comes back on as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Scans the chain into segments in seq order; with the segment that ends the chain scanned, it
# calls its argument with what that segment says about items, before going on.
Plan = Callable[[Callable[[dict[str, Posted]], None]], Iterator[Segment]]


def verify_rows(
    rows: Iterable[Row],
    *,
    node: str,
    anchor: str | None = None,
    witness: Witness | None = None,
    items: Callable[[], Iterable[Row]] | None = None,
) -> Report:
    """Verify ``rows`` (reader.COLUMNS order, by seq) of the node ``node``; ``anchor`` is the
    key id of the node's key file, ``witness`` its last remembered checkpoint, ``items`` the
    item rows (reader.ITEM_COLUMNS order) to check against the chain."""
    witness = _own(witness, node)
    return _verified(lambda latest: _whole(rows, witness, latest), anchor, witness, items)


def verify_database(
    url: str, *, key_file: str | os.PathLike[str] | None = None, workers: int | None = None
) -> Report:
    """Verify the chain stored at ``url`` in one read-only snapshot. The node's key file
    (``key_file``, ``$BCM_KEY_FILE`` or its default place) anchors it when present; an
    explicitly named key file must exist. ``workers`` (1 or 2) says whether a SQLite chain
    is split between two processes; by default, when it is long and two cores are there."""
    with audit_snapshot(url) as snapshot:
        path = key_path(url, snapshot.node, key_file)
        anchor = witness = None
        if key_file or os.environ.get(KEY_ENV) or path.exists():
            anchor = load_key(path).key_id
            witness = _own(load_witness(path), snapshot.node)
        split, at = snapshot.split, _split_at(snapshot.split, workers)
        plan: Plan
        if split is None or at is None:
            plan = lambda latest: _whole(snapshot.rows, witness, latest)  # noqa: E731
        else:
            plan = lambda latest: _halves(split, at, witness, latest)  # noqa: E731
        return _verified(plan, anchor, witness, snapshot.items)


def verify_records(records: Iterable[AuditRecord], *, node: str) -> Report:
    """Verify records already in memory (the memory store's chain), unanchored."""
    names = [c.strip() for c in COLUMNS.split(",")]
    rows = (tuple(audit_columns(r)[n] for n in names) for r in records)
    return verify_rows(rows, node=node)


def _own(witness: Witness | None, node: str) -> Witness | None:
    """The witness, if it is this node's (a key file copied from another node has none)."""
    return witness if witness is not None and witness.node == node else None


def _verified(
    plan: Plan,
    anchor: str | None,
    witness: Witness | None,
    items: Callable[[], Iterable[Row]] | None,
) -> Report:
    """Join the segments ``plan`` scans, then rules 7 and 9 (the item rows compared with the
    chain's last segment while the others may still be scanned)."""
    verifier = _Verifier(witness)
    check = ItemCheck()

    def latest(known: dict[str, Posted]) -> None:
        if items is not None:
            check.compare(items(), known)

    problem = None
    try:
        with _collector_paused():
            for segment in plan(latest):
                verifier.join(segment)
            verifier.finish(anchor)
            if items is not None:
                check.finish(verifier.items, verifier.expected)
    except ChainBroken as broken:
        problem = Break(broken.seq, broken.reason)
    return Report(
        records=verifier.expected - 1,
        checkpoints=verifier.checkpoints,
        keys=len(verifier.keys),
        last_checkpoint=verifier.last_checkpoint,
        anchored=anchor is not None and problem is None,
        problem=problem,
    )


def _remembered(witness: Witness | None) -> tuple[int, str] | None:
    return (witness.seq, witness.hash) if witness is not None else None


def _whole(
    rows: Iterable[Row], witness: Witness | None, latest: Callable[[dict[str, Posted]], None]
) -> Iterator[Segment]:
    segment = scan(rows, version=FORMAT_VERSION, witness=_remembered(witness))
    latest(segment.items)
    yield segment


# -- a long SQLite chain in two halves ---------------------------------------------------------


def _split_at(split: Split | None, workers: int | None) -> int | None:
    """The last seq of the first half, or None to scan the chain whole."""
    if split is None or workers == 1:
        return None
    if workers is None and (split.last_seq < SPLIT_FROM or _cores() < 2):
        return None
    return split.last_seq * FIRST_HALF // 100


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _halves(
    split: Split, at: int, witness: Witness | None, latest: Callable[[dict[str, Posted]], None]
) -> Iterator[Segment]:
    """The records up to seq ``at`` scanned by a worker process while this one scans the
    rest and compares the items with it. The worker reads its own snapshot, taken a moment
    after this one: it sees the same records up to ``at`` (records are only ever appended),
    and if it did not, the join would find that the halves do not link."""
    remembered = _remembered(witness)
    worker = _start_worker(split.path, at, remembered)
    try:
        second = scan(split.rows(at, None), version=FORMAT_VERSION, witness=remembered)
        latest(second.items)
        first = _collected(worker) if worker is not None else None
        if first is None:  # the worker could not do it: this process does
            first = scan(split.rows(None, at), version=FORMAT_VERSION, witness=remembered)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
            worker.wait()
    yield first
    yield second


# The worker's program: this very package's scan (found where this process found it, after
# anything installed), with the arguments that follow.
_WORKER = "import sys; sys.path.append(sys.argv.pop(1)); from bcm.audit.scan import main; main()"


def _start_worker(
    path: str, at: int, witness: tuple[int, str] | None
) -> subprocess.Popen[bytes] | None:
    if not sys.executable:
        return None
    here = str(Path(bcm.__file__).resolve().parents[1])
    # -P: the working directory is not put on the path (nothing there can stand in)
    args = [sys.executable, "-P", "-c", _WORKER, here, path, str(at), str(FORMAT_VERSION)]
    if witness is not None:
        args += [str(witness[0]), witness[1]]
    try:
        return subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None


def _collected(worker: subprocess.Popen[bytes]) -> Segment | None:
    """The worker's segment, or None if it failed."""
    out, _ = worker.communicate()
    if worker.returncode != 0:
        return None
    try:
        return decoded_segment(out)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
