"""Rows ↔ entities for the SQL adapters. One encoder and one decoder per entity type."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select

from bcm.domain.model import (
    Body,
    BodyKind,
    ClearanceGrant,
    ClearanceRequest,
    ClearanceStatus,
    Item,
    Membership,
    Mode,
    Nation,
    Organization,
    Paragraph,
    Person,
    PersonKind,
    Position,
    PostKey,
    RequestStatus,
    Role,
    Stage,
)
from bcm.markings import Level
from bcm.storage import schema
from bcm.storage.chain import format_time, parse_time

Row = Mapping[Any, Any]


def _set(values: Iterable[str]) -> str:
    return json.dumps(sorted(values))


def _time(value: datetime | None) -> str | None:
    return None if value is None else format_time(value)


def _parse(value: str | None) -> datetime | None:
    return None if value is None else parse_time(value)


def _must(value: str) -> datetime:
    return parse_time(value)


def _strs(text: str) -> list[str]:
    return [str(v) for v in json.loads(text)]


def nation_row(n: Nation) -> dict[str, Any]:
    return {
        "code": n.code,
        "node": n.node,
        "name": n.name,
        "obligations": json.dumps(list(n.obligations)),
    }


def nation_of(r: Row) -> Nation:
    return Nation(r["code"], r["name"], r["node"], tuple(_strs(r["obligations"])))


def organization_row(o: Organization) -> dict[str, Any]:
    return {
        "id": o.id,
        "node": o.node,
        "key": o.key,
        "name": o.name,
        "nation": o.nation,
        "parent": o.parent,
    }


def organization_of(r: Row) -> Organization:
    return Organization(r["id"], r["node"], r["key"], r["name"], r["nation"], r["parent"])


def position_row(p: Position) -> dict[str, Any]:
    return {
        "id": p.id,
        "node": p.node,
        "key": p.key,
        "name": p.name,
        "organization": p.organization,
        "alternate": p.alternate,
        "supervisor": p.supervisor,
    }


def position_of(r: Row) -> Position:
    return Position(
        r["id"], r["node"], r["key"], r["name"], r["organization"], r["alternate"], r["supervisor"]
    )


def person_row(p: Person) -> dict[str, Any]:
    return {
        "id": p.id,
        "node": p.node,
        "login": p.login,
        "name": p.name,
        "kind": p.kind.value,
        "nationality": p.nationality,
        "organization": p.organization,
        "positions": json.dumps(list(p.positions)),
        "roles": _set(r.value for r in p.roles),
        "mode": p.mode.value,
        "created_at": _time(p.created_at),
    }


def person_of(r: Row) -> Person:
    return Person(
        id=r["id"],
        node=r["node"],
        login=r["login"],
        name=r["name"],
        kind=PersonKind(r["kind"]),
        nationality=r["nationality"],
        organization=r["organization"],
        positions=tuple(_strs(r["positions"])),
        roles=frozenset(Role(v) for v in _strs(r["roles"])),
        mode=Mode(r["mode"]),
        created_at=_parse(r["created_at"]),
    )


def grant_row(g: ClearanceGrant) -> dict[str, Any]:
    return {
        "id": g.id,
        "node": g.node,
        "person": g.person,
        "level": g.level.name,
        "compartments": _set(g.compartments),
        "groups": _set(g.groups),
        "authorizations": _set(g.authorizations),
        "valid_from": format_time(g.valid_from),
        "valid_until": format_time(g.valid_until),
        "granted_by": g.granted_by,
        "obligations": json.dumps(list(g.obligations)),
        "acknowledged_at": _time(g.acknowledged_at),
        "status": g.status.value,
        "status_reason": g.status_reason,
        "changed_at": _time(g.changed_at),
    }


def grant_of(r: Row) -> ClearanceGrant:
    return ClearanceGrant(
        id=r["id"],
        node=r["node"],
        person=r["person"],
        level=Level[r["level"]],
        valid_from=_must(r["valid_from"]),
        valid_until=_must(r["valid_until"]),
        granted_by=r["granted_by"],
        compartments=frozenset(_strs(r["compartments"])),
        groups=frozenset(_strs(r["groups"])),
        authorizations=frozenset(_strs(r["authorizations"])),
        obligations=tuple(_strs(r["obligations"])),
        acknowledged_at=_parse(r["acknowledged_at"]),
        status=ClearanceStatus(r["status"]),
        status_reason=r["status_reason"],
        changed_at=_parse(r["changed_at"]),
    )


def request_row(q: ClearanceRequest) -> dict[str, Any]:
    return {
        "id": q.id,
        "node": q.node,
        "person": q.person,
        "sponsor": q.sponsor,
        "level": q.level.name,
        "compartments": _set(q.compartments),
        "groups": _set(q.groups),
        "authorizations": _set(q.authorizations),
        "valid_until": format_time(q.valid_until),
        "justification": q.justification,
        "created_at": format_time(q.created_at),
        "status": q.status.value,
        "decided_by": q.decided_by,
        "decided_at": _time(q.decided_at),
        "reason": q.reason,
        "clearance": q.clearance,
    }


def request_of(r: Row) -> ClearanceRequest:
    return ClearanceRequest(
        id=r["id"],
        node=r["node"],
        person=r["person"],
        sponsor=r["sponsor"],
        level=Level[r["level"]],
        valid_until=_must(r["valid_until"]),
        justification=r["justification"],
        created_at=_must(r["created_at"]),
        compartments=frozenset(_strs(r["compartments"])),
        groups=frozenset(_strs(r["groups"])),
        authorizations=frozenset(_strs(r["authorizations"])),
        status=RequestStatus(r["status"]),
        decided_by=r["decided_by"],
        decided_at=_parse(r["decided_at"]),
        reason=r["reason"],
        clearance=r["clearance"],
    )


def body_row(b: Body) -> dict[str, Any]:
    return {
        "id": b.id,
        "node": b.node,
        "key": b.key,
        "name": b.name,
        "kind": b.kind.value,
        "ceiling": b.ceiling,
        "member_organizations": _set(b.membership.organizations),
        "member_positions": _set(b.membership.positions),
        "member_people": _set(b.membership.people),
        "nation": b.nation,
        "stage": None if b.stage is None else b.stage.value,
        "created_at": _time(b.created_at),
    }


def body_of(r: Row) -> Body:
    membership = Membership(
        organizations=frozenset(_strs(r["member_organizations"])),
        positions=frozenset(_strs(r["member_positions"])),
        people=frozenset(_strs(r["member_people"])),
    )
    return Body(
        id=r["id"],
        node=r["node"],
        key=r["key"],
        name=r["name"],
        kind=BodyKind(r["kind"]),
        ceiling=r["ceiling"],
        membership=membership,
        nation=r["nation"],
        stage=None if r["stage"] is None else Stage(r["stage"]),
        created_at=_parse(r["created_at"]),
    )


def item_row(i: Item) -> dict[str, Any]:
    return {
        "id": i.id,
        "node": i.node,
        "seq": i.seq,
        "body": i.body,
        "author": i.author,
        "organization": i.organization,
        "label": i.label,
        "mode": i.mode.value,
        "created_at": format_time(i.created_at),
        "text": i.text,
        "paragraphs": json.dumps([[p.mark, p.text] for p in i.paragraphs])
        if i.paragraphs
        else "[]",
        "supersedes": i.supersedes,
    }


ITEM_COLUMNS = (
    "id",
    "node",
    "seq",
    "body",
    "author",
    "organization",
    "label",
    "mode",
    "created_at",
    "text",
    "paragraphs",
    "supersedes",
)


def item_values(i: Item) -> tuple[Any, ...]:
    """:func:`item_row` as a tuple in :data:`ITEM_COLUMNS` order (for the writer's
    ``executemany``)."""
    paragraphs = json.dumps([[p.mark, p.text] for p in i.paragraphs]) if i.paragraphs else "[]"
    return (
        i.id,
        i.node,
        i.seq,
        i.body,
        i.author,
        i.organization,
        i.label,
        i.mode.value,
        format_time(i.created_at),
        i.text,
        paragraphs,
        i.supersedes,
    )


def item_of(r: Row) -> Item:
    return Item(
        id=r["id"],
        node=r["node"],
        seq=int(r["seq"]),
        body=r["body"],
        author=r["author"],
        organization=r["organization"],
        label=r["label"],
        mode=Mode(r["mode"]),
        created_at=_must(r["created_at"]),
        text=r["text"],
        paragraphs=tuple(Paragraph(m, t) for m, t in json.loads(r["paragraphs"])),
        supersedes=r["supersedes"],
    )


class Codec:
    """How one entity type is stored: its table, key columns and row conversions."""

    def __init__(
        self,
        table: Table,
        to_row: Callable[[Any], dict[str, Any]],
        from_row: Callable[[Row], Any],
        *,
        id_column: str = "id",
        key_column: str | None = None,
    ) -> None:
        self.table = table
        self.to_row = to_row
        self.from_row = from_row
        self.id_column = id_column
        self.key_column = key_column
        # Built once: SQLAlchemy then reuses their compiled form on every execution.
        self.insert = table.insert()
        self.update = table.update().where(table.c[id_column] == bindparam("b_id"))
        self.by_id = select(table).where(table.c[id_column] == bindparam("b_v"))
        self.by_key = (
            None
            if key_column is None
            else select(table).where(table.c[key_column] == bindparam("b_v"))
        )


CODECS: dict[type[Any], Codec] = {
    Nation: Codec(schema.nations, nation_row, nation_of, id_column="code", key_column="code"),
    Organization: Codec(schema.organizations, organization_row, organization_of, key_column="key"),
    Position: Codec(schema.positions, position_row, position_of, key_column="key"),
    Person: Codec(schema.people, person_row, person_of, key_column="login"),
    ClearanceGrant: Codec(schema.clearances, grant_row, grant_of),
    ClearanceRequest: Codec(schema.clearance_requests, request_row, request_of),
    Body: Codec(schema.bodies, body_row, body_of, key_column="key"),
}


def post_key_row(k: PostKey) -> dict[str, Any]:
    return {
        "person": k.person,
        "key": k.key,
        "fingerprint": k.fingerprint,
        "item": k.item,
        "created_at": format_time(k.created_at),
    }


def post_key_of(r: Row) -> PostKey:
    return PostKey(r["person"], r["key"], r["fingerprint"], r["item"], parse_time(r["created_at"]))
