"""The ``Directory`` port over the services, and the guard that checks a person's standing
inside the unit of work of every service call made through the API.

Standing: the person exists, and if they were ever granted a clearance, at least one grant
is still active (not suspended or revoked). Suspension or revocation of the last one ends
every session and token at once. An expired or not yet acknowledged clearance does not end
standing — the access policy already shows such a person nothing, and they must be able to
sign in to acknowledge their obligations; nor does having no clearance at all (an operator
who manages structure only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bcm.auth.directory import Identity
from bcm.domain.audit import AuditEntry
from bcm.domain.model import ClearanceGrant, ClearanceStatus, Person, Role
from bcm.domain.policy import Subject
from bcm.errors import Unauthenticated
from bcm.services import audit
from bcm.services.core import Services, Tx
from bcm.services.subjects import load_subject

T = TypeVar("T")


class LostStanding(Unauthenticated):
    """The acting person no longer may use BCM; ``reason`` says why (for the audit only)."""

    def __init__(self, person_id: str, reason: str) -> None:
        super().__init__("no valid session or token")
        self.person_id = person_id
        self.reason = reason


def standing_problem(tx: Tx, person: Person) -> str | None:
    """Why ``person`` may not use BCM now, or None."""
    return grants_problem(list(tx.uow.grants_of(person.id)))


def grants_problem(grants: Sequence[ClearanceGrant]) -> str | None:
    """Why a person holding ``grants`` may not use BCM, or None (see the module docstring)."""
    if not grants or any(g.status is ClearanceStatus.ACTIVE for g in grants):
        return None
    return f"clearance {grants[-1].status.value}"


def subject_in_standing(tx: Tx, actor: str) -> Subject:
    """The actor as the access policy's subject, after the standing check — one load of the
    person and grants serves both (the hot path of posting)."""
    try:
        subject = load_subject(tx, actor)
    except Unauthenticated:
        raise LostStanding(actor, "person removed") from None
    problem = grants_problem(subject.grants)
    if problem is not None:
        raise LostStanding(actor, problem)
    return subject


def identity_of(tx: Tx, ref: str, *, by_login: bool) -> Identity | None:
    """The identity of a person by id or login, with their standing now."""
    person = tx.uow.find(Person, ref) if by_login else tx.uow.get(Person, ref)
    if person is None:
        return None
    return Identity(
        person.id,
        person.login,
        person.has_role(Role.OPERATOR),
        standing_problem(tx, person),
    )


def guarded(op: Callable[..., T]) -> Callable[..., T]:
    """``op`` preceded, in the same unit of work, by the actor's standing check."""

    def run(tx: Tx, *args: Any, actor: str, **kwargs: Any) -> T:
        person = tx.uow.get(Person, actor)
        problem = "person removed" if person is None else standing_problem(tx, person)
        if problem is not None:
            raise LostStanding(actor, problem)
        return op(tx, *args, actor=actor, **kwargs)

    return run


class ServicesDirectory:
    """People and the audit chain through the services (blocking: call from a thread)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def identity_by_login(self, login: str) -> Identity | None:
        """The person with this login, as of now."""
        return self.services.run(identity_of, login, by_login=True)

    def identity(self, person_id: str) -> Identity | None:
        """The person with this id, as of now."""
        return self.services.run(identity_of, person_id, by_login=False)

    def audit(self, entry: AuditEntry) -> None:
        """Append and wait for the commit."""
        self.services.run(audit.record, entry)
