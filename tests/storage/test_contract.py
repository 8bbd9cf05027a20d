"""The storage contract: one suite, run against memory, SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bcm.domain.audit import AuditEntry
from bcm.domain.events import ItemPosted, RecordingPublisher
from bcm.domain.ids import new_id
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
    Role,
    Stage,
)
from bcm.errors import Conflict, NotFound
from bcm.markings import Level
from bcm.storage import chain
from bcm.storage.port import Refused, Store, UnitOfWork
from tests.storage.backends import StoreFactory

NOW = datetime(2026, 2, 20, 9, 0, 0, 123456, tzinfo=UTC)


def run(store: Store, fn: Any) -> Any:
    return store.submit(fn).result(timeout=30)


def structure(uow: UnitOfWork) -> dict[str, Any]:
    """A nation, two organizations (parent, child), a position, a person, a body."""
    nation = Nation("USA", "United States", uow.node, ("Espionage Act",))
    parent = Organization(new_id(), uow.node, "emb", "Embassy", "USA")
    child = Organization(new_id(), uow.node, "emb-pol", "Political", "USA", parent.id)
    position = Position(new_id(), uow.node, "watch", "Watch officer", child.id)
    person = Person(
        new_id(),
        uow.node,
        "alice",
        "Alice",
        PersonKind.PERSON,
        "USA",
        child.id,
        (position.id,),
        frozenset({Role.OPERATOR}),
        Mode.REAL_WORLD,
        NOW,
    )
    body = Body(
        new_id(),
        uow.node,
        "bcc",
        "Center",
        BodyKind.CENTER_WATCH,
        "SECRET//REL TO USA, JPN",
        Membership(frozenset({parent.id}), frozenset({position.id}), frozenset({person.id})),
        "USA",
        Stage.STANDBY,
        NOW,
    )
    for entity in (nation, parent, child, position, person, body):
        uow.add(entity)
    return {
        "nation": nation,
        "parent": parent,
        "child": child,
        "position": position,
        "person": person,
        "body": body,
    }


def grant_for(uow: UnitOfWork, person: Person) -> ClearanceGrant:
    return ClearanceGrant(
        new_id(),
        uow.node,
        person.id,
        Level.S,
        NOW,
        NOW + timedelta(days=365),
        person.id,
        frozenset({"SI"}),
        frozenset({"G1"}),
        frozenset({"A1"}),
        ("Espionage Act",),
        NOW,
        ClearanceStatus.ACTIVE,
        "",
        NOW,
    )


def item_in(uow: UnitOfWork, made: dict[str, Any], mode: Mode = Mode.REAL_WORLD, **kw: Any) -> Item:
    item = Item(
        new_id(),
        uow.node,
        0,
        made["body"].id,
        made["person"].id,
        made["child"].id,
        kw.pop("label", "SECRET//REL TO USA, JPN"),
        mode,
        NOW,
        **kw,
    )
    return uow.add_item(item)


def test_structural_entities_round_trip(store: Store) -> None:
    made = run(store, structure)

    def read(uow: UnitOfWork) -> None:
        assert uow.get(Nation, "USA") == made["nation"]
        for name, kind in [
            ("parent", Organization),
            ("child", Organization),
            ("position", Position),
            ("person", Person),
            ("body", Body),
        ]:
            assert uow.get(kind, made[name].id) == made[name]
        assert uow.find(Person, "alice") == made["person"]
        assert uow.find(Body, "bcc") == made["body"]
        assert uow.find(Organization, "emb-pol") == made["child"]
        assert uow.find(Person, "nobody") is None
        assert uow.get(Person, new_id()) is None
        assert uow.list_all(Organization) == [made["parent"], made["child"]]

    run(store, read)


def test_grants_and_requests_round_trip(store: Store) -> None:
    made = run(store, structure)
    person = made["person"]

    def write(uow: UnitOfWork) -> tuple[ClearanceGrant, ClearanceRequest]:
        grant = grant_for(uow, person)
        request = ClearanceRequest(
            new_id(),
            uow.node,
            person.id,
            person.id,
            Level.TS,
            NOW + timedelta(days=9),
            "needs it",
            NOW,
            frozenset({"SI"}),
        )
        uow.add(grant)
        uow.add(request)
        return grant, request

    grant, request = run(store, write)
    revoked = replace(grant, status=ClearanceStatus.REVOKED, status_reason="left", changed_at=NOW)

    def read(uow: UnitOfWork) -> None:
        assert uow.grants_of(person.id) == [grant]
        assert uow.get(ClearanceRequest, request.id) == request
        uow.replace(revoked)
        assert uow.grants_of(person.id) == [revoked]

    run(store, read)
    assert run(store, lambda uow: uow.get(ClearanceGrant, grant.id)) == revoked


def test_a_used_natural_key_is_a_conflict(store: Store) -> None:
    made = run(store, structure)
    twin = replace(made["person"], id=new_id())
    with pytest.raises(Conflict):
        run(store, lambda uow: uow.add(twin))


def test_items_get_a_gap_free_sequence_and_list_by_body_mode_cursor(store: Store) -> None:
    made = run(store, structure)

    def post(uow: UnitOfWork) -> list[Item]:
        other = replace(made["body"], id=new_id(), key="other")
        uow.add(other)
        return [
            item_in(uow, made),
            item_in(uow, made, Mode.EXERCISE),
            item_in(uow, {**made, "body": other}),
            item_in(uow, made, paragraphs=(Paragraph("(S//NF)", "one"),), supersedes=None),
        ]

    items = run(store, post)
    assert [i.seq for i in items] == [1, 2, 3, 4]

    def read(uow: UnitOfWork) -> None:
        body = made["body"].id
        assert uow.get_item(items[3].id) == items[3]
        assert uow.list_items(body=body, mode=Mode.REAL_WORLD) == [items[0], items[3]]
        assert uow.list_items(body=body, mode=Mode.EXERCISE) == [items[1]]
        assert uow.list_items(body=None, mode=Mode.REAL_WORLD, after_seq=1) == items[2:4:1]
        assert uow.list_items(body=None, mode=Mode.REAL_WORLD, limit=1) == [items[0]]

    run(store, read)


def test_relabeling_an_item_keeps_its_sequence(store: Store) -> None:
    made = run(store, structure)
    item = run(store, lambda uow: item_in(uow, made))
    relabeled = replace(item, label="CONFIDENTIAL")
    run(store, lambda uow: uow.replace_item(relabeled))
    assert run(store, lambda uow: uow.get_item(item.id)) == relabeled


def entry(action: str, **detail: Any) -> AuditEntry:
    return AuditEntry("actor-1", action, "target-1", NOW, "SECRET", True, "why", detail)


def test_audit_records_chain_over_their_canonical_bytes(store: Store) -> None:
    records = [run(store, lambda uow, n=n: uow.append_audit(entry(f"a{n}", n=n))) for n in range(3)]
    assert [r.seq for r in records] == [1, 2, 3]
    assert records[0].prev_hash == chain.GENESIS
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]
    for record in records:
        assert record.hash == hashlib.sha256(record.canonical).hexdigest()
        assert chain.record_from_canonical(record.canonical) == record
        assert record.node == store.node
    assert run(store, lambda uow: uow.audit_records()) == records
    assert run(store, lambda uow: uow.audit_records(after_seq=1, limit=1)) == records[1:2]


def test_a_failed_unit_of_work_leaves_nothing_behind(store: Store) -> None:
    made = run(store, structure)

    def fail(uow: UnitOfWork) -> None:
        item_in(uow, made)
        uow.append_audit(entry("doomed"))
        uow.add(replace(made["parent"], id=new_id(), key="ghost"))
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        run(store, fail)
    assert run(store, lambda uow: uow.find(Organization, "ghost")) is None
    assert run(store, lambda uow: uow.audit_records()) == []
    later = run(store, lambda uow: (item_in(uow, made), uow.append_audit(entry("next"))))
    assert later[0].seq == 1
    assert later[1].seq == 1


def test_refused_commits_what_was_written_and_fails_the_caller(store: Store) -> None:
    def deny(uow: UnitOfWork) -> None:
        uow.append_audit(entry("item.read"))
        raise Refused(NotFound("item", "x"))

    with pytest.raises(NotFound):
        run(store, deny)
    assert [r.entry.action for r in run(store, lambda uow: uow.audit_records())] == ["item.read"]


def test_one_failure_does_not_sink_the_others(make_store: StoreFactory) -> None:
    publisher = RecordingPublisher()
    store = make_store(publisher)
    made = run(store, structure)

    def post(n: int) -> Any:
        def unit(uow: UnitOfWork) -> Item:
            item = item_in(uow, made)
            uow.append_audit(entry("item.post", n=n))
            uow.events.append(ItemPosted(item.id, item.seq, item.body, item.label, item.mode))
            if n % 7 == 3:
                raise ValueError(n)
            return item

        return unit

    futures: list[Future[Item]] = [store.submit(post(n)) for n in range(60)]
    ok = [f.result(timeout=30) for n, f in enumerate(futures) if n % 7 != 3]
    failed = [f for n, f in enumerate(futures) if n % 7 == 3]
    assert all(isinstance(f.exception(timeout=30), ValueError) for f in failed)
    assert [i.seq for i in ok] == list(range(1, len(ok) + 1))
    audit = run(store, lambda uow: uow.audit_records())
    assert [r.seq for r in audit] == list(range(1, len(ok) + 1))
    assert [e.seq for e in publisher.events if isinstance(e, ItemPosted)] == [i.seq for i in ok]


def test_events_are_published_only_after_commit(make_store: StoreFactory) -> None:
    publisher = RecordingPublisher()
    seen_at_publish: list[int] = []

    class Probe:
        def publish(self, events: Any) -> None:
            publisher.publish(events)
            seen_at_publish.append(len(events))

    store = make_store(Probe())
    made = run(store, structure)

    def unit(uow: UnitOfWork) -> None:
        item = item_in(uow, made)
        uow.events.append(ItemPosted(item.id, item.seq, item.body, item.label, item.mode))
        assert publisher.events == []

    run(store, unit)
    assert len(publisher.events) == 1

    def failing(uow: UnitOfWork) -> None:
        uow.events.append(ItemPosted("x", 9, "b", "SECRET", Mode.REAL_WORLD))
        raise ValueError("failing")

    with pytest.raises(ValueError, match="failing"):
        run(store, failing)
    assert len(publisher.events) == 1


def test_units_of_a_batch_see_each_others_writes_in_order(store: Store) -> None:
    made = run(store, structure)

    def post_and_count(uow: UnitOfWork) -> tuple[int, int, int]:
        item = item_in(uow, made)
        uow.append_audit(entry("item.post"))
        seen = uow.list_items(body=made["body"].id, mode=Mode.REAL_WORLD)
        assert uow.get_item(item.id) == item
        return item.seq, len(seen), len(uow.audit_records())

    futures = [store.submit(post_and_count) for _ in range(40)]
    assert [f.result(timeout=30) for f in futures] == [(n, n, n) for n in range(1, 41)]


def test_a_unit_that_fails_before_writing_leaves_the_batch_alone(store: Store) -> None:
    made = run(store, structure)

    def post(uow: UnitOfWork) -> int:
        return item_in(uow, made).seq

    def refuse_early(uow: UnitOfWork) -> None:
        raise Conflict("nothing written")

    futures = [store.submit(refuse_early if n % 2 else post) for n in range(20)]
    assert [f.result(timeout=30) for f in futures[::2]] == list(range(1, 11))
    assert all(isinstance(f.exception(timeout=30), Conflict) for f in futures[1::2])


def test_a_unit_of_work_may_not_submit_another(store: Store) -> None:
    with pytest.raises(RuntimeError, match="deadlock"):
        run(store, lambda uow: store.submit(lambda inner: None))


def test_a_failing_publisher_does_not_fail_a_committed_write(make_store: StoreFactory) -> None:
    class Broken:
        def publish(self, events: Any) -> None:
            raise RuntimeError("subscriber gone")

    store = make_store(Broken())
    made = run(store, structure)

    def post(uow: UnitOfWork) -> int:
        item = item_in(uow, made)
        uow.events.append(ItemPosted(item.id, item.seq, item.body, item.label, item.mode))
        return item.seq

    assert run(store, post) == 1
    assert run(store, lambda uow: uow.list_items(body=None, mode=Mode.REAL_WORLD))[0].seq == 1
