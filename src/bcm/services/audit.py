"""The audit chain as other packages use it: appending an entry of their own (a login, a
checkpoint) and reading records in order. Verification and queries build on these."""

from __future__ import annotations

from bcm.domain.audit import AuditEntry, AuditRecord
from bcm.services.core import Tx


def record(tx: Tx, entry: AuditEntry) -> AuditRecord:
    """Append ``entry`` in this unit of work (committed before the caller's future resolves)."""
    return tx.uow.append_audit(entry)


def list_records(tx: Tx, after_seq: int = 0, limit: int | None = None) -> list[AuditRecord]:
    """Records with ``seq > after_seq`` in order, each checked against its canonical bytes."""
    return tx.uow.audit_records(after_seq=after_seq, limit=limit)
