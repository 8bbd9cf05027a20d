"""Audit entries (what a service asks to record) and audit records (what the chain holds).

A record's ``canonical`` bytes are the RFC 8785 JSON of its fields (``bcm.storage.chain``
builds and hashes them); every other field of a stored record is derived from those bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One thing that happened: who (``actor``, a person id or ``None`` for the node itself),
    what (``action`` on ``target``), the ``label`` involved, the ``allowed`` decision and its
    ``reason`` for reads, and free ``detail`` (JSON-compatible values only)."""

    actor: str | None
    action: str
    target: str | None
    at: datetime
    label: str | None = None
    allowed: bool | None = None
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """An entry as chained: ``seq`` from 1, ``prev_hash`` of the record before (64 zeros for
    the first), ``hash`` = SHA-256 of ``canonical``."""

    seq: int
    id: str
    node: str
    entry: AuditEntry
    prev_hash: str
    hash: str
    canonical: bytes


def content_digest(text: str, paragraphs: Sequence[tuple[str, str]]) -> str:
    """SHA-256 of an item's content (its text and its portion-marked paragraphs), recorded in
    the ``item.post`` audit record so that verification proves the stored content unchanged
    (the chain holds ids and labels, never content itself). Each part is length-prefixed
    (``<bytes>:<utf-8>``), so no two different contents share an encoding."""
    encoded = text.encode("utf-8")
    framed = [b"%d:%b" % (len(encoded), encoded)]
    for mark, body in paragraphs:
        for part in (mark.encode("utf-8"), body.encode("utf-8")):
            framed.append(b"%d:%b" % (len(part), part))
    return hashlib.sha256(b"".join(framed)).hexdigest()
