"""Who is acting: loading a person as the access policy's :class:`Subject`."""

from __future__ import annotations

from bcm.domain.model import Organization, Person, Role
from bcm.domain.policy import Subject
from bcm.errors import Forbidden, NotFound, Unauthenticated
from bcm.services.core import Tx


def require_actor(tx: Tx, actor: str) -> Person:
    """The acting person; an unknown actor id is :class:`Unauthenticated`."""
    person = tx.uow.get(Person, actor)
    if person is None:
        raise Unauthenticated(f"unknown actor {actor!r}")
    return person


def load_subject(tx: Tx, actor: str) -> Subject:
    """The actor with their organization chain and clearance grants, as of ``tx.now``."""
    person = require_actor(tx, actor)
    return Subject(
        person=person,
        organizations=organization_chain(tx, person.organization),
        grants=tuple(tx.uow.grants_of(person.id)),
        now=tx.now,
    )


def organization_chain(tx: Tx, organization: str) -> tuple[str, ...]:
    """``organization`` followed by its ancestors (bounded: a cycle cannot loop forever)."""
    chain: list[str] = []
    current: str | None = organization
    while current is not None and current not in chain and len(chain) < 32:
        chain.append(current)
        found = tx.uow.get(Organization, current)
        current = None if found is None else found.parent
    return tuple(chain)


def require_role(person: Person, role: Role) -> None:
    """Raise :class:`Forbidden` unless ``person`` holds ``role``."""
    if not person.has_role(role):
        raise Forbidden(f"{person.login} lacks the {role.value} role")


def person_by_login(tx: Tx, login: str) -> Person:
    """The person with ``login`` (people are structure, not labeled content)."""
    person = tx.uow.find(Person, login)
    if person is None:
        raise NotFound("person", login)
    return person
