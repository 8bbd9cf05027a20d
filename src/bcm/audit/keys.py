"""The node key file: where it lives, restrictive permissions, the witness beside it.

The key file holds the node's Ed25519 private key (PKCS #8 PEM) with mode 0600, like an SSH
key: a group- or world-readable key file is refused. Where it lives: ``--key-file``, else
``$BCM_KEY_FILE``, else beside a SQLite database (``bcm.db`` → ``bcm.db.key``), else (a
PostgreSQL database) ``$XDG_DATA_HOME/bcm/<node>.key`` (``~/.local/share/bcm/<node>.key``).

Beside it, ``<key file>.witness`` remembers the last checkpoint this node signed (node, seq,
hash). The database cannot vouch for its own tail — whoever can write it can cut records off
the end — but the witness lives outside it, so ``bcm audit verify`` notices a chain that no
longer reaches the last checkpoint. ``<key file>.pub`` keeps the public halves of every key
this file has held (the chain keeps them too).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from bcm.audit.signing import NodeKey
from bcm.errors import InvalidInput
from bcm.storage.engine import sqlite_path

KEY_ENV = "BCM_KEY_FILE"


def key_path(url: str, node: str, explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where the key of the node ``node`` stored at ``url`` lives (module docstring)."""
    if explicit:
        return Path(explicit)
    if os.environ.get(KEY_ENV):
        return Path(os.environ[KEY_ENV])
    database = sqlite_path(url)
    if database is not None:
        return database.with_name(database.name + ".key")
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "bcm" / f"{node}.key"


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600 (a temporary file, fsync, rename)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


def save_key(path: Path, key: NodeKey) -> None:
    """Store ``key`` at ``path`` (0600) and add its public half to ``<path>.pub``."""
    write_private(path, key.to_pem())
    history = path.with_name(path.name + ".pub")
    with history.open("a", encoding="utf-8") as out:
        out.write(f"{key.key_id} {key.public_hex}\n")


def load_key(path: Path) -> NodeKey:
    """The key stored at ``path``; refuses a missing, unreadable, foreign or exposed file."""
    try:
        mode = path.stat().st_mode
        pem = path.read_bytes()
    except OSError as error:
        raise InvalidInput(
            "key file", f"a readable Ed25519 key file ({error.strerror}: {path})"
        ) from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput("key file", f"permissions 0600 (owner only), not {mode & 0o777:04o}")
    try:
        return NodeKey.from_pem(pem)
    except ValueError as error:
        raise InvalidInput(
            "key file", f"an Ed25519 private key in PEM ({error}): {path}"
        ) from error


@dataclass(frozen=True, slots=True)
class Witness:
    """The last checkpoint record this node signed: it must stay in the chain."""

    node: str
    seq: int
    hash: str


def witness_path(key: Path) -> Path:
    """The witness file of the key file ``key``."""
    return key.with_name(key.name + ".witness")


def save_witness(key: Path, witness: Witness) -> None:
    """Remember ``witness`` beside the key file."""
    doc = {"node": witness.node, "seq": witness.seq, "hash": witness.hash}
    write_private(witness_path(key), json.dumps(doc).encode())


def load_witness(key: Path) -> Witness | None:
    """The witness beside ``key``, if there is one."""
    try:
        doc = json.loads(witness_path(key).read_text(encoding="utf-8"))
        return Witness(str(doc["node"]), int(doc["seq"]), str(doc["hash"]))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidInput("witness file", f"JSON with node, seq and hash ({error})") from error
