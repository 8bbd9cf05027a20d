"""Group commit: one writer thread runs every unit of work, many per transaction.

The writer takes whatever is queued (up to ``max_batch``), opens one transaction and runs
the units of work one after the other; their item and audit rows are buffered and written
with one ``executemany`` each (before any read that needs them, and at the end). One COMMIT
(one fsync) then makes the whole batch durable; only after it are events published, in
commit order, and each caller's future resolved.

A unit of work that raises before writing anything simply fails. One that raises after
writing cannot be undone in place, so the batch is rolled back and run again without it,
this time with each unit of work in its own SAVEPOINT: nothing the failed one wrote
survives (audit records included) and the others are not sunk. Savepoints cost two round
trips per unit of work, so they are used only on that rare path. Units of work may
therefore run more than once before committing: they must act only through their unit of
work (services do; the clock is read again, ids are drawn again).

On PostgreSQL the batch first takes a transaction-scoped advisory lock, so batches of
several server processes commit one after another: the item sequence and the audit chain
stay gap-free and in commit order across processes (docs/data-plane.md).

On a SQLite file the fsync is taken off the writer's path (:class:`WalSync`): the writer's
connection commits without syncing (``synchronous=NORMAL``) and goes on with the next batch
while a second thread fsyncs the write-ahead log — one fsync for every batch committed
meanwhile — and only then publishes those batches' events and resolves their futures, in
commit order. A caller therefore still hears of success only once its batch is on disk,
exactly as with a synchronous commit, but the disk's latency no longer stalls the writer.
Other connections may read a committed batch a few milliseconds before it is durable; a
power cut in that window loses it, and with it nothing any caller was told had succeeded.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from bcm.domain.events import Event, NullPublisher, Publisher
from bcm.errors import BcmError
from bcm.storage.engine import APPEND_LOCK_KEY, is_sqlite, node_of, open_engine, sqlite_path
from bcm.storage.port import Refused, UnitOfWork
from bcm.storage.sql import HotPath, SqlUnitOfWork, Tails

T = TypeVar("T")
log = logging.getLogger(__name__)


class _Retry(Exception):  # control flow inside the writer, never escapes it
    def __init__(self, job: _Job) -> None:
        super().__init__("retry the batch without this unit of work")
        self.job = job


@dataclass(slots=True)
class _Job:
    fn: Callable[[UnitOfWork], Any]
    future: Future[Any]
    outcome: tuple[bool, Any] = (False, None)
    events: list[Event] = field(default_factory=list)


class NotInitialized(BcmError):
    """The database has no BCM schema or node id."""


class WalSync:
    """Makes committed batches of a SQLite file durable (fsync of its write-ahead log) and
    then hands them to ``resolve``, in commit order, on a thread of its own."""

    def __init__(self, database: Path, resolve: Callable[[list[_Job]], None]) -> None:
        # SQLite names the log after the database's real path (it follows symlinks): so do we
        self.wal = Path(f"{database.resolve()}-wal")
        self._resolve = resolve
        self._synced_inode = -1
        self._queue: queue.SimpleQueue[tuple[list[_Job], bool] | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="bcm-sync", daemon=True)
        self.thread.start()

    def put(self, jobs: list[_Job], *, wrote: bool) -> None:
        """A batch just committed (not yet durable); ``wrote``: whether it changed anything
        (a batch of reads needs no fsync of its own, only its place in the order)."""
        self._queue.put((jobs, wrote))

    def close(self) -> None:
        """Sync and resolve what was put, then stop."""
        self._queue.put(None)
        self.thread.join()

    def _sync(self) -> None:
        """fsync the log; and its directory the first time a log file is seen (SQLite may
        create it anew, and its directory entry must be durable too)."""
        try:
            descriptor = os.open(self.wal, os.O_RDONLY)
        except FileNotFoundError:
            # The last connection closed: SQLite checkpointed the log into the database
            # (syncing it) and removed it. Sync the database file to be sure.
            descriptor = os.open(self.wal.with_name(self.wal.name[: -len("-wal")]), os.O_RDONLY)
        try:
            os.fsync(descriptor)
            inode = os.fstat(descriptor).st_ino
        finally:
            os.close(descriptor)
        if inode != self._synced_inode:
            directory = os.open(self.wal.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
            self._synced_inode = inode

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            batches, stop = ([], True) if first is None else ([first], False)
            while not stop:  # everything committed meanwhile shares one fsync
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                else:
                    batches.append(more)
            if batches:
                self._sync_and_resolve(batches)
            if stop:
                return

    def _sync_and_resolve(self, batches: list[tuple[list[_Job], bool]]) -> None:
        # Earlier batches were synced and resolved before these (one thread, in order), so
        # when none of these wrote, nothing any of them read can still be undurable.
        try:
            if any(wrote for _, wrote in batches):
                self._sync()
        except OSError as error:  # not known to be durable: no caller may hear "done"
            log.critical("cannot sync the write-ahead log %s: %s", self.wal, error)
            for jobs, _ in batches:
                for job in jobs:
                    job.future.set_exception(error)
            return
        for jobs, _ in batches:
            self._resolve(jobs)


class SqlStore:
    """The SQL adapter's store: one engine, one writer thread, group commit."""

    def __init__(
        self,
        url: str,
        *,
        publisher: Publisher | None = None,
        max_batch: int = 256,
    ) -> None:
        self.engine: Engine = open_engine(url)
        node = node_of(self.engine)
        if node is None:
            self.engine.dispose()
            raise NotInitialized(f"database {url} is not initialized; run 'bcm init' first")
        self.node = node
        self._hot = HotPath(self.engine.dialect)
        self.publisher: Publisher = publisher or NullPublisher()
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._closed = False
        database = sqlite_path(url) if is_sqlite(self.engine) else None
        self._sync = None if database is None else WalSync(database, self._resolve)
        self._thread = threading.Thread(target=self._loop, name="bcm-writer", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[[UnitOfWork], T]) -> Future[T]:
        """Queue ``fn``; its future resolves after the batch holding it has committed."""
        if self._closed:
            raise RuntimeError("store is closed")
        if threading.current_thread() is self._thread:
            raise RuntimeError("a unit of work may not submit another (it would deadlock)")
        if self._sync is not None and threading.current_thread() is self._sync.thread:
            # publishers run there, and that thread resolves every future: it would wait on itself
            raise RuntimeError("a publisher may not submit a unit of work (it would deadlock)")
        future: Future[T] = Future()
        self._queue.put(_Job(fn, future))
        return future

    def close(self) -> None:
        """Finish queued work, stop the writer, release connections."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()
        if self._sync is not None:
            self._sync.close()
        self.engine.dispose()

    # -- the writer thread ---------------------------------------------------------------
    def _loop(self) -> None:
        conn: Connection | None = None
        while True:
            batch, stop = self._next_batch()
            if batch:
                conn = self._serve(conn, batch)
            if stop:
                break
        if conn is not None:
            conn.close()

    def _serve(self, conn: Connection | None, batch: list[_Job]) -> Connection | None:
        """Run ``batch`` on ``conn`` (reconnecting if needed); the connection to keep."""
        try:
            if conn is None or conn.closed:
                conn = self.engine.connect()
                if self._sync is not None:  # commits need not sync: WalSync does (module doc)
                    dbapi: Any = conn.connection.dbapi_connection
                    dbapi.execute("PRAGMA synchronous=NORMAL")
        except Exception as error:  # the database is unreachable: fail the batch, don't hang
            log.exception("cannot connect to the database")
            for job in batch:
                if job.future.set_running_or_notify_cancel():
                    job.future.set_exception(error)
            return None
        if not self._run_batch(conn, batch):
            conn.invalidate()
            return None
        return conn

    def _next_batch(self) -> tuple[list[_Job], bool]:
        first = self._queue.get()
        if first is None:
            return [], True
        batch = [first]
        while len(batch) < self._max_batch:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return batch, True
            batch.append(job)
        return batch, False

    def _run_batch(self, conn: Connection, batch: list[_Job]) -> bool:
        """Run a batch optimistically without savepoints; if a unit of work fails after
        writing, roll the batch back and run the rest again, each in its own SAVEPOINT."""
        live = [job for job in batch if job.future.set_running_or_notify_cancel()]
        pending, savepoints = live, False
        dbapi: Any = conn.connection.dbapi_connection
        changes = dbapi.total_changes if self._sync is not None else 0
        try:
            while (failed := self._attempt(conn, pending, savepoints=savepoints)) is not None:
                pending, savepoints = [j for j in pending if j is not failed], True
        except Exception as error:  # the commit itself failed: nothing in the batch is durable
            log.exception("group commit failed")
            for job in live:
                job.future.set_exception(error)
            return False
        if self._sync is not None:  # SQLite counts every row the connection changed
            self._sync.put(live, wrote=dbapi.total_changes != changes)
        else:
            self._resolve(live)
        return True

    def _attempt(self, conn: Connection, jobs: list[_Job], *, savepoints: bool) -> _Job | None:
        """One transaction over ``jobs``: committed, or rolled back and the job to drop."""
        try:
            with conn.begin():
                if not is_sqlite(self.engine):
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPEND_LOCK_KEY})
                tails = Tails.load(conn)
                cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
                try:
                    for job in jobs:
                        if not self._run_job(conn, cursor, tails, job, savepoints=savepoints):
                            raise _Retry(job)
                    tails.flush(self._hot, cursor)
                finally:
                    cursor.close()
        except _Retry as retry:
            return retry.job
        return None

    def _run_job(
        self, conn: Connection, cursor: Any, tails: Tails, job: _Job, *, savepoints: bool
    ) -> bool:
        """Run one unit of work; False when it failed after writing without a savepoint to
        roll back to (the whole transaction must go). Savepoints go straight to the DBAPI
        cursor: SQLAlchemy need not track them."""
        saved = None
        if savepoints:
            tails.flush(self._hot, cursor)  # earlier jobs' rows must not sit in this savepoint
            cursor.execute("SAVEPOINT uow")
            saved = tails.copy()
        uow = SqlUnitOfWork(conn, self.node, tails, self._hot, cursor)
        try:
            result = job.fn(uow)
        except Refused as refused:
            job.outcome, job.events = (False, refused.error), uow.events
        except Exception as error:
            job.outcome, job.events = (False, error), []
            if saved is None:
                return not (uow.dirty or isinstance(error, DBAPIError | self._hot.dbapi_error))
            cursor.execute("ROLLBACK TO SAVEPOINT uow")
            tails.restore(saved)
        else:
            job.outcome, job.events = (True, result), uow.events
        if savepoints:
            cursor.execute("RELEASE SAVEPOINT uow")
        return True

    def _resolve(self, jobs: list[_Job]) -> None:
        for job in jobs:
            if job.events:
                try:
                    self.publisher.publish(job.events)
                except Exception:  # a broken subscriber must not fail a committed write
                    log.exception("publisher failed")
            ok, value = job.outcome
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)
