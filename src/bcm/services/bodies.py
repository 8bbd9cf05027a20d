"""Coordination bodies: creation and membership (operators); the ceiling is a label."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bcm.domain.events import MembershipChanged
from bcm.domain.model import (
    Body,
    BodyKind,
    Membership,
    Nation,
    Organization,
    Person,
    Position,
    Role,
    Stage,
)
from bcm.errors import InvalidInput, NotFound
from bcm.services.core import Tx
from bcm.services.labels import parse_as
from bcm.services.refs import parse_enum, resolve, resolve_all
from bcm.services.subjects import require_actor, require_role


@dataclass(frozen=True, slots=True)
class Members:
    """References (ids or keys/logins) of a membership rule."""

    organizations: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()


def create_body(
    tx: Tx,
    *,
    actor: str,
    key: str,
    name: str,
    kind: str,
    ceiling: str,
    members: Members = Members(),
    nation: str | None = None,
) -> Body:
    """Create a body (operator only); centers start in standby."""
    require_role(require_actor(tx, actor), Role.OPERATOR)
    body = check_new_body(tx, key, name, kind, ceiling, members, nation)
    return do_create_body(tx, body, actor=actor)


def check_new_body(
    tx: Tx,
    key: str,
    name: str,
    kind: str,
    ceiling: str,
    members: Members,
    nation: str | None,
) -> Body:
    """Validate a new body; every member reference must exist."""
    if not key.strip() or not name.strip():
        raise InvalidInput("key" if not key.strip() else "name", "a non-empty value")
    body_kind = parse_enum(BodyKind, kind, "kind")
    return Body(
        id=tx.new_id(),
        node=tx.node,
        key=key,
        name=name,
        kind=body_kind,
        ceiling=str(parse_as(ceiling, "ceiling")),
        membership=check_members(tx, members),
        nation=None if nation is None else resolve(tx, Nation, nation, "nation").code,
        stage=Stage.STANDBY if body_kind is BodyKind.CENTER_WATCH else None,
        created_at=tx.now,
    )


def check_members(tx: Tx, members: Members, prefix: str = "members") -> Membership:
    """Resolve a membership rule's references to ids."""
    orgs = resolve_all(tx, Organization, members.organizations, f"{prefix}.organizations")
    positions = resolve_all(tx, Position, members.positions, f"{prefix}.positions")
    people = resolve_all(tx, Person, members.people, f"{prefix}.people")
    return Membership(
        organizations=frozenset(o.id for o in orgs),
        positions=frozenset(p.id for p in positions),
        people=frozenset(p.id for p in people),
    )


def do_create_body(tx: Tx, body: Body, *, actor: str | None) -> Body:
    """Store and record a new body."""
    tx.uow.add(body)
    detail = {"key": body.key, "kind": body.kind.value, "members": _members_detail(body)}
    tx.audit(actor, "body.create", body.id, label=body.ceiling, detail=detail)
    return body


def add_members(tx: Tx, body: str, members: Members, *, actor: str) -> Body:
    """Add organizations, positions or people to a body's membership (operator only)."""
    return _change(tx, body, members, actor, add=True)


def remove_members(tx: Tx, body: str, members: Members, *, actor: str) -> Body:
    """Remove them (operator only); need-to-know ends on the next read."""
    return _change(tx, body, members, actor, add=False)


def _change(tx: Tx, ref: str, members: Members, actor: str, *, add: bool) -> Body:
    require_role(require_actor(tx, actor), Role.OPERATOR)
    body = get_body(tx, ref)
    delta = check_members(tx, members)
    rule = body.membership
    combine = frozenset.union if add else frozenset.difference
    updated = replace(
        body,
        membership=Membership(
            organizations=combine(rule.organizations, delta.organizations),
            positions=combine(rule.positions, delta.positions),
            people=combine(rule.people, delta.people),
        ),
    )
    tx.uow.replace(updated)
    action = "body.member.add" if add else "body.member.remove"
    tx.audit(actor, action, body.id, detail={"members": _members_detail(updated)})
    tx.emit(MembershipChanged(body.id))
    return updated


def get_body(tx: Tx, ref: str) -> Body:
    """A body by id or key (bodies are structure; their items are not)."""
    body = tx.uow.get(Body, ref) or tx.uow.find(Body, ref)
    if body is None:
        raise NotFound("body", ref)
    return body


def list_bodies(tx: Tx) -> list[Body]:
    """Every body."""
    return tx.uow.list_all(Body)


def _members_detail(body: Body) -> dict[str, list[str]]:
    rule = body.membership
    return {
        "organizations": sorted(rule.organizations),
        "positions": sorted(rule.positions),
        "people": sorted(rule.people),
    }
