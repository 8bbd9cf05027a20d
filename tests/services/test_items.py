"""Posting and reading items through the one access policy, with exact audit records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bcm.domain.clock import FakeClock
from bcm.domain.events import ItemPosted, ItemRelabeled
from bcm.domain.model import Mode
from bcm.errors import Forbidden, InvalidInput, MarkingError, NotFound
from bcm.services import audit, bodies, clearances, items, people
from bcm.services.core import Services
from bcm.storage.engine import open_engine
from bcm.storage.groupcommit import SqlStore
from tests.services.conftest import World

REL = "SECRET//REL TO USA, JPN"


def post(w: World, login: str, body: str = "bcc-yokota", label: str = REL, **kw: object):
    return w.services.run(items.post_item, body, actor=w.id(login), label=label, text="t", **kw)


def records(w: World):
    return w.services.run(audit.list_records)


def test_a_member_reads_an_item_and_the_read_is_audited(world: World) -> None:
    item = post(world, "k.reyes")
    before = len(records(world))
    got = world.services.run(items.access_item_by_id, item.id, actor=world.id("d.ogawa"))
    assert got == item
    [read] = records(world)[before:]
    assert (read.entry.actor, read.entry.action, read.entry.target) == (
        world.id("d.ogawa"),
        "item.read",
        item.id,
    )
    assert (read.entry.label, read.entry.allowed) == (REL, True)


def test_missing_and_forbidden_are_the_same_not_found_and_both_are_audited(world: World) -> None:
    secret = post(world, "p.nguyen", "intel-us", "TOP SECRET//SI//NOFORN")
    outsider = world.id("d.ogawa")
    with pytest.raises(NotFound) as forbidden:
        world.services.run(items.access_item_by_id, secret.id, actor=outsider)
    missing_id = secret.id[:-4] + "0000"
    with pytest.raises(NotFound) as missing:
        world.services.run(items.access_item_by_id, missing_id, actor=outsider)
    assert str(forbidden.value) == str(missing.value).replace(missing_id, secret.id)
    denied, absent = records(world)[-2:]
    assert (denied.entry.allowed, denied.entry.label) == (False, "TOP SECRET//SI//NOFORN")
    assert denied.entry.reason == "not a member of body intel-us"
    assert denied.entry.detail == {"rule": "need-to-know"}
    assert (absent.entry.allowed, absent.entry.reason) == (False, "no such item")


def test_the_label_decision_of_the_marking_core_applies(world: World) -> None:
    ts = post(world, "p.nguyen", "intel-us", "TOP SECRET//SI//NOFORN")
    add_brennan_to_intel_us(world)  # a member now, but cleared SECRET only
    with pytest.raises(NotFound):
        world.services.run(items.access_item_by_id, ts.id, actor=world.id("t.brennan"))
    assert records(world)[-1].entry.detail == {"rule": "label"}
    assert world.services.run(items.access_item_by_id, ts.id, actor=world.id("m.okafor")) == ts


def add_brennan_to_intel_us(world: World) -> None:
    world.services.run(
        bodies.add_members,
        "intel-us",
        bodies.Members(people=("t.brennan",)),
        actor=world.id("ops.sato"),
    )


def test_revocation_applies_on_the_next_read(world: World) -> None:
    item = post(world, "k.reyes")
    reader = world.id("d.ogawa")
    assert world.services.run(items.count_items_by_body, "bcc-yokota", actor=reader) == 1
    [grant] = world.services.run(clearances.list_clearances, "d.ogawa")
    world.services.run(
        clearances.revoke_clearance, grant.id, actor=world.id("so.kaneda"), reason="left post"
    )
    with pytest.raises(NotFound):
        world.services.run(items.access_item_by_id, item.id, actor=reader)
    assert world.services.run(items.access_items_by_body, "bcc-yokota", actor=reader) == []
    assert world.services.run(items.count_items_by_body, "bcc-yokota", actor=reader) == 0
    assert records(world)[-1].entry.detail["withheld"] == 1


def test_suspension_ends_access_until_reinstated(world: World) -> None:
    item = post(world, "k.reyes")
    reader = world.id("t.brennan")
    [grant] = world.services.run(clearances.list_clearances, "t.brennan")
    officer = world.id("so.harper")
    world.services.run(clearances.suspend_clearance, grant.id, actor=officer, reason="review")
    with pytest.raises(NotFound):
        world.services.run(items.access_item_by_id, item.id, actor=reader)
    assert records(world)[-1].entry.reason == "clearance suspended"
    world.services.run(clearances.reinstate_clearance, grant.id, actor=officer, reason="cleared")
    assert world.services.run(items.access_item_by_id, item.id, actor=reader) == item


def test_an_expired_clearance_grants_nothing(world: World) -> None:
    item = post(world, "k.reyes")
    world.clock.set(datetime(2028, 1, 1, tzinfo=UTC))  # d.ogawa's grant ends 2027-12-31
    with pytest.raises(NotFound):
        world.services.run(items.access_item_by_id, item.id, actor=world.id("d.ogawa"))
    assert records(world)[-1].entry.reason.startswith("clearance expired")


def test_unacknowledged_obligations_grant_nothing_until_acknowledged(world: World) -> None:
    item = post(world, "k.reyes")
    fischer = world.id("l.fischer")
    world.services.run(
        bodies.add_members,
        "bcc-yokota",
        bodies.Members(people=("l.fischer",)),
        actor=world.id("ops.sato"),
    )
    with pytest.raises(NotFound):
        world.services.run(items.access_item_by_id, item.id, actor=fischer)
    assert records(world)[-1].entry.reason == "legal obligations not acknowledged"
    [grant] = world.services.run(clearances.list_clearances, "l.fischer")
    with pytest.raises(Forbidden):
        world.services.run(
            clearances.acknowledge_obligations, grant.id, actor=world.id("so.harper")
        )
    world.services.run(clearances.acknowledge_obligations, grant.id, actor=fischer)
    assert world.services.run(items.access_item_by_id, item.id, actor=fischer) == item


def test_exercise_and_real_world_never_mix(world: World) -> None:
    real = post(world, "k.reyes")
    poster = world.id("k.reyes")
    world.services.run(people.set_mode, "exercise", actor=poster)
    drill = post(world, "k.reyes")
    assert drill.mode is Mode.EXERCISE
    reader = world.id("d.ogawa")
    assert world.services.run(items.access_items_by_body, "bcc-yokota", actor=reader) == [real]
    assert world.services.run(items.access_items_since, 0, actor=reader) == [real]
    with pytest.raises(NotFound):
        world.services.run(items.access_item_by_id, drill.id, actor=reader)
    assert records(world)[-1].entry.detail == {"rule": "mode"}
    world.services.run(people.set_mode, "exercise", actor=reader)
    assert world.services.run(items.access_items_by_body, "bcc-yokota", actor=reader) == [drill]
    assert world.services.run(items.count_items_by_body, "bcc-yokota", actor=reader) == 1
    with pytest.raises(NotFound):
        world.services.run(items.access_item_by_id, real.id, actor=reader)


def test_a_label_above_the_ceiling_names_the_field_and_writes_nothing(world: World) -> None:
    before = len(records(world))
    with pytest.raises(InvalidInput) as error:
        post(world, "p.nguyen", "jcg-technical", "SECRET")
    assert error.value.field == "label"
    assert "ceiling UNCLASSIFIED//FOUO" in str(error.value)
    assert len(records(world)) == before
    assert world.events.events == []


def test_a_bad_marking_names_the_label_field(world: World) -> None:
    with pytest.raises(MarkingError) as error:
        post(world, "k.reyes", label="SEKRIT")
    assert error.value.field == "label"


def test_posting_needs_membership_and_a_label_within_the_authors_clearance(
    world: World,
) -> None:
    add_brennan_to_intel_us(world)
    before = len(records(world))
    with pytest.raises(Forbidden, match="not a member of body intel-bilateral"):
        post(world, "k.reyes", "intel-bilateral", REL)
    with pytest.raises(Forbidden, match="may not post TOP SECRET"):
        post(world, "t.brennan", "intel-us", "TOP SECRET//SI//NOFORN")
    assert post(world, "t.brennan", "intel-us", "SECRET//NOFORN").seq == 1
    denied = records(world)[before:-1]
    assert [(r.entry.action, r.entry.allowed, r.entry.detail["rule"]) for r in denied] == [
        ("item.post", False, "need-to-know"),
        ("item.post", False, "label"),
    ]


def test_portion_marked_paragraphs_roll_up_into_the_label(world: World) -> None:
    item = world.services.run(
        items.post_item,
        "intel-us",
        actor=world.id("p.nguyen"),
        paragraphs=[("(s/nf)", "one"), ("(U)", "two"), ("(TS//SI//NF)", "three")],
    )
    assert item.label == "TOP SECRET//SI//NOFORN"
    assert [p.mark for p in item.paragraphs] == ["(S//NF)", "(U)", "(TS//SI//NF)"]
    with pytest.raises(InvalidInput) as error:
        world.services.run(
            items.post_item, "intel-us", actor=world.id("p.nguyen"), paragraphs=[("(Q)", "x")]
        )
    assert error.value.field == "paragraphs[0].mark"


def test_a_correction_supersedes_an_item_and_keeps_the_chain(world: World) -> None:
    first = post(world, "k.reyes")
    second = post(world, "k.reyes", supersedes=first.id)
    assert (second.supersedes, second.seq) == (first.id, 2)
    assert world.events.events[-1] == ItemPosted(
        second.id, 2, second.body, REL, Mode.REAL_WORLD, first.id
    )
    with pytest.raises(InvalidInput) as error:
        post(world, "k.reyes", "bcc-mod", supersedes=first.id)
    assert error.value.field == "supersedes"


def test_relabeling_needs_the_classification_authority_and_a_reason(world: World) -> None:
    item = post(world, "m.okafor", "intel-us", "TOP SECRET//SI//NOFORN")
    new = "SECRET//NOFORN"
    with pytest.raises(Forbidden, match="classification-authority"):
        world.services.run(
            items.relabel_item, item.id, actor=world.id("m.okafor"), label=new, reason="x"
        )
    authority = world.id("r.alvarez")
    with pytest.raises(InvalidInput) as error:
        world.services.run(items.relabel_item, item.id, actor=authority, label=new, reason=" ")
    assert error.value.field == "reason"
    add_brennan_to_intel_us(world)
    with pytest.raises(NotFound):
        world.services.run(items.access_item_by_id, item.id, actor=world.id("t.brennan"))
    relabeled = world.services.run(
        items.relabel_item, item.id, actor=authority, label=new, reason="sources removed"
    )
    assert relabeled.label == new
    assert world.services.run(items.access_item_by_id, item.id, actor=world.id("t.brennan")) == (
        relabeled
    )
    old = "TOP SECRET//SI//NOFORN"
    assert ItemRelabeled(item.id, 1, item.body, old, new, Mode.REAL_WORLD) in world.events.events
    relabel = [r for r in records(world) if r.entry.action == "item.relabel"]
    assert [(r.entry.reason, r.entry.detail) for r in relabel if r.entry.allowed is None] == [
        ("sources removed", {"from": old, "to": new})
    ]


def test_posting_publishes_item_posted_after_commit(world: World) -> None:
    item = post(world, "feed.radar", "ops-bilateral")
    assert world.events.events == [ItemPosted(item.id, item.seq, item.body, REL, Mode.REAL_WORLD)]
    [record] = [r for r in records(world) if r.entry.action == "item.post"]
    assert (record.entry.actor, record.entry.target, record.entry.label) == (
        world.id("feed.radar"),
        item.id,
        REL,
    )


def test_lists_page_by_cursor_and_limit(world: World) -> None:
    posted = [post(world, "k.reyes") for _ in range(5)]
    reader = world.id("d.ogawa")
    page = world.services.run(
        items.access_items_by_body, "bcc-yokota", actor=reader, after_seq=1, limit=2
    )
    assert page == posted[1:3]
    assert world.services.run(items.access_items_since, 4, actor=reader) == posted[4:]


def test_a_failed_operation_leaves_no_partial_state(world: World) -> None:
    before = len(records(world))
    poster = world.id("k.reyes")

    def post_then_fail(tx, **kw):  # type: ignore[no-untyped-def]
        items.post_item(tx, "bcc-yokota", label=REL, text="t", actor=poster)
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        world.services.run(post_then_fail)
    assert len(records(world)) == before
    assert world.events.events == []
    assert post(world, "k.reyes").seq == 1


def test_a_read_that_cannot_be_recorded_is_not_served(make_url: Callable[..., str]) -> None:
    url = make_url("sqlite", chart=True)
    services = Services(SqlStore(url), FakeClock())
    try:
        poster = services.run(people.get_person, "k.reyes").id
        item = services.run(items.post_item, "bcc-yokota", label=REL, text="t", actor=poster)
        reader = services.run(people.get_person, "d.ogawa").id
        engine = open_engine(url)
        with engine.begin() as conn:  # the audit log refuses every new record
            conn.exec_driver_sql(
                "CREATE TRIGGER audit_full BEFORE INSERT ON audit "
                "BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END"
            )
        engine.dispose()
        with pytest.raises(Exception, match="audit log unavailable"):
            services.run(items.access_item_by_id, item.id, actor=reader)
        with pytest.raises(Exception, match="audit log unavailable"):
            services.run(items.access_items_by_body, "bcc-yokota", actor=reader)
    finally:
        services.close()
