"""What authentication needs from the rest of BCM, as a small port.

``bcm.bootstrap``-side code adapts the services to it; tests may hand-write a fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bcm.auth.tokens import Scope
from bcm.domain.audit import AuditEntry


@dataclass(frozen=True, slots=True)
class Identity:
    """The few facts about a person that authentication uses; ``problem`` says why the
    person may not use BCM now (no current clearance...), ``None`` when they may."""

    person_id: str
    login: str
    is_operator: bool = False
    problem: str | None = None


class Directory(Protocol):
    """People, their standing, and the audit chain."""

    def identity_by_login(self, login: str) -> Identity | None:
        """The person with this login name as of now, or None."""
        ...

    def identity(self, person_id: str) -> Identity | None:
        """The person with this id as of now, or None."""
        ...

    def audit(self, entry: AuditEntry) -> None:
        """Append ``entry`` to the audit chain (committed before returning)."""
        ...


@dataclass(frozen=True, slots=True)
class Credential:
    """A checked session or API token: whose, and which scopes (a session holds all).

    Checking a credential reads only the auth tables; whether the person is still in good
    standing is checked separately (``Authenticator.resolve``, or inside the unit of work
    of the service call on hot paths), on every request.
    """

    person_id: str
    via: Literal["session", "token"]
    credential_id: str
    scopes: frozenset[Scope]

    def may(self, scope: Scope) -> bool:
        """Whether the credential carries ``scope``."""
        return scope in self.scopes


@dataclass(frozen=True, slots=True)
class Principal:
    """A credential whose person was found in good standing."""

    credential: Credential
    login: str
    is_operator: bool = False

    @property
    def person_id(self) -> str:
        """The person's id."""
        return self.credential.person_id

    @property
    def via(self) -> str:
        """``session`` or ``token``."""
        return self.credential.via

    @property
    def scopes(self) -> frozenset[Scope]:
        """The scopes of the credential."""
        return self.credential.scopes

    def may(self, scope: Scope) -> bool:
        """Whether the credential carries ``scope``."""
        return self.credential.may(scope)
