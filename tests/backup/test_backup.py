"""Backups taken while items are being posted restore to a database whose audit chain
verifies, holds exactly whole transactions (every restored item has its audit record and no
audit record names an item that is missing), and continues; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bcm.audit.node import take_checkpoint
from bcm.audit.verify import verify_database
from bcm.backup import backup, restore
from bcm.bootstrap import open_services
from bcm.domain.model import Mode
from bcm.errors import Conflict, InvalidInput
from bcm.services import audit, items, people
from bcm.storage.engine import sqlite_path
from bcm.testing.pgcluster import PgCluster
from tests.audit.cli import bcm
from tests.audit.world import POSTS, populate

ENGINES = [pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], str]:
    """``databases(engine)``: the URL of a new, empty database on ``engine``."""
    serial = iter(range(100))

    def make(engine: str) -> str:
        if engine == "sqlite":
            return f"sqlite:///{tmp_path / f'db-{next(serial)}.db'}"
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        return cluster.create_database()

    return make


class Poster:
    """Posts items from a thread until stopped; counts what was acknowledged."""

    def __init__(self, url: str) -> None:
        self.services = open_services(url)
        self.actor = self.services.run(people.get_person, "k.reyes").id
        self.posted = 0
        self.started = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.services.run(
                items.post_item,
                "bcc-yokota",
                actor=self.actor,
                label="SECRET//REL TO USA, JPN",
                text=f"track update {self.posted}",
            )
            self.posted += 1
            if self.posted == 20:
                self.started.set()

    def __enter__(self) -> Poster:
        self._thread.start()
        assert self.started.wait(30)
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(30)
        self.services.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_backup_taken_while_posting_restores_verified_and_the_chain_continues(
    engine: str, databases: Callable[[str], str], tmp_path: Path
) -> None:
    source, target, key = databases(engine), databases(engine), tmp_path / "node.key"
    populate(source, key, rounds=1)
    file = tmp_path / "node.backup"
    with Poster(source) as poster:
        before = poster.posted
        backup(source, file)
        after = poster.posted
    assert poster.posted > after >= before >= 20  # posting went on before, during and after

    done = restore(file, target, key_file=str(key))
    assert done.report.ok, done.report.problem
    assert done.report.anchored
    assert done.lost_after is None

    services = open_services(target)
    try:
        reyes = services.run(people.get_person, "k.reyes").id
        restored = services.run(items.access_items_since, 0, actor=reyes, limit=100_000)
        records = services.run(audit.list_records)
        posts = {r.entry.target for r in records if r.entry.action == "item.post"}
        readable = {i.id for i in restored}
        assert [i.seq for i in restored] == sorted(i.seq for i in restored)
        all_items = services.run(lambda tx: tx.uow.list_items(body=None, mode=Mode.REAL_WORLD))
        assert [i.seq for i in all_items] == list(range(1, len(all_items) + 1))
        assert posts == {i.id for i in all_items} >= readable
        # the populated items, every post acknowledged before the backup began, and at most
        # those acknowledged by its end (plus one in flight)
        assert len(POSTS) + before <= len(all_items) <= len(POSTS) + after + 1
        # the chain continues on the restored node
        services.run(items.post_item, "bcc-yokota", actor=reyes, label="SECRET//REL TO USA, JPN",
                     text="after the restore")  # fmt: skip
        take_checkpoint(services, target, key)
    finally:
        services.close()
    report = verify_database(target, key_file=key)
    assert report.ok, report.problem
    assert report.records > done.report.records + 2
    with pytest.raises(Conflict, match="restore into"):
        restore(file, target)


def test_restoring_an_older_backup_moves_the_witness_aside_and_reports_the_loss(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    key = tmp_path / "node.db.key"
    populate(url, key, rounds=1)
    backup(url, tmp_path / "old.backup")
    services = open_services(url)
    try:
        take_checkpoint(services, url)  # the node goes on and signs more
    finally:
        services.close()
    database = sqlite_path(url)
    assert database is not None
    for suffix in ("", "-wal", "-shm"):  # the disk fails
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    done = restore(tmp_path / "old.backup", url)
    assert done.report.ok
    assert done.report.anchored
    assert done.lost_after == done.report.records
    assert (tmp_path / f"node.db.key.witness.lost-after-{done.lost_after}").is_file()


def test_bad_backup_and_restore_input_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    populate(url, tmp_path / "node.db.key", rounds=1)
    file = backup(url, tmp_path / "node.backup")
    with pytest.raises(Conflict, match="back up to a new file"):
        backup(url, file)
    with pytest.raises(Conflict, match="restore into a new database file"):
        restore(file, url)
    with pytest.raises(InvalidInput, match="a PostgreSQL backup"):
        restore(file, "postgresql://nobody@127.0.0.1:1/none")
    (tmp_path / "garbage").write_bytes(b"not a backup")
    with pytest.raises(InvalidInput, match="a SQLite backup"):
        restore(tmp_path / "garbage", f"sqlite:///{tmp_path / 'other.db'}")


def test_the_cli_backs_up_and_restores(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    populate(url, tmp_path / "node.db.key", rounds=1)
    file = str(tmp_path / "node.backup")
    code, out, _ = bcm(capsys, "backup", "--database", url, file)
    assert code == 0
    assert out.startswith(f"backed up {url} to {file} (")
    target = f"sqlite:///{tmp_path / 'restored' / 'node.db'}"
    os.makedirs(tmp_path / "restored")
    shutil.copy2(tmp_path / "node.db.key", tmp_path / "restored" / "node.db.key")
    code, out, _ = bcm(capsys, "restore", file, "--database", target)
    assert code == 0
    assert out.startswith(f"restored {target}: audit chain verified (")
    code, out, err = bcm(capsys, "restore", str(tmp_path / "missing"), "--database", target)
    assert (code, out) == (1, "")
    assert err.startswith("bcm: backup file")
    assert err.count("\n") == 1
