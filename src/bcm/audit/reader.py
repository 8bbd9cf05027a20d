"""Read-only snapshots of the audit table straight from SQL, for the verifier.

Verification must not go through the writer thread (it would stall every write for as long
as it reads) and must not trust the storage adapter's own decoding (which already refuses
inconsistent rows): it opens its own read-only connection, in one snapshot transaction
(SQLite: a WAL read transaction; PostgreSQL: REPEATABLE READ, READ ONLY), and streams the
raw rows in ``seq`` order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from bcm.audit.scan import COLUMNS, Row
from bcm.errors import BcmError, NotFound
from bcm.storage.engine import normalize_url, sqlite_path

__all__ = ["COLUMNS", "ITEM_COLUMNS", "Row", "Snapshot", "Split", "audit_snapshot"]

ITEM_COLUMNS = "id, seq, body, author, label, mode, text, paragraphs"


class NotInitialized(BcmError):
    """The database holds no BCM audit chain."""


@dataclass(frozen=True, slots=True)
class Split:
    """A SQLite snapshot's chain by halves: the database file, the last seq, and
    ``rows(after, upto)``, the audit rows with ``after < seq <= upto`` (None: no bound)."""

    path: str
    last_seq: int
    rows: Callable[[int | None, int | None], Iterable[Row]]


@dataclass(slots=True)
class Snapshot:
    """The node id, the audit rows and then the item rows (iterators: read each once, the
    audit rows first), all from one snapshot; for SQLite, the same rows by halves."""

    node: str
    rows: Iterable[Row]
    items: Callable[[], Iterable[Row]]
    split: Split | None = None


def one_line(message: str) -> str:
    """A driver's or tool's multi-line message as one line (the CLI prints one line)."""
    return " ".join(message.split())


def libpq_url(url: str) -> str:
    """A ``postgresql://`` URL libpq and the PostgreSQL tools accept."""
    return "postgresql://" + normalize_url(url).split("://", 1)[1]


@contextmanager
def audit_snapshot(url: str) -> Iterator[Snapshot]:
    """The audit rows of the database at ``url`` in one consistent read-only snapshot."""
    path = sqlite_path(url)
    if path is not None:
        with _sqlite_snapshot(url, path) as snapshot:
            yield snapshot
    else:
        with _postgres_snapshot(url) as snapshot:
            yield snapshot


@contextmanager
def _sqlite_snapshot(url: str, path: Any) -> Iterator[Snapshot]:
    if not path.is_file():
        raise NotFound("database", str(path))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("BEGIN")
        node = _node(conn.execute, url, sqlite3.Error)
        rows = conn.execute(f"SELECT {COLUMNS} FROM audit ORDER BY seq")
        items = lambda: conn.execute(f"SELECT {ITEM_COLUMNS} FROM items")  # noqa: E731
        yield Snapshot(node, rows, items, _split(conn, path))
    finally:
        conn.close()


def _split(conn: sqlite3.Connection, path: Any) -> Split:
    last = conn.execute("SELECT max(seq) FROM audit").fetchone()[0]

    def rows(after: int | None, upto: int | None) -> Iterable[Row]:
        where = [f"seq {op} ?" for op, bound in ((">", after), ("<=", upto)) if bound is not None]
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        bounds = [bound for bound in (after, upto) if bound is not None]
        return conn.execute(f"SELECT {COLUMNS} FROM audit {condition} ORDER BY seq", bounds)

    return Split(str(path), last if isinstance(last, int) else 0, rows)


@contextmanager
def _postgres_snapshot(url: str) -> Iterator[Snapshot]:
    try:
        conn = psycopg.connect(libpq_url(url))
    except psycopg.Error as error:
        raise BcmError(f"cannot connect to {url}: {one_line(str(error))}") from error
    try:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            node = _node(conn.execute, url, psycopg.Error)
            with (
                conn.cursor(name="bcm_audit_snapshot") as cursor,
                conn.cursor(name="bcm_items_snapshot") as items,
            ):
                cursor.itersize = items.itersize = 5000
                cursor.execute(f"SELECT {COLUMNS} FROM audit ORDER BY seq")

                def item_rows() -> Iterable[Row]:
                    items.execute(f"SELECT {ITEM_COLUMNS} FROM items")
                    return items

                yield Snapshot(node, cursor, item_rows)
    finally:
        conn.close()


def _node(execute: Any, url: str, errors: type[Exception]) -> str:
    try:
        row = execute("SELECT value FROM meta WHERE key = 'node'").fetchone()
    except errors as error:
        raise NotInitialized(f"database {url} is not initialized ({error})") from error
    if row is None:
        raise NotInitialized(f"database {url} is not initialized (no node id)")
    return str(row[0])
