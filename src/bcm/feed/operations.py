"""The feed's units of work: what it reads from the tables and what it records.

The feed never trusts a notification for content: a notification only says "the tables
moved"; :func:`read_changes` then reads, in one transaction, the items after the hub's
cursor, their bodies, and the audit records after the hub's audit cursor that change
someone's standing (clearances, mode, org chart), reloading those subscribers. Because the
audit chain and the item sequence are both in commit order, a clearance change committed
before item N is seen by the hub before it decides who receives N — in every process.

These are plain store reads for the feed's own bookkeeping (``get_*``/``read_*``), run
without an actor: the delivery of each item is recorded by :func:`record_deliveries`,
compactly and in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bcm.auth.people import standing_problem
from bcm.domain.model import Body, ClearanceGrant, ClearanceRequest, Item, Mode, Person
from bcm.domain.policy import Subject
from bcm.services.core import Tx
from bcm.services.subjects import load_subject

ITEM_PAGE = 500
AUDIT_PAGE = 2000
# Audit actions after which a person's standing or policy inputs may differ.
_PERSON_ACTIONS = ("person.mode", "person.add")
_EVERYONE_ACTIONS = ("orgchart.load",)


@dataclass(frozen=True, slots=True)
class Standing:
    """A subscriber as the policy sees them now, and why they may not use BCM (or None).

    ``subject`` is None when the person no longer exists."""

    person: str
    subject: Subject | None
    problem: str | None


@dataclass(frozen=True, slots=True)
class Changes:
    """What moved since the hub's cursors (see :func:`read_changes`)."""

    items: tuple[Item, ...]
    bodies: Mapping[str, Body]
    standings: tuple[Standing, ...]
    item_cursor: int
    audit_cursor: int
    more: bool


def get_tails(tx: Tx) -> tuple[int, int]:
    """The last item sequence number and the last audit sequence number."""
    item_tail = _tail(lambda after: _any_item_after(tx, after))
    return item_tail, tx.uow.audit_tail()[0]


def _any_item_after(tx: Tx, after: int) -> bool:
    return any(tx.uow.list_items(body=None, mode=mode, after_seq=after, limit=1) for mode in Mode)


def _tail(exists_after: Callable[[int], bool]) -> int:
    """The largest ``n`` with something at ``n`` (sequences are gap-free from 1), found in
    O(log n) indexed probes because the storage port has no item-tail read."""
    if not exists_after(0):
        return 0
    high = 1
    while exists_after(high):
        high *= 2
    low = high // 2  # invariant: something after low, nothing after high
    while high - low > 1:
        middle = (low + high) // 2
        if exists_after(middle):
            low = middle
        else:
            high = middle
    return high


def load_standing(tx: Tx, person: str) -> Standing:
    """A subscriber's subject and standing, as of ``tx.now``."""
    found = tx.uow.get(Person, person)
    if found is None:
        return Standing(person, None, "person removed")
    return Standing(person, load_subject(tx, person), standing_problem(tx, found))


def read_changes(
    tx: Tx,
    *,
    after_item: int,
    after_audit: int,
    subscribers: frozenset[str],
    reload: frozenset[str] = frozenset(),
) -> Changes:
    """Items after ``after_item`` (a gap-free prefix, by seq), their bodies, and the
    standing of every subscriber whose policy inputs changed after ``after_audit`` (and of
    everyone in ``reload``: people joining, read in the same transaction as the items)."""
    changed, audit_cursor = _changed_people(tx, after_audit, subscribers)
    changed |= reload
    items, more = _items_after(tx, after_item)
    bodies = {b: body for b in {i.body for i in items} if (body := tx.uow.get(Body, b))}
    standings = tuple(load_standing(tx, person) for person in sorted(changed))
    cursor = items[-1].seq if items else after_item
    return Changes(tuple(items), bodies, standings, cursor, audit_cursor, more)


def _items_after(tx: Tx, after: int) -> tuple[list[Item], bool]:
    pages = [
        tx.uow.list_items(body=None, mode=mode, after_seq=after, limit=ITEM_PAGE) for mode in Mode
    ]
    # A full page may stop short: keep only the seqs every mode's page is complete up to.
    full = [page[-1].seq for page in pages if len(page) == ITEM_PAGE]
    bound = min(full, default=None)
    merged = sorted((i for page in pages for i in page), key=lambda i: i.seq)
    if bound is not None:
        merged = [i for i in merged if i.seq <= bound]
    return merged, bound is not None


def _changed_people(tx: Tx, after: int, subscribers: frozenset[str]) -> tuple[set[str], int]:
    records = tx.uow.audit_records(after_seq=after, limit=AUDIT_PAGE)
    if not records:
        return set(), after
    if len(records) == AUDIT_PAGE:  # too much happened: re-read everyone
        return set(subscribers), records[-1].seq
    changed: set[str] = set()
    for record in records:
        action, target = record.entry.action, record.entry.target
        if action.startswith(_EVERYONE_ACTIONS):
            return set(subscribers), records[-1].seq
        if action.startswith(_PERSON_ACTIONS) and target:
            changed.add(target)
        elif action.startswith("clearance.") and target:
            changed.update(_person_of_clearance(tx, target))
    return changed & subscribers, records[-1].seq


def _person_of_clearance(tx: Tx, target: str) -> Iterable[str]:
    grant = tx.uow.get(ClearanceGrant, target)
    if grant is not None:
        return (grant.person,)
    request = tx.uow.get(ClearanceRequest, target)
    return () if request is None else (request.person,)


def record_deliveries(
    tx: Tx, deliveries: Mapping[str, Sequence[int]], acks: Mapping[str, int]
) -> None:
    """One compact audit record for a batch of deliveries (person → cursors handed to their
    connections) and one for a batch of acknowledgments (subscriber → confirmed cursor)."""
    if deliveries:
        detail = {"deliveries": {p: list(seqs) for p, seqs in sorted(deliveries.items())}}
        tx.audit(None, "feed.delivered", None, allowed=True, detail=detail)
    if acks:
        tx.audit(None, "feed.acknowledged", None, detail={"acks": dict(sorted(acks.items()))})


def get_receivers(tx: Tx, seq: int) -> frozenset[str]:
    """Who was handed the item at cursor ``seq`` by any server process: the people named
    for it in ``feed.delivered`` records. A scan of the audit chain (no index yet)."""
    return frozenset(
        person
        for detail in _feed_records(tx, "feed.delivered")
        for person, seqs in detail["deliveries"].items()
        if seq in seqs
    )


def get_acknowledged(tx: Tx, subscriber: str) -> int:
    """The highest cursor ``subscriber`` (``person/client``) confirmed, as recorded (0 if
    never). A scan of the audit chain (no index yet)."""
    return max(
        (
            d["acks"][subscriber]
            for d in _feed_records(tx, "feed.acknowledged")
            if subscriber in d["acks"]
        ),
        default=0,
    )


def _feed_records(tx: Tx, action: str) -> Iterator[dict[str, Any]]:
    after = 0
    while page := tx.uow.audit_records(after_seq=after, limit=AUDIT_PAGE):
        for record in page:
            if record.entry.action == action:
                yield record.entry.detail
        after = page[-1].seq
