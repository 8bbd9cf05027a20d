"""The storage port: a unit of work (repositories inside one transaction) and a store that
runs units of work.

A *unit of work* is a function ``fn(uow) -> T``. The store runs it inside a transaction of
its own (a SAVEPOINT inside a group-commit batch for the SQL adapters), commits, publishes
the events the unit of work collected, and only then resolves the returned future: a
resolved future means durably committed. If ``fn`` raises, everything it wrote — audit
records included — is rolled back and the future carries the exception. If ``fn`` raises
:class:`Refused`, what it wrote is committed (typically the audit record of a denied read)
and the future carries ``Refused.error``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future
from typing import Protocol, TypeVar

from bcm.domain.audit import AuditEntry, AuditRecord
from bcm.domain.events import Event
from bcm.domain.model import (
    Body,
    ClearanceGrant,
    ClearanceRequest,
    Item,
    Mode,
    Nation,
    Organization,
    Person,
    Position,
    PostKey,
)
from bcm.errors import BcmError
from bcm.storage.fulltext import MatchGroup

T = TypeVar("T")

Entity = Nation | Organization | Position | Person | ClearanceGrant | ClearanceRequest | Body
E = TypeVar("E", Nation, Organization, Position, Person, ClearanceGrant, ClearanceRequest, Body)


class Refused(Exception):
    """Raised by a unit of work to commit what it wrote, then fail the caller with ``error``."""

    def __init__(self, error: BcmError) -> None:
        super().__init__(str(error))
        self.error = error


class UnitOfWork(Protocol):
    """Repositories over one transaction. ``node`` is this installation's node id; ``events``
    collects what the unit of work wants published after commit."""

    node: str
    events: list[Event]

    def add(self, entity: Entity) -> None:
        """Insert a new structural entity (its natural key must be unused)."""
        ...

    def replace(self, entity: Entity) -> None:
        """Overwrite the stored entity with the same id (and type)."""
        ...

    def get(self, kind: type[E], ident: str) -> E | None:
        """The entity of type ``kind`` with id ``ident`` (code, for nations)."""
        ...

    def find(self, kind: type[E], key: str) -> E | None:
        """By natural key: nation code, organization/position/body key, person login."""
        ...

    def list_all(self, kind: type[E]) -> list[E]:
        """Every entity of ``kind``, oldest first."""
        ...

    def grants_of(self, person: str) -> list[ClearanceGrant]:
        """Every clearance grant of ``person`` (current or not), oldest first."""
        ...

    def add_item(self, item: Item) -> Item:
        """Insert ``item`` with the next global sequence number; returns it with ``seq`` set."""
        ...

    def get_item(self, ident: str) -> Item | None:
        """The item with id ``ident``."""
        ...

    def replace_item(self, item: Item) -> None:
        """Overwrite an item's mutable fields (its label, after relabeling)."""
        ...

    def list_items(
        self, *, body: str | None, mode: Mode, after_seq: int = 0, limit: int | None = None
    ) -> list[Item]:
        """Items of ``mode`` (in ``body``, or all bodies) with ``seq > after_seq``, by seq."""
        ...

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        """Chain ``entry`` onto the audit log in this transaction."""
        ...

    def audit_records(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditRecord]:
        """Audit records with ``seq > after_seq``, in order."""
        ...

    def match_groups(self, terms: Sequence[str], *, mode: Mode) -> list[MatchGroup]:
        """How many items of ``mode`` contain every word of ``terms`` (``fulltext.words``
        output) in their text or paragraphs, per (body, label) — every match: the caller
        decides access."""
        ...

    def search_items(
        self, terms: Sequence[str], *, mode: Mode, among: Collection[tuple[str, str]], limit: int
    ) -> list[Item]:
        """The newest ``limit`` matching items whose (body, label) is one of ``among``."""
        ...

    def post_keys(self, person: str, keys: Collection[str]) -> dict[str, PostKey]:
        """The idempotency keys among ``keys`` that ``person`` posted under, by key."""
        ...

    def add_post_keys(self, keys: Sequence[PostKey]) -> None:
        """Record idempotency keys (a key already used by the person is a Conflict)."""
        ...

    def audit_tail(self) -> tuple[int, str]:
        """The last audit record's ``(seq, hash)`` in this transaction; ``(0, GENESIS)`` when
        the chain is empty (a checkpoint signs it)."""
        ...


class Store(Protocol):
    """Runs units of work; see the module docstring for the guarantees."""

    node: str

    def submit(self, fn: Callable[[UnitOfWork], T]) -> Future[T]:
        """Queue ``fn``; the future resolves once its transaction is durably committed."""
        ...

    def close(self) -> None:
        """Finish queued work and release connections."""
        ...
