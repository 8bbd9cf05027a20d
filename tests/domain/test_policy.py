"""The access policy, pure: each rule in its precedence, allow and deny sharing one setup so
a denial cannot pass for the wrong reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bcm.domain.model import (
    Body,
    BodyKind,
    ClearanceGrant,
    ClearanceStatus,
    Item,
    Membership,
    Mode,
    Person,
    PersonKind,
    Role,
)
from bcm.domain.policy import Action, Resource, Subject, current_grant, decide, is_member
from bcm.markings import Level

NOW = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)
REL = "SECRET//REL TO USA, JPN"

PERSON = Person("p1", "n", "ann", "Ann", PersonKind.PERSON, "JPN", "div", ("watch",))
GRANT = ClearanceGrant(
    "g1",
    "n",
    "p1",
    Level.S,
    NOW - timedelta(days=30),
    NOW + timedelta(days=30),
    "so",
    obligations=("law",),
    acknowledged_at=NOW - timedelta(days=29),
)
BODY = Body(
    "b1", "n", "bcc", "Center", BodyKind.CENTER_WATCH, REL, Membership(frozenset({"ministry"}))
)
ITEM = Item("i1", "n", 1, "b1", "p9", "div", REL, Mode.REAL_WORLD, NOW, "text")


def subject(
    person: Person = PERSON,
    grants: tuple[ClearanceGrant, ...] = (GRANT,),
    orgs: tuple[str, ...] = ("div", "bureau", "ministry"),
) -> Subject:
    return Subject(person, orgs, grants, NOW)


def read(s: Subject, item: Item = ITEM, body: Body = BODY):  # type: ignore[no-untyped-def]
    return decide(s, Action.READ, Resource.of_item(item, body))


def test_a_current_cleared_member_may_read() -> None:
    decision = read(subject())
    assert decision.allowed
    assert decision.rule == "label"


@pytest.mark.parametrize(
    ("changed", "rule", "reason"),
    [
        (
            {"item": replace(ITEM, mode=Mode.EXERCISE)},
            "mode",
            "exercise content is not visible in real-world",
        ),
        ({"grants": ()}, "clearance", "no clearance"),
        (
            {"grants": (replace(GRANT, status=ClearanceStatus.REVOKED),)},
            "clearance",
            "clearance revoked",
        ),
        (
            {"grants": (replace(GRANT, status=ClearanceStatus.SUSPENDED),)},
            "clearance",
            "clearance suspended",
        ),
        ({"grants": (replace(GRANT, valid_until=NOW),)}, "clearance", "clearance expired"),
        (
            {"grants": (replace(GRANT, valid_from=NOW + timedelta(seconds=1)),)},
            "clearance",
            "not valid before",
        ),
        (
            {"grants": (replace(GRANT, acknowledged_at=None),)},
            "clearance",
            "obligations not acknowledged",
        ),
        (
            {"grants": (replace(GRANT, acknowledged_at=NOW + timedelta(days=1)),)},
            "clearance",
            "obligations not acknowledged",
        ),
        ({"orgs": ("elsewhere",)}, "need-to-know", "not a member of body bcc"),
        ({"item": replace(ITEM, label="TOP SECRET//REL TO USA, JPN")}, "label", ""),
        ({"item": replace(ITEM, label="SECRET//NOFORN")}, "label", ""),
    ],
)
def test_each_rule_denies_with_its_reason(
    changed: dict[str, object], rule: str, reason: str
) -> None:
    s = subject(
        grants=changed.get("grants", (GRANT,)),  # type: ignore[arg-type]
        orgs=changed.get("orgs", ("div", "bureau", "ministry")),  # type: ignore[arg-type]
    )
    decision = read(s, changed.get("item", ITEM))  # type: ignore[arg-type]
    assert not decision.allowed
    assert decision.rule == rule
    assert reason in decision.reason


def test_mode_comes_first_then_clearance_then_need_to_know() -> None:
    nothing = subject(grants=(), orgs=("elsewhere",))
    assert read(nothing, replace(ITEM, mode=Mode.EXERCISE)).rule == "mode"
    assert read(nothing).rule == "clearance"
    assert (
        read(subject(orgs=("elsewhere",)), replace(ITEM, label="TOP SECRET")).rule == "need-to-know"
    )


@pytest.mark.parametrize(
    ("membership", "member"),
    [
        (Membership(organizations=frozenset({"ministry"})), True),  # an ancestor organization
        (Membership(organizations=frozenset({"div"})), True),
        (Membership(organizations=frozenset({"other"})), False),
        (Membership(positions=frozenset({"watch"})), True),
        (Membership(positions=frozenset({"director"})), False),
        (Membership(people=frozenset({"p1"})), True),
        (Membership(people=frozenset({"p2"})), False),
        (Membership(), False),
    ],
)
def test_membership_by_organization_tree_position_or_name(
    membership: Membership, member: bool
) -> None:
    assert is_member(subject(), replace(BODY, membership=membership)) is member
    assert read(subject(), body=replace(BODY, membership=membership)).allowed is member


def test_the_latest_current_grant_counts() -> None:
    older = replace(GRANT, id="g0", level=Level.TS, valid_from=NOW - timedelta(days=60))
    newer_revoked = replace(
        GRANT, id="g2", valid_from=NOW - timedelta(days=1), status=ClearanceStatus.REVOKED
    )
    assert current_grant((older, GRANT, newer_revoked), NOW) == GRANT
    assert current_grant((newer_revoked,), NOW) is None


def test_relabeling_needs_the_role_before_anything_else() -> None:
    resource = Resource(BODY, REL, Mode.REAL_WORLD, ITEM)
    assert decide(subject(), Action.RELABEL, resource).rule == "role"
    authority = replace(PERSON, roles=frozenset({Role.CLASSIFICATION_AUTHORITY}))
    assert decide(subject(authority), Action.RELABEL, resource).allowed


def test_posting_is_decided_on_the_label_being_written() -> None:
    assert decide(subject(), Action.POST, Resource(BODY, REL, Mode.REAL_WORLD)).allowed
    too_high = Resource(BODY, "TOP SECRET//REL TO USA, JPN", Mode.REAL_WORLD)
    assert decide(subject(), Action.POST, too_high).rule == "label"
