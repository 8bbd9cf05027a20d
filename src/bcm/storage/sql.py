"""The storage port over one SQL connection (SQLite or PostgreSQL), via SQLAlchemy Core.

The global item sequence and the audit chain's tail are read once per batch transaction
(after the batch took the cross-process append lock, see ``groupcommit``) and then tracked
in :class:`Tails`, which the writer saves and restores around each unit of work's SAVEPOINT,
so a rolled-back unit of work leaves no gap in either sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from bcm.domain.audit import AuditEntry, AuditRecord
from bcm.domain.events import Event
from bcm.domain.ids import new_id
from bcm.domain.model import ClearanceGrant, Item, Mode
from bcm.errors import Conflict
from bcm.storage import chain, codecs, schema
from bcm.storage.keys import natural_key
from bcm.storage.port import E, Entity


@dataclass(slots=True)
class Tails:
    """The last item sequence number and the audit chain's last (seq, hash)."""

    item_seq: int
    audit_seq: int
    audit_hash: str

    @classmethod
    def load(cls, conn: Connection) -> Tails:
        """Read both tails inside the current transaction."""
        item_seq = conn.execute(select(func.max(schema.items.c.seq))).scalar()
        last = conn.execute(
            select(schema.audit.c.seq, schema.audit.c.hash)
            .order_by(schema.audit.c.seq.desc())
            .limit(1)
        ).first()
        if last is None:
            return cls(int(item_seq or 0), 0, chain.GENESIS)
        return cls(int(item_seq or 0), int(last[0]), str(last[1]))

    def copy(self) -> Tails:
        """A snapshot to restore after a rollback."""
        return Tails(self.item_seq, self.audit_seq, self.audit_hash)

    def restore(self, saved: Tails) -> None:
        """Return to ``saved``."""
        self.item_seq, self.audit_seq, self.audit_hash = (
            saved.item_seq,
            saved.audit_seq,
            saved.audit_hash,
        )


class SqlUnitOfWork:
    """Repositories over ``conn``, inside the writer's current SAVEPOINT."""

    def __init__(self, conn: Connection, node: str, tails: Tails) -> None:
        self.node = node
        self.events: list[Event] = []
        self._conn = conn
        self._tails = tails

    def add(self, entity: Entity) -> None:
        """Insert; a used id or natural key is a :class:`Conflict`."""
        codec = codecs.CODECS[type(entity)]
        key = natural_key(entity)
        if key is not None and self._has_key(codec, key):
            raise Conflict(f"{type(entity).__name__.lower()} {key!r} already exists")
        try:
            self._conn.execute(codec.table.insert(), codec.to_row(entity))
        except IntegrityError as error:
            raise Conflict(f"{type(entity).__name__.lower()}: {error.orig}") from error

    def _has_key(self, codec: codecs.Codec, key: str) -> bool:
        assert codec.key_column is not None
        query = select(codec.table.c[codec.id_column]).where(codec.table.c[codec.key_column] == key)
        return self._conn.execute(query).first() is not None

    def replace(self, entity: Entity) -> None:
        """Overwrite by id."""
        codec = codecs.CODECS[type(entity)]
        row = codec.to_row(entity)
        ident = codec.table.c[codec.id_column]
        self._conn.execute(codec.table.update().where(ident == row[codec.id_column]), row)

    def get(self, kind: type[E], ident: str) -> E | None:
        """By id."""
        codec = codecs.CODECS[kind]
        return self._one(kind, codec.table.c[codec.id_column] == ident)

    def find(self, kind: type[E], key: str) -> E | None:
        """By natural key."""
        codec = codecs.CODECS[kind]
        if codec.key_column is None:
            return None
        return self._one(kind, codec.table.c[codec.key_column] == key)

    def _one(self, kind: type[E], where: Any) -> E | None:
        codec = codecs.CODECS[kind]
        row = self._conn.execute(select(codec.table).where(where)).mappings().first()
        return None if row is None else cast("E", codec.from_row(row))

    def list_all(self, kind: type[E]) -> list[E]:
        """In id order (oldest first; nations by code)."""
        codec = codecs.CODECS[kind]
        query = select(codec.table).order_by(codec.table.c[codec.id_column])
        return [cast("E", codec.from_row(r)) for r in self._conn.execute(query).mappings()]

    def grants_of(self, person: str) -> list[ClearanceGrant]:
        """Every grant of ``person``, by id."""
        table = schema.clearances
        query = select(table).where(table.c.person == person).order_by(table.c.id)
        return [codecs.grant_of(r) for r in self._conn.execute(query).mappings()]

    def add_item(self, item: Item) -> Item:
        """Insert with the next global sequence number."""
        stored = replace(item, seq=self._tails.item_seq + 1)
        try:
            self._conn.execute(schema.items.insert(), codecs.item_row(stored))
        except IntegrityError as error:
            raise Conflict(f"item: {error.orig}") from error
        self._tails.item_seq = stored.seq
        return stored

    def get_item(self, ident: str) -> Item | None:
        """By id."""
        query = select(schema.items).where(schema.items.c.id == ident)
        row = self._conn.execute(query).mappings().first()
        return None if row is None else codecs.item_of(row)

    def replace_item(self, item: Item) -> None:
        """Overwrite the label (the only mutable field of an item)."""
        table = schema.items
        self._conn.execute(table.update().where(table.c.id == item.id).values(label=item.label))

    def list_items(
        self, *, body: str | None, mode: Mode, after_seq: int = 0, limit: int | None = None
    ) -> list[Item]:
        """By sequence number."""
        table = schema.items
        query = select(table).where(table.c.mode == mode.value, table.c.seq > after_seq)
        if body is not None:
            query = query.where(table.c.body == body)
        query = query.order_by(table.c.seq)
        if limit is not None:
            query = query.limit(limit)
        return [codecs.item_of(r) for r in self._conn.execute(query).mappings()]

    def append_audit(self, entry: AuditEntry) -> AuditRecord:
        """Chain after the tail and insert."""
        tails = self._tails
        record = chain.chain(tails.audit_seq + 1, new_id(), self.node, entry, tails.audit_hash)
        self._conn.execute(schema.audit.insert(), chain.audit_columns(record))
        tails.audit_seq, tails.audit_hash = record.seq, record.hash
        return record

    def audit_records(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditRecord]:
        """In order, each checked against its canonical bytes."""
        table = schema.audit
        query = select(table).where(table.c.seq > after_seq).order_by(table.c.seq)
        if limit is not None:
            query = query.limit(limit)
        rows = self._conn.execute(query).mappings()
        return [chain.record_from_stored(dict(r)) for r in rows]

    def audit_tail(self) -> tuple[int, str]:
        """From the tails tracked in this batch (read under the append lock)."""
        return self._tails.audit_seq, self._tails.audit_hash
