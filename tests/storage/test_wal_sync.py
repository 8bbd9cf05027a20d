"""On a SQLite file the writer commits without syncing and a second thread fsyncs the
write-ahead log before anyone hears of success (bcm.storage.groupcommit.WalSync)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pytest

from bcm.domain.events import ItemPosted
from bcm.domain.model import Item, Mode
from bcm.storage import groupcommit
from bcm.storage.groupcommit import SqlStore
from bcm.storage.port import UnitOfWork
from tests.storage.test_contract import item_in, structure


def _count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])


def test_success_is_told_only_after_the_log_is_synced(
    make_url: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = make_url("sqlite")
    path = Path(url.removeprefix("sqlite:///"))
    store = SqlStore(url)
    gate, synced = threading.Event(), []
    real_fsync = groupcommit.os.fsync

    def held_fsync(descriptor: int) -> None:
        assert gate.wait(timeout=30)
        real_fsync(descriptor)
        synced.append(descriptor)

    try:
        made = store.submit(structure).result(timeout=30)
        monkeypatch.setattr(groupcommit.os, "fsync", held_fsync)
        posted: Future[Item] = store.submit(lambda uow: item_in(uow, made))
        # committed (another connection reads it) but not yet synced: nobody is told
        for _ in range(300):
            if _count(path) == 1:
                break
            threading.Event().wait(0.01)
        assert _count(path) == 1
        assert not posted.done()
        # meanwhile the writer is not held up: more batches commit behind the sync
        more = [store.submit(lambda uow: item_in(uow, made)) for _ in range(20)]
        for _ in range(300):
            if _count(path) == 21:
                break
            threading.Event().wait(0.01)
        assert _count(path) == 21
        assert not any(f.done() for f in [posted, *more])
        gate.set()
        seqs = [f.result(timeout=30).seq for f in [posted, *more]]
        assert seqs == list(range(1, 22))
        assert synced  # the held fsync ran before the answers
    finally:
        gate.set()
        store.close()


def test_a_failed_sync_fails_the_callers(
    make_url: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SqlStore(make_url("sqlite"))

    def broken_fsync(_descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    try:
        made = store.submit(structure).result(timeout=30)
        monkeypatch.setattr(groupcommit.os, "fsync", broken_fsync)
        with pytest.raises(OSError, match="Input/output error"):
            store.submit(lambda uow: item_in(uow, made)).result(timeout=30)
    finally:
        monkeypatch.undo()
        store.close()


def test_close_syncs_and_answers_everything_queued(make_url: Callable[..., str]) -> None:
    url = make_url("sqlite")
    store = SqlStore(url)
    made = store.submit(structure).result(timeout=30)
    futures = [store.submit(lambda uow: item_in(uow, made)) for _ in range(50)]
    store.close()
    assert all(f.done() and f.exception() is None for f in futures)
    reopened = SqlStore(url)
    try:
        listed = reopened.submit(
            lambda uow: uow.list_items(body=None, mode=Mode.REAL_WORLD)
        ).result(timeout=30)
        assert len(listed) == 50
    finally:
        reopened.close()


@pytest.mark.postgres
def test_postgres_commits_are_durable_by_themselves(make_url: Callable[..., str]) -> None:
    store = SqlStore(make_url("postgres"))
    try:
        assert store._sync is None  # PostgreSQL's COMMIT waits for its own WAL flush
        made = store.submit(structure).result(timeout=30)
        assert store.submit(lambda uow: item_in(uow, made)).result(timeout=30).seq == 1
    finally:
        store.close()


def test_reads_need_no_fsync_but_keep_their_place_behind_writes(
    make_url: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SqlStore(make_url("sqlite"))
    gate, calls = threading.Event(), []
    real_fsync = groupcommit.os.fsync

    def counted_fsync(descriptor: int) -> None:
        calls.append(descriptor)
        assert gate.wait(timeout=30)
        real_fsync(descriptor)

    try:
        made = store.submit(structure).result(timeout=30)
        monkeypatch.setattr(groupcommit.os, "fsync", counted_fsync)
        gate.set()
        for _ in range(5):  # batches of reads alone: answered without an fsync
            assert store.submit(lambda uow: uow.audit_tail()).result(timeout=30)[0] >= 0
        assert calls == []
        gate.clear()
        written = store.submit(lambda uow: item_in(uow, made))
        for _ in range(300):  # the write's batch committed and waits for its fsync
            if calls:
                break
            threading.Event().wait(0.01)
        assert calls
        read = store.submit(lambda uow: uow.list_items(body=None, mode=Mode.REAL_WORLD))
        threading.Event().wait(0.2)
        assert not written.done()
        assert not read.done()  # it saw the write: it waits for the write to be durable
        gate.set()
        assert [i.seq for i in read.result(timeout=30)] == [written.result(timeout=30).seq]
    finally:
        gate.set()
        store.close()


def test_the_log_of_a_database_reached_through_a_symlink_is_the_one_synced(
    make_url: Callable[..., str], tmp_path: Path
) -> None:
    real = Path(make_url("sqlite").removeprefix("sqlite:///"))
    link = tmp_path / "linked.db"
    link.symlink_to(real)
    store = SqlStore(f"sqlite:///{link}")
    try:
        assert store._sync is not None
        assert store._sync.wal == Path(f"{real.resolve()}-wal")
        made = store.submit(structure).result(timeout=30)
        store.submit(lambda uow: item_in(uow, made)).result(timeout=30)
        assert store._sync.wal.exists()
    finally:
        store.close()


def test_a_publisher_that_submits_is_refused_instead_of_deadlocking(
    make_url: Callable[..., str],
) -> None:
    """Publishers run on the sync thread, which resolves every future: a unit of work
    submitted from there could never be answered."""
    refused: list[BaseException] = []

    class Submitting:
        store: SqlStore | None = None

        def publish(self, events: object) -> None:
            assert self.store is not None
            try:
                self.store.submit(lambda uow: uow.audit_tail())
            except RuntimeError as error:
                refused.append(error)

    publisher = Submitting()
    store = SqlStore(make_url("sqlite"), publisher=publisher)  # type: ignore[arg-type]
    publisher.store = store
    try:
        made = store.submit(structure).result(timeout=30)

        def post(uow: UnitOfWork) -> int:
            item = item_in(uow, made)
            uow.events.append(ItemPosted(item.id, item.seq, item.body, item.label, item.mode))
            return item.seq

        assert store.submit(post).result(timeout=30) == 1  # committed and answered
        assert refused
        assert "deadlock" in str(refused[0])
    finally:
        store.close()
