"""Backups that are consistent while the node runs, and restores that verify.

- SQLite: the online backup API copies the database in one step, inside one read
  transaction — a snapshot of committed transactions that never blocks the writer (WAL).
- PostgreSQL: ``pg_dump --format=custom`` (one REPEATABLE READ snapshot); ``pg_restore``
  into an empty database. Debian's tools are found in ``/usr/lib/postgresql/*/bin``.

A snapshot holds whole transactions, and every item is committed with its audit record, so
a restored database's audit chain verifies and continues where the snapshot ends. The node
key is not in a backup (it never is in the database): keep it apart (docs/audit.md).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bcm.audit.keys import key_path, load_witness, witness_path
from bcm.audit.reader import audit_snapshot, libpq_url, one_line
from bcm.audit.verify import Report, verify_database
from bcm.errors import BcmError, Conflict, InvalidInput, NotFound
from bcm.storage.engine import normalize_url, sqlite_path

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True, slots=True)
class Restored:
    """What ``restore`` did: the verification of the restored chain, and a witness moved
    aside when the backup ends before the last checkpoint this node signed."""

    report: Report
    lost_after: int | None = None


def backup(url: str, target: Path) -> Path:
    """Write a consistent snapshot of the database at ``url`` to ``target`` (a new file)."""
    normalize_url(url)
    if target.exists():
        raise Conflict(f"{target} already exists; back up to a new file")
    partial = target.with_name(f".{target.name}.partial")
    try:
        database = sqlite_path(url)
        if database is not None:
            _sqlite_copy(database, partial)
        else:
            _tool("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={partial}", f"--dbname={libpq_url(url)}")  # fmt: skip
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(source: Path, url: str, *, key_file: str | None = None) -> Restored:
    """Restore the backup ``source`` into the new or empty database at ``url``, then verify
    it. Refuses a database that already holds tables."""
    magic = _magic(source)
    database = sqlite_path(normalize_url(url))
    if database is not None:
        if magic != SQLITE_MAGIC:
            raise InvalidInput("FILE", "a SQLite backup (bcm backup of a sqlite:/// database)")
        _restore_sqlite(source, database)
    else:
        if magic != PGDUMP_MAGIC:
            raise InvalidInput(
                "FILE", "a PostgreSQL backup (bcm backup of a postgresql:// database)"
            )
        _restore_postgres(source, url)
    return _check(url, key_file)


def _magic(source: Path) -> bytes:
    try:
        with source.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise NotFound("backup file", str(source)) from error
    return head if head == SQLITE_MAGIC else head[: len(PGDUMP_MAGIC)]


def _restore_sqlite(source: Path, database: Path) -> None:
    if database.exists() and database.stat().st_size > 0:
        raise Conflict(f"{database} already exists; restore into a new database file")
    partial = database.with_name(f".{database.name}.partial")
    try:
        _sqlite_copy(source, partial)
        os.replace(partial, database)
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise NotFound("database", str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.execute("PRAGMA busy_timeout=10000")
        reader.backup(writer)  # one step: a single read transaction, a consistent snapshot
        writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    except sqlite3.Error as error:
        raise BcmError(f"cannot copy {source}: {error}") from error
    finally:
        reader.close()
        writer.close()
    with target.open("rb") as handle:
        os.fsync(handle.fileno())


def _restore_postgres(source: Path, url: str) -> None:
    import psycopg

    try:
        with psycopg.connect(libpq_url(url)) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()
    except psycopg.Error as error:
        raise BcmError(f"cannot connect to {url}: {one_line(str(error))}") from error
    if tables and tables[0]:
        raise Conflict(f"{url} already holds tables; restore into an empty database")
    _tool("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={libpq_url(url)}", str(source))  # fmt: skip


def _tool(name: str, *args: str) -> None:
    program = find_tool(name)
    done = subprocess.run([program, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = one_line(done.stderr).removeprefix(f"{name}: ")
        raise BcmError(f"{name}: {detail or 'failed'}")


def find_tool(name: str) -> str:
    """The newest Debian PostgreSQL client ``name`` (pg_dump, pg_restore), else one on PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_major)
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path is None:
        raise BcmError(f"{name} not found; install PostgreSQL's client tools")
    return on_path


def _major(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


def _check(url: str, key_file: str | None) -> Restored:
    """Verify the restored chain. When the backup ends before the last checkpoint this node
    signed (the witness), those later records are lost: the witness is moved aside, named
    after where the restored chain ends, so the node can go on, and the loss is reported."""
    report = verify_database(url, key_file=key_file)
    with audit_snapshot(url) as snapshot:
        path = key_path(url, snapshot.node, key_file)
        witness = load_witness(path) if path.exists() else None
        node = snapshot.node
    if report.ok or witness is None or witness.node != node or witness.seq <= report.records:
        return Restored(report)
    kept = witness_path(path)
    kept.rename(kept.with_name(f"{kept.name}.lost-after-{report.records}"))
    return Restored(verify_database(url, key_file=key_file), lost_after=report.records)
