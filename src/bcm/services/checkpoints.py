"""Signed audit checkpoints and node key registration, as units of work.

Both append an ordinary audit record (``actor`` ``None``: the node itself acts), so they
are chained, backed up and verified like everything else; see :mod:`bcm.audit.signing`
for what is signed.
"""

from __future__ import annotations

from bcm.audit.signing import (
    CHECKPOINT_ACTION,
    KEY_ACTION,
    NodeKey,
    checkpoint_detail,
    key_detail,
)
from bcm.domain.audit import AuditRecord
from bcm.services.core import Tx


def register_key(tx: Tx, key: NodeKey, *, previous: NodeKey | None = None) -> AuditRecord:
    """Record ``key``'s public half in the chain; when rotating, ``previous`` (the key in
    use until now) endorses it."""
    detail = key_detail(tx.node, key, previous)
    return tx.audit(None, KEY_ACTION, key.key_id, allowed=True, detail=detail)


def checkpoint(tx: Tx, key: NodeKey) -> AuditRecord:
    """Sign the chain as it stands (its last record's seq and hash) with ``key`` and append
    the signature as a checkpoint record."""
    seq, record_hash = tx.uow.audit_tail()
    detail = checkpoint_detail(tx.node, seq, record_hash, key)
    return tx.audit(None, CHECKPOINT_ACTION, key.key_id, allowed=True, detail=detail)


def checkpoint_if_new(tx: Tx, key: NodeKey) -> AuditRecord | None:
    """A checkpoint unless the last record already is one (periodic checkpoints of an idle
    node would otherwise only sign each other)."""
    seq, _ = tx.uow.audit_tail()
    if seq > 0:
        last = tx.uow.audit_records(after_seq=seq - 1, limit=1)
        if last and last[0].entry.action == CHECKPOINT_ACTION:
            return None
    return checkpoint(tx, key)
