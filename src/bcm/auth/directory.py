"""What authentication needs from the rest of BCM, as a small port.

``bcm.bootstrap``-side code adapts the services to it; tests may hand-write a fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bcm.auth.tokens import Scope
from bcm.domain.audit import AuditEntry


@dataclass(frozen=True, slots=True)
class Identity:
    """The few facts about a person that authentication uses."""

    person_id: str
    login: str
    is_operator: bool = False


class Directory(Protocol):
    """People, their standing, and the audit chain."""

    def identity_by_login(self, login: str) -> Identity | None:
        """The person with this login name, or None."""
        ...

    def identity(self, person_id: str) -> Identity | None:
        """The person with this id, or None."""
        ...

    def standing(self, person_id: str, now: datetime) -> str | None:
        """None while the person may use BCM; otherwise why not (clearance revoked…)."""
        ...

    def audit(self, entry: AuditEntry) -> None:
        """Append ``entry`` to the audit chain (committed before returning)."""
        ...


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, and through what: a session (every scope) or an API token."""

    person_id: str
    login: str
    via: Literal["session", "token"]
    credential_id: str
    scopes: frozenset[Scope]
    is_operator: bool = False

    def may(self, scope: Scope) -> bool:
        """Whether the credential carries ``scope``."""
        return scope in self.scopes
