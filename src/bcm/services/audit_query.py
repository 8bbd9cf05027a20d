"""Audit queries for security officers: who saw this item, what did this person see and do.

Only the security-officer role may ask; a refused query is recorded as such, and every
answered query is itself recorded (who asked, about what, how many records came back).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bcm.domain.audit import AuditRecord
from bcm.domain.model import Role
from bcm.errors import Forbidden, InvalidInput
from bcm.services.core import Tx
from bcm.services.subjects import person_by_login, require_actor
from bcm.storage.chain import format_time

PAGE = 2000
QUERY_ACTION = "audit.query"


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Exactly one of ``item`` (an item id) and ``person`` (a login), within an optional
    time window (both ends included)."""

    item: str | None = None
    person: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def check(self) -> None:
        """Raise :class:`InvalidInput` unless the query is well formed."""
        if (self.item is None) == (self.person is None):
            raise InvalidInput("query", "exactly one of --item ID or --person LOGIN")
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("--from", "a time not after --to")

    def detail(self) -> dict[str, Any]:
        """How the query is recorded in the chain."""
        return {
            "item": self.item,
            "person": self.person,
            "from": None if self.since is None else format_time(self.since),
            "to": None if self.until is None else format_time(self.until),
        }


def query_audit(tx: Tx, query: AuditQuery, *, actor: str) -> list[AuditRecord]:
    """The audit records about ``query.item`` (reads, lists and searches that returned it,
    posts, relabels) or by ``query.person``, oldest first."""
    query.check()
    officer = require_actor(tx, actor)
    target = query.item if query.item is not None else query.person
    if not officer.has_role(Role.SECURITY_OFFICER):
        reason = "audit queries need the security-officer role"
        tx.audit(
            officer.id, QUERY_ACTION, target, allowed=False, reason=reason, detail=query.detail()
        )
        tx.refuse(Forbidden(f"{officer.login} lacks the security-officer role"))
    person = None if query.person is None else person_by_login(tx, query.person).id
    found = [r for r in _records(tx) if _in_window(r, query) and _about(r, query.item, person)]
    detail = query.detail() | {"count": len(found)}
    tx.audit(officer.id, QUERY_ACTION, target, allowed=True, detail=detail)
    return found


def _records(tx: Tx) -> Iterator[AuditRecord]:
    cursor = 0
    while True:
        page = tx.uow.audit_records(after_seq=cursor, limit=PAGE)
        yield from page
        if len(page) < PAGE:
            return
        cursor = page[-1].seq


def _in_window(record: AuditRecord, query: AuditQuery) -> bool:
    at = record.entry.at
    if query.since is not None and at < query.since:
        return False
    return query.until is None or at <= query.until


def _about(record: AuditRecord, item: str | None, person: str | None) -> bool:
    entry = record.entry
    if person is not None:
        return entry.actor == person
    if entry.target == item or entry.detail.get("supersedes") == item:
        return True
    returned = entry.detail.get("returned")
    return isinstance(returned, list) and any(r and r[0] == item for r in returned)
