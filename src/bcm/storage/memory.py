"""The memory adapter: the storage port over dictionaries, for fast tests and tools.

A unit of work runs under a lock with an undo journal: every write records how to undo it,
so a unit of work that raises leaves no trace (audit records included), exactly like a
rolled-back SAVEPOINT in the SQL adapters.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, TypeVar, cast

from bcm.domain.audit import AuditEntry, AuditRecord
from bcm.domain.events import Event, NullPublisher, Publisher
from bcm.domain.ids import new_id
from bcm.domain.model import ClearanceGrant, Item, Mode, PostKey
from bcm.errors import Conflict
from bcm.storage import chain, fulltext
from bcm.storage.keys import natural_key
from bcm.storage.port import E, Entity, Refused, UnitOfWork

T = TypeVar("T")
log = logging.getLogger(__name__)


class _State:
    def __init__(self) -> None:
        self.entities: dict[type[Any], dict[str, Any]] = {}
        self.items: dict[str, Item] = {}
        self.item_order: list[str] = []
        self.audit: list[AuditRecord] = []
        self.post_keys: dict[tuple[str, str], PostKey] = {}


class MemoryUnitOfWork:
    """The storage port over a :class:`_State`, journaling every write for rollback."""

    def __init__(self, state: _State, node: str) -> None:
        self.node = node
        self.events: list[Event] = []
        self._state = state
        self._undo: list[Callable[[], object]] = []

    def rollback(self) -> None:
        """Undo every write of this unit of work, newest first."""
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()

    def _table(self, kind: type[Any]) -> dict[str, Any]:
        return self._state.entities.setdefault(kind, {})

    def _put(self, table: dict[Any, Any], key: Any, value: Any) -> None:
        missing = object()
        old = table.get(key, missing)
        table[key] = value
        if old is missing:
            self._undo.append(lambda: table.pop(key))
        else:
            self._undo.append(lambda: table.__setitem__(key, old))

    def add(self, entity: Entity) -> None:
        """Insert a new entity; a used id or natural key is a :class:`Conflict`."""
        table = self._table(type(entity))
        ident = _ident(entity)
        key = natural_key(entity)
        if ident in table or (key is not None and self._has_key(table, key)):
            raise Conflict(f"{type(entity).__name__.lower()} {key or ident!r} already exists")
        self._put(table, ident, entity)

    @staticmethod
    def _has_key(table: dict[str, Any], key: str) -> bool:
        return any(natural_key(e) == key for e in table.values())

    def replace(self, entity: Entity) -> None:
        """Overwrite the entity with the same id."""
        self._put(self._table(type(entity)), _ident(entity), entity)

    def get(self, kind: type[E], ident: str) -> E | None:
        """By id."""
        return cast("E | None", self._table(kind).get(ident))

    def find(self, kind: type[E], key: str) -> E | None:
        """By natural key."""
        for entity in self._table(kind).values():
            if natural_key(entity) == key:
                return cast("E", entity)
        return None

    def list_all(self, kind: type[E]) -> list[E]:
        """In id order (oldest first: ids are time-ordered; nations by code)."""
        return [self._table(kind)[k] for k in sorted(self._table(kind))]

    def grants_of(self, person: str) -> list[ClearanceGrant]:
        """Every grant of ``person``."""
        return [g for g in self.list_all(ClearanceGrant) if g.person == person]

    def add_item(self, item: Item) -> Item:
        """Insert with the next sequence number."""
        if item.id in self._state.items:
            raise Conflict(f"item {item.id!r} already exists")
        stored = _with_seq(item, len(self._state.item_order) + 1)
        self._put(self._state.items, item.id, stored)
        self._state.item_order.append(item.id)
        self._undo.append(self._state.item_order.pop)
        return stored

    def get_item(self, ident: str) -> Item | None:
        """By id."""
        return self._state.items.get(ident)

    def replace_item(self, item: Item) -> None:
        """Overwrite (the sequence number is kept)."""
        self._put(self._state.items, item.id, item)

    def list_items(
        self, *, body: str | None, mode: Mode, after_seq: int = 0, limit: int | None = None
    ) -> list[Item]:
        """By sequence number."""
        ids = self._state.item_order[after_seq:]
        items = [self._state.items[i] for i in ids]
        found = [i for i in items if i.mode is mode and (body is None or i.body == body)]
        return found if limit is None else found[:limit]

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        """Chain ``entry`` after the last record."""
        log = self._state.audit
        prev = log[-1].hash if log else chain.GENESIS
        record = chain.chain(len(log) + 1, new_id(), self.node, entry, prev)
        log.append(record)
        self._undo.append(log.pop)
        return record

    def audit_records(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditRecord]:
        """In order."""
        records = self._state.audit[after_seq:]
        return records if limit is None else records[:limit]

    def match_groups(self, terms: Sequence[str], *, mode: Mode) -> list[fulltext.MatchGroup]:
        """A scan of every item."""
        return fulltext.memory_groups(self._state.items.values(), terms, mode)

    def search_items(
        self, terms: Sequence[str], *, mode: Mode, among: Collection[tuple[str, str]], limit: int
    ) -> list[Item]:
        """A scan of every item."""
        return fulltext.memory_page(self._state.items.values(), terms, mode, among, limit)

    def post_keys(self, person: str, keys: Collection[str]) -> dict[str, PostKey]:
        """From the dictionary."""
        stored = self._state.post_keys
        return {k: stored[(person, k)] for k in keys if (person, k) in stored}

    def add_post_keys(self, keys: Sequence[PostKey]) -> None:
        """Insert; a key the person used before is a :class:`Conflict`."""
        stored = self._state.post_keys
        names = [(k.person, k.key) for k in keys]
        if len(set(names)) < len(names) or any(name in stored for name in names):
            raise Conflict("an idempotency key was used before")
        for name, key in zip(names, keys, strict=True):
            self._put(stored, name, key)

    def audit_tail(self) -> tuple[int, str]:
        """The last record's seq and hash."""
        log = self._state.audit
        return (log[-1].seq, log[-1].hash) if log else (0, chain.GENESIS)


class MemoryStore:
    """Runs units of work one at a time, synchronously, under a lock."""

    def __init__(self, node: str | None = None, publisher: Publisher | None = None) -> None:
        self.node = node or new_id()
        self.publisher: Publisher = publisher or NullPublisher()
        self._state = _State()
        self._lock = threading.Lock()
        self._local = threading.local()

    def submit(self, fn: Callable[[UnitOfWork], T]) -> Future[T]:
        """Run ``fn`` now; the returned future is already resolved."""
        future: Future[T] = Future()
        if getattr(self._local, "busy", False):
            raise RuntimeError("a unit of work may not submit another (it would deadlock)")
        with self._lock:
            self._local.busy = True
            uow = MemoryUnitOfWork(self._state, self.node)
            try:
                result = fn(uow)
            except Refused as refused:
                self._publish(uow.events)
                future.set_exception(refused.error)
            except Exception as error:
                uow.rollback()
                future.set_exception(error)
            else:
                self._publish(uow.events)
                future.set_result(result)
            finally:
                self._local.busy = False
        return future

    def _publish(self, events: list[Event]) -> None:
        if not events:
            return
        try:
            self.publisher.publish(events)
        except Exception:  # a broken subscriber must not fail a committed write
            log.exception("publisher failed")

    def close(self) -> None:
        """Nothing to release."""


def _ident(entity: Entity) -> str:
    return entity.code if hasattr(entity, "code") else cast("Any", entity).id


def _with_seq(item: Item, seq: int) -> Item:
    return replace(item, seq=seq)
