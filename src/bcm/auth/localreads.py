"""The per-request credential reads on a local SQLite file, without SQLAlchemy.

Every API request reads its token (or session) row. Through SQLAlchemy Core that read costs
a pool checkout, statement caching and result processing — several times the ~20 µs the
SQLite query itself takes, and all of it on the event loop. Here each thread keeps one
plain read-only ``sqlite3`` connection to the file and runs the statement compiled once.
Nothing is cached between requests: each read sees the latest committed state (WAL), so a
revoked token or ended session fails on the next request, as through SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select
from sqlalchemy.dialects import sqlite as sqlite_dialect


def local_file(engine: Engine) -> Path | None:
    """The database file behind a SQLite engine (None for other engines and in-memory)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def parse_time(value: str | None) -> datetime | None:
    """A stored SQLite DATETIME (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC) as an aware datetime."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


class LocalReads:
    """Read-only statements on one SQLite file, one connection per calling thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []
        self._closed = False

    @staticmethod
    def compile(statement: Select[Any]) -> str:
        """``statement`` as SQLite SQL with ``?`` placeholders (positional, in order)."""
        compiled = statement.compile(dialect=sqlite_dialect.dialect())
        return str(compiled)

    def first(self, sql: str, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The first row of ``sql`` (or None)."""
        row: tuple[Any, ...] | None = self._connection().execute(sql, params).fetchone()
        return row

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        with self._lock:
            if self._closed:
                raise RuntimeError("the auth store is closed")
            # Autocommit mode: every statement reads the newest committed snapshot.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA query_only=1")
            self._opened.append(conn)
            return conn

    def close(self) -> None:
        """Close every connection opened (from any thread); later reads fail."""
        with self._lock:
            self._closed = True
            for conn in self._opened:
                conn.close()
            self._opened.clear()
