"""People and machine accounts: structure, managed by operators; a person's mode."""

from __future__ import annotations

from dataclasses import replace

from bcm.domain.events import ModeChanged
from bcm.domain.model import Mode, Nation, Organization, Person, PersonKind, Position, Role
from bcm.errors import InvalidInput
from bcm.services.core import Tx
from bcm.services.refs import parse_enum, resolve, resolve_all
from bcm.services.subjects import person_by_login, require_actor, require_role


def add_person(
    tx: Tx,
    *,
    actor: str,
    login: str,
    name: str,
    nationality: str,
    organization: str,
    kind: str = PersonKind.PERSON.value,
    positions: tuple[str, ...] = (),
    roles: tuple[str, ...] = (),
) -> Person:
    """Add a person (operator only); organization and positions by key or id."""
    require_role(require_actor(tx, actor), Role.OPERATOR)
    person = check_new_person(tx, login, name, nationality, organization, kind, positions, roles)
    return do_add_person(tx, person, actor=actor)


def check_new_person(
    tx: Tx,
    login: str,
    name: str,
    nationality: str,
    organization: str,
    kind: str,
    positions: tuple[str, ...],
    roles: tuple[str, ...],
) -> Person:
    """Validate a new person's fields; every reference must exist."""
    if not login.strip() or login != login.strip():
        raise InvalidInput("login", "a non-empty login name without surrounding spaces")
    if not name.strip():
        raise InvalidInput("name", "a non-empty name")
    return Person(
        id=tx.new_id(),
        node=tx.node,
        login=login,
        name=name,
        kind=parse_enum(PersonKind, kind, "kind"),
        nationality=resolve(tx, Nation, nationality, "nationality").code,
        organization=resolve(tx, Organization, organization, "organization").id,
        positions=tuple(p.id for p in resolve_all(tx, Position, positions, "positions")),
        roles=frozenset(parse_enum(Role, r, f"roles[{i}]") for i, r in enumerate(roles)),
        created_at=tx.now,
    )


def do_add_person(tx: Tx, person: Person, *, actor: str | None) -> Person:
    """Store and record a new person."""
    tx.uow.add(person)
    detail = {"login": person.login, "roles": sorted(r.value for r in person.roles)}
    tx.audit(actor, "person.add", person.id, detail=detail)
    return person


def set_mode(tx: Tx, mode: str, *, actor: str) -> Person:
    """Switch the actor between real-world and exercise."""
    person = require_actor(tx, actor)
    updated = replace(person, mode=parse_enum(Mode, mode, "mode"))
    tx.uow.replace(updated)
    tx.audit(actor, "person.mode", person.id, detail={"mode": updated.mode.value})
    tx.emit(ModeChanged(person.id, updated.mode))
    return updated


def get_person(tx: Tx, ref: str) -> Person:
    """A person by id or login (people are structure, not labeled content)."""
    return tx.uow.get(Person, ref) or person_by_login(tx, ref)


def list_people(tx: Tx) -> list[Person]:
    """Every person and machine account."""
    return tx.uow.list_all(Person)


def list_organizations(tx: Tx) -> list[Organization]:
    """Every organization."""
    return tx.uow.list_all(Organization)


def list_positions(tx: Tx) -> list[Position]:
    """Every position."""
    return tx.uow.list_all(Position)
