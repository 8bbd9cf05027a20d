"""Periodic checkpoints (what ``bcm serve`` runs): signed while records arrive, not while
the node is idle, and not at all without a key file."""

from __future__ import annotations

import time
from pathlib import Path

from bcm.audit.keys import load_witness
from bcm.audit.node import start_checkpoints
from bcm.audit.signing import CHECKPOINT_ACTION
from bcm.audit.verify import verify_database
from bcm.bootstrap import init_database, open_services
from bcm.domain.audit import AuditEntry
from bcm.services import audit, people


def _checkpoints(services: object) -> list[int]:
    records = services.run(audit.list_records)  # type: ignore[attr-defined]
    return [r.seq for r in records if r.entry.action == CHECKPOINT_ACTION]


def test_checkpoints_are_signed_periodically_while_records_arrive(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    init_database(url)
    services = open_services(url)
    try:
        checkpointer = start_checkpoints(services, url, interval=0.05)
        assert checkpointer is not None
        deadline = time.monotonic() + 10
        while not _checkpoints(services) and time.monotonic() < deadline:
            time.sleep(0.02)
        first = _checkpoints(services)
        time.sleep(0.3)  # idle: no new records, so no new checkpoint
        assert _checkpoints(services) == first == [2]
        services.run(people.list_people)  # structural reads are not audited
        services.run(audit.record, AuditEntry(None, "test.event", None, services.clock.now()))
        deadline = time.monotonic() + 10
        while len(_checkpoints(services)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        checkpointer.stop()
        assert _checkpoints(services) == [2, 4]
    finally:
        services.close()
    witness = load_witness(tmp_path / "node.db.key")
    assert witness is not None
    assert witness.seq == 4
    report = verify_database(url)
    assert (report.ok, report.checkpoints, report.anchored) == (True, 2, True)


def test_no_key_file_means_no_checkpointer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    init_database(url)
    (tmp_path / "node.db.key").unlink()
    services = open_services(url)
    try:
        assert start_checkpoints(services, url) is None
    finally:
        services.close()
