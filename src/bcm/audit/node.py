"""The node's accountability chores over wired services: installing its key (``bcm init``),
rotating it, signing checkpoints (on demand or periodically)."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from bcm.audit.keys import Witness, key_path, load_key, save_key, save_witness
from bcm.audit.signing import NodeKey
from bcm.domain.audit import AuditRecord
from bcm.services import checkpoints
from bcm.services.core import Services

log = logging.getLogger(__name__)
KeyFile = str | os.PathLike[str] | None


def install_key(services: Services, url: str, key_file: KeyFile = None) -> Path:
    """Make sure the node has a key (an existing key file is reused, else one is generated)
    and register its public half as the chain's first key; returns the key file's path."""
    path = key_path(url, services.node, key_file)
    if path.exists():
        key = load_key(path)
    else:
        key = NodeKey.generate()
        save_key(path, key)
    services.run(checkpoints.register_key, key)
    return path


@dataclass(frozen=True, slots=True)
class Rotation:
    """What ``rotate_key`` did."""

    path: Path
    old: str
    new: str


def rotate_key(services: Services, url: str, key_file: KeyFile = None) -> Rotation:
    """Replace the node key: the old key endorses the new one in the chain, then a
    checkpoint signed by the new key follows; old public keys stay in the chain and in
    ``<key file>.pub``."""
    path = key_path(url, services.node, key_file)
    old = load_key(path)
    new = NodeKey.generate()
    services.run(checkpoints.register_key, new, previous=old)
    save_key(path, new)
    take_checkpoint(services, url, path)
    return Rotation(path, old.key_id, new.key_id)


def take_checkpoint(
    services: Services, url: str, key_file: KeyFile = None, *, only_if_new: bool = False
) -> AuditRecord | None:
    """Sign the chain's current tail; the checkpoint record is remembered in the witness."""
    path = key_path(url, services.node, key_file)
    key = load_key(path)
    if only_if_new:
        record = services.run(checkpoints.checkpoint_if_new, key)
    else:
        record = services.run(checkpoints.checkpoint, key)
    if record is not None:
        save_witness(path, Witness(services.node, record.seq, record.hash))
    return record


class Checkpointer:
    """Signs a checkpoint every ``interval`` seconds while new records arrive (a daemon
    thread; ``stop()`` ends it). A server process starts one beside its services."""

    def __init__(
        self, services: Services, url: str, key_file: KeyFile = None, interval: float = 60.0
    ) -> None:
        self._args = (services, url, key_file)
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bcm-checkpoints", daemon=True)

    def start(self) -> Checkpointer:
        """Start the thread; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the current checkpoint, if one is being signed."""
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                take_checkpoint(*self._args, only_if_new=True)
            except Exception:  # a failed checkpoint is retried at the next tick
                log.exception("audit checkpoint failed")


def start_checkpoints(
    services: Services, url: str, key_file: KeyFile = None, interval: float = 60.0
) -> Checkpointer | None:
    """Start periodic checkpoints when the node has a key file (``None`` otherwise: a
    database initialized before keys existed, or a key kept elsewhere on purpose)."""
    if not key_path(url, services.node, key_file).exists():
        log.warning("no node key file: audit checkpoints are not signed (docs/audit.md)")
        return None
    return Checkpointer(services, url, key_file, interval).start()
