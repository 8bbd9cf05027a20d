"""``bcm audit verify`` / ``checkpoint`` / ``rotate-key`` from the command line, the key file's
permissions and rotation, and the memory store's chain."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from bcm.audit.keys import load_key
from bcm.audit.signing import KEY_ACTION, NodeKey
from bcm.audit.verify import verify_database, verify_records
from bcm.errors import InvalidInput
from bcm.services import checkpoints
from bcm.services.core import Services
from bcm.storage.memory import MemoryStore
from tests.audit import world
from tests.audit.cli import bcm
from tests.audit.conftest import ENGINES, Copies
from tests.audit.test_tamper import tampering


@pytest.mark.parametrize("engine", ENGINES)
def test_verify_exits_0_with_the_count_then_1_naming_the_bad_seq(
    engine: str, copies: Copies, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copies(engine)
    args = ("audit", "verify", "--database", copy.url, "--key-file", str(copy.key_file))
    code, out, _ = bcm(capsys, *args)
    assert code == 0
    assert out.startswith(f"audit chain verified: {copy.records} records, 2 checkpoints")
    with tampering(copy) as conn:
        world.modify(conn, 17, "actor")
    code, out, _ = bcm(capsys, *args)
    assert code == 1
    assert (
        out.strip()
        == "audit chain broken at seq 17: column actor disagrees with the canonical bytes"
    )
    code, out, _ = bcm(capsys, *args, "--json")
    assert code == 1
    assert json.loads(out) | {"records": 0} == {
        "ok": False,
        "records": 0,
        "checkpoints": 0,
        "keys": 1,
        "last_checkpoint": 0,
        "anchored": False,
        "seq": 17,
        "reason": "column actor disagrees with the canonical bytes",
    }


def test_init_generates_an_owner_only_key_beside_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    assert bcm(capsys, "init", "--database", url)[0] == 0
    key = tmp_path / "node.db.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    code, out, _ = bcm(capsys, "audit", "verify", "--database", url)
    assert (code, out.strip()) == (
        0,
        "audit chain verified: 1 records, 0 checkpoints, 1 keys (anchored by the node key file)",
    )


def test_init_honours_the_key_file_environment_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "keys" / "elsewhere.key"
    monkeypatch.setenv("BCM_KEY_FILE", str(key))
    url = f"sqlite:///{tmp_path / 'node.db'}"
    assert bcm(capsys, "init", "--database", url)[0] == 0
    assert key.is_file()
    assert not (tmp_path / "node.db.key").exists()
    assert verify_database(url).anchored


def test_checkpoint_and_rotation_keep_the_chain_verifiable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    bcm(capsys, "init", "--database", url)
    old = load_key(tmp_path / "node.db.key")
    code, out, _ = bcm(capsys, "audit", "checkpoint", "--database", url)
    assert (code, out.strip()) == (0, "checkpoint 2 signs the chain up to seq 1")
    code, out, _ = bcm(capsys, "audit", "rotate-key", "--database", url, "--json")
    rotated = json.loads(out)
    assert code == 0
    assert rotated["old"] == old.key_id != rotated["new"]
    assert load_key(tmp_path / "node.db.key").key_id == rotated["new"]
    history = (tmp_path / "node.db.key.pub").read_text().split()
    assert history[0::2] == [old.key_id, rotated["new"]]
    report = verify_database(url)
    assert (report.ok, report.keys, report.checkpoints, report.records) == (True, 2, 2, 4)


def test_a_forged_key_endorsement_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    bcm(capsys, "init", "--database", url)
    bcm(capsys, "audit", "rotate-key", "--database", url)
    copy = world.Copy(url, tmp_path / "node.db.key", 3)

    def forged(record: world.AuditRecord) -> world.AuditRecord:
        detail = dict(record.entry.detail, endorsement=NodeKey.generate().sign(b"x"))
        return world.replace_entry(record, detail=detail)

    with tampering(copy) as conn:
        assert world.actions(conn)[:2] == [KEY_ACTION, KEY_ACTION]
        world.rechain(conn, 2, forged)
    report = verify_database(url)
    assert report.problem is not None
    assert report.problem.seq == 2
    assert report.problem.reason.startswith("endorsement of key")


def test_an_exposed_or_missing_key_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'node.db'}"
    bcm(capsys, "init", "--database", url)
    key = tmp_path / "node.db.key"
    os.chmod(key, 0o644)
    code, out, err = bcm(capsys, "audit", "verify", "--database", url)
    assert (code, out) == (1, "")
    assert err == "bcm: key file: permissions 0600 (owner only), not 0644\n"
    with pytest.raises(InvalidInput, match="readable Ed25519 key file"):
        verify_database(url, key_file=tmp_path / "missing.key")
    code, _, err = bcm(capsys, "audit", "verify", "--database", f"sqlite:///{tmp_path / 'no.db'}")
    assert code == 1
    assert err.startswith("bcm: database")
    assert err.count("\n") == 1


def test_without_the_key_file_the_chain_still_verifies_unanchored(copies: Copies) -> None:
    copy = copies("sqlite")
    copy.key_file.unlink()
    report = verify_database(copy.url)
    assert (report.ok, report.anchored, report.checkpoints) == (True, False, 2)


def test_the_memory_store_chain_verifies_and_its_tampering_is_named() -> None:
    services = Services(MemoryStore())
    key = NodeKey.generate()
    services.run(checkpoints.register_key, key)
    services.run(checkpoints.checkpoint, key)
    assert services.run(checkpoints.checkpoint_if_new, key) is None
    records = services.run(lambda tx: tx.uow.audit_records())
    assert verify_records(records, node=services.node).ok
    swapped = [records[1], records[0]]
    report = verify_records(swapped, node=services.node)
    assert report.problem is not None
    assert report.problem.seq == 1
