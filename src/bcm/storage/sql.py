"""The storage port over one SQL connection (SQLite or PostgreSQL), via SQLAlchemy Core.

The global item sequence and the audit chain's tail are read once per batch transaction
(after the batch took the cross-process append lock, see ``groupcommit``) and then tracked
in :class:`Tails`, which the writer saves and restores around each unit of work's SAVEPOINT,
so a rolled-back unit of work leaves no gap in either sequence.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Table, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from bcm.domain.audit import AuditEntry, AuditRecord
from bcm.domain.events import Event
from bcm.domain.ids import new_id
from bcm.domain.model import ClearanceGrant, Item, Mode, PostKey
from bcm.errors import Conflict
from bcm.storage import chain, codecs, fulltext, schema
from bcm.storage.keys import natural_key
from bcm.storage.port import E, Entity


@dataclass(slots=True)
class Tails:
    """Per-batch state: the last item sequence number, the audit chain's last (seq, hash),
    and a read cache of structural entities.

    The cache is sound because nothing else writes while a batch runs: the batch holds the
    database's write lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL's append advisory lock,
    which every BCM writer takes), every write of the batch goes through this unit of work
    and drops the cached entries of its kind, and a rolled-back unit of work drops the whole
    cache. It lives for one batch only, so the next batch reads committed state afresh.
    """

    item_seq: int
    audit_seq: int
    audit_hash: str
    cache: dict[tuple[Any, ...], Any] = field(default_factory=dict)
    pending_items: list[tuple[Any, ...]] = field(default_factory=list)
    pending_audit: list[tuple[Any, ...]] = field(default_factory=list)
    marks: tuple[int, int] = (0, 0)

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
        marks = (len(self.pending_items), len(self.pending_audit))
        return Tails(self.item_seq, self.audit_seq, self.audit_hash, marks=marks)

    def flush(self, hot: HotPath, cursor: Any) -> None:
        """Write the buffered item and audit rows (one ``executemany`` each)."""
        if self.pending_items:
            hot.item_insert.execute_many(cursor, self.pending_items)
            if hot.fts_fill is not None:  # one statement for the lot (migration r0005)
                seqs = [row[_ITEM_SEQ] for row in self.pending_items]
                cursor.execute(hot.fts_fill, (min(seqs), max(seqs)))
            self.pending_items.clear()
        if self.pending_audit:
            hot.audit_insert.execute_many(cursor, self.pending_audit)
            self.pending_audit.clear()

    def restore(self, saved: Tails) -> None:
        """Return to ``saved`` (after a rollback; the read cache is dropped)."""
        self.item_seq, self.audit_seq, self.audit_hash = (
            saved.item_seq,
            saved.audit_seq,
            saved.audit_hash,
        )
        self.cache.clear()
        del self.pending_items[saved.marks[0] :]
        del self.pending_audit[saved.marks[1] :]

    def forget(self, kind: type[Any]) -> None:
        """Drop every cached read of ``kind`` (after a write of that kind)."""
        for key in [k for k in self.cache if k[0] is kind]:
            del self.cache[key]


_GRANTS_OF = (
    select(schema.clearances)
    .where(schema.clearances.c.person == bindparam("b_v"))
    .order_by(schema.clearances.c.id)
)


_ITEM_SEQ = codecs.ITEM_COLUMNS.index("seq")


class RawStatement:
    """An insert of whole rows compiled once for a dialect and run on the DBAPI cursor
    directly: the hot path of group commit (two inserts per posted item) skips SQLAlchemy's
    per-call overhead, which is most of the cost at thousands of statements per second.
    Rows are tuples in ``columns`` order."""

    def __init__(self, table: Table, columns: tuple[str, ...], dialect: Dialect) -> None:
        if tuple(c.name for c in table.columns) != columns:
            raise ValueError(f"{table.name}: the columns are {[c.name for c in table.columns]}")
        compiled: Any = table.insert().compile(dialect=dialect)
        self.sql = str(compiled)
        self.columns = columns
        self.order: list[str] | None = compiled.positiontup if compiled.positional else None
        if self.order is not None and tuple(self.order) != columns:
            raise ValueError(f"{table.name}: parameters in order {self.order}")

    def execute_many(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        """Insert ``rows``; drivers batch it (psycopg pipelines it)."""
        if self.order is not None:
            cursor.executemany(self.sql, rows)
        else:
            columns = self.columns
            cursor.executemany(self.sql, [dict(zip(columns, row, strict=True)) for row in rows])


class HotPath:
    """The raw statements of one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.item_insert = RawStatement(schema.items, codecs.ITEM_COLUMNS, dialect)
        self.audit_insert = RawStatement(schema.audit, chain.AUDIT_COLUMNS, dialect)
        # SQLite's full-text index is the writer's to fill; PostgreSQL's trigger fills its own
        self.fts_fill = fulltext.SQLITE_FILL if dialect.name == "sqlite" else None
        self.dbapi_error: type[Exception] = dialect.loaded_dbapi.Error


class SqlUnitOfWork:
    """Repositories over ``conn``, inside the writer's current SAVEPOINT."""

    def __init__(
        self, conn: Connection, node: str, tails: Tails, hot: HotPath, cursor: Any
    ) -> None:
        self.node = node
        self.events: list[Event] = []
        self._conn = conn
        self._tails = tails
        self._hot = hot
        self._cursor = cursor
        self.dirty = False  # set before any write: the writer must roll back a failure

    def _flush(self) -> None:
        """Reads of items and audit records must see the rows buffered so far."""
        self._tails.flush(self._hot, self._cursor)

    def add(self, entity: Entity) -> None:
        """Insert; a used id or natural key is a :class:`Conflict`."""
        kind = type(entity)
        codec = codecs.CODECS[kind]
        key = natural_key(entity)
        if key is not None and self._one(kind, "key", key) is not None:
            raise Conflict(f"{kind.__name__.lower()} {key!r} already exists")
        self.dirty = True
        self._tails.forget(kind)
        try:
            self._conn.execute(codec.insert, codec.to_row(entity))
        except IntegrityError as error:
            raise Conflict(f"{kind.__name__.lower()}: {error.orig}") from error

    def replace(self, entity: Entity) -> None:
        """Overwrite by id."""
        codec = codecs.CODECS[type(entity)]
        row = codec.to_row(entity)
        self.dirty = True
        self._tails.forget(type(entity))
        self._conn.execute(codec.update, {**row, "b_id": row[codec.id_column]})

    def get(self, kind: type[E], ident: str) -> E | None:
        """By id."""
        return cast("E | None", self._one(kind, "id", ident))

    def find(self, kind: type[E], key: str) -> E | None:
        """By natural key."""
        return cast("E | None", self._one(kind, "key", key))

    def _one(self, kind: type[Any], by: str, value: str) -> Any:
        cache_key = (kind, by, value)
        if cache_key in self._tails.cache:
            return self._tails.cache[cache_key]
        codec = codecs.CODECS[kind]
        query = codec.by_id if by == "id" else codec.by_key
        if query is None:
            return None
        row = self._conn.execute(query, {"b_v": value}).mappings().first()
        found = None if row is None else codec.from_row(row)
        self._tails.cache[cache_key] = found
        return found

    def list_all(self, kind: type[E]) -> list[E]:
        """In id order (oldest first; nations by code)."""
        codec = codecs.CODECS[kind]
        query = select(codec.table).order_by(codec.table.c[codec.id_column])
        return [cast("E", codec.from_row(r)) for r in self._conn.execute(query).mappings()]

    def grants_of(self, person: str) -> list[ClearanceGrant]:
        """Every grant of ``person``, by id."""
        cache_key = (ClearanceGrant, "person", person)
        if cache_key not in self._tails.cache:
            rows = self._conn.execute(_GRANTS_OF, {"b_v": person}).mappings()
            self._tails.cache[cache_key] = [codecs.grant_of(r) for r in rows]
        return list(self._tails.cache[cache_key])

    def add_item(self, item: Item) -> Item:
        """Buffer with the next global sequence number (written before the next read of
        items, or at the end of the batch)."""
        stored = _with_seq(item, self._tails.item_seq + 1)
        self.dirty = True
        self._tails.pending_items.append(codecs.item_values(stored))
        self._tails.item_seq = stored.seq
        return stored

    def get_item(self, ident: str) -> Item | None:
        """By id."""
        self._flush()
        query = select(schema.items).where(schema.items.c.id == ident)
        row = self._conn.execute(query).mappings().first()
        return None if row is None else codecs.item_of(row)

    def replace_item(self, item: Item) -> None:
        """Overwrite the label (the only mutable field of an item)."""
        self._flush()
        self.dirty = True
        table = schema.items
        self._conn.execute(table.update().where(table.c.id == item.id).values(label=item.label))

    def list_items(
        self, *, body: str | None, mode: Mode, after_seq: int = 0, limit: int | None = None
    ) -> list[Item]:
        """By sequence number."""
        self._flush()
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
        self.dirty = True
        tails.pending_audit.append(chain.audit_values(record))
        tails.audit_seq, tails.audit_hash = record.seq, record.hash
        return record

    def audit_records(self, *, after_seq: int = 0, limit: int | None = None) -> list[AuditRecord]:
        """In order, each checked against its canonical bytes."""
        self._flush()
        table = schema.audit
        query = select(table).where(table.c.seq > after_seq).order_by(table.c.seq)
        if limit is not None:
            query = query.limit(limit)
        rows = self._conn.execute(query).mappings()
        return [chain.record_from_stored(dict(r)) for r in rows]

    def match_groups(self, terms: Sequence[str], *, mode: Mode) -> list[fulltext.MatchGroup]:
        """Counted by the engine's full-text index (migration r0003)."""
        self._flush()
        return fulltext.sql_groups(self._conn, terms, mode)

    def search_items(
        self, terms: Sequence[str], *, mode: Mode, among: Collection[tuple[str, str]], limit: int
    ) -> list[Item]:
        """Through the engine's full-text index."""
        self._flush()
        return fulltext.sql_page(self._conn, terms, mode, among, limit)

    def post_keys(self, person: str, keys: Collection[str]) -> dict[str, PostKey]:
        """From the table (written directly, never buffered: a later unit of work in the same
        batch sees them)."""
        table = schema.post_keys
        query = select(table).where(table.c.person == person, table.c.key.in_(list(keys)))
        rows = self._conn.execute(query).mappings()
        return {r["key"]: codecs.post_key_of(r) for r in rows}

    def add_post_keys(self, keys: Sequence[PostKey]) -> None:
        """Insert; a key the person used before is a :class:`Conflict`."""
        self.dirty = True
        try:
            self._conn.execute(schema.post_keys.insert(), [codecs.post_key_row(k) for k in keys])
        except IntegrityError as error:
            raise Conflict("an idempotency key was used before") from error

    def audit_tail(self) -> tuple[int, str]:
        """From the tails tracked in this batch (read under the append lock)."""
        return self._tails.audit_seq, self._tails.audit_hash


def _with_seq(item: Item, seq: int) -> Item:
    """``replace(item, seq=seq)``, spelled out: this runs for every posted item and
    ``dataclasses.replace`` costs several times more."""
    return Item(
        item.id,
        item.node,
        seq,
        item.body,
        item.author,
        item.organization,
        item.label,
        item.mode,
        item.created_at,
        item.text,
        item.paragraphs,
        item.supersedes,
    )
