"""A hand-written Directory for testing authentication without the services."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bcm.auth.directory import Identity
from bcm.domain.audit import AuditEntry


@dataclass
class FakeDirectory:
    """People by login, a settable standing, and the audit entries received."""

    people: dict[str, Identity] = field(default_factory=dict)
    barred: dict[str, str] = field(default_factory=dict)
    entries: list[AuditEntry] = field(default_factory=list)

    def add(self, login: str, *, operator: bool = False) -> Identity:
        who = Identity(f"id-{login}", login, operator)
        self.people[login] = who
        return who

    def identity_by_login(self, login: str) -> Identity | None:
        who = self.people.get(login)
        return None if who is None else replace(who, problem=self.barred.get(who.person_id))

    def identity(self, person_id: str) -> Identity | None:
        found = (p for p in self.people.values() if p.person_id == person_id)
        return next((self.identity_by_login(p.login) for p in found), None)

    def audit(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    def actions(self) -> list[str]:
        return [entry.action for entry in self.entries]
