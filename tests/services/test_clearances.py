"""The clearance workflow: requests, decisions by the person's own security officers,
grants that count only once acknowledged, and bad input naming the field."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bcm.domain.events import ClearanceGranted, ClearanceRequestDecided, ClearanceRevoked
from bcm.domain.model import ClearanceStatus, RequestStatus
from bcm.errors import Conflict, Forbidden, InvalidInput, MarkingError
from bcm.services import audit, clearances, items, people
from bcm.services.clearances import Terms
from tests.services.conftest import World

UNTIL = datetime(2027, 6, 30, tzinfo=UTC)
REL = "SECRET//REL TO USA, JPN"


def test_a_request_approved_by_the_persons_own_security_officer_becomes_a_grant(
    world: World,
) -> None:
    sponsor, officer = world.id("e.hayashi"), world.id("so.kaneda")
    request = world.services.run(
        clearances.request_clearance,
        "t.aoki",
        Terms("SECRET", UNTIL),
        actor=sponsor,
        justification="airspace closures",
    )
    assert request.status is RequestStatus.PENDING
    with pytest.raises(Forbidden, match="security officer of USA"):
        world.services.run(clearances.approve_request, request.id, actor=world.id("so.harper"))
    with pytest.raises(Forbidden, match="security-officer"):
        world.services.run(clearances.approve_request, request.id, actor=sponsor)
    grant = world.services.run(clearances.approve_request, request.id, actor=officer)
    assert (grant.level.word, grant.granted_by, grant.acknowledged_at) == ("SECRET", officer, None)
    assert grant.obligations == world.services.run(clearances.list_clearances)[-1].obligations
    [decided] = world.services.run(clearances.list_requests)
    assert (decided.status, decided.clearance, decided.decided_by) == (
        RequestStatus.APPROVED,
        grant.id,
        officer,
    )
    assert ClearanceGranted(grant.person, grant.id) in world.events.events
    assert ClearanceRequestDecided(request.id, grant.person, True) in world.events.events
    with pytest.raises(Conflict, match="already approved"):
        world.services.run(clearances.approve_request, request.id, actor=officer)


def test_a_refusal_needs_a_reason_and_grants_nothing(world: World) -> None:
    request = world.services.run(
        clearances.request_clearance,
        "m.ueda",
        Terms("CONFIDENTIAL", UNTIL),
        actor=world.id("e.hayashi"),
        justification="frequencies",
    )
    officer = world.id("so.ishii")
    with pytest.raises(InvalidInput) as error:
        world.services.run(clearances.refuse_request, request.id, actor=officer, reason="")
    assert error.value.field == "reason"
    refused = world.services.run(
        clearances.refuse_request, request.id, actor=officer, reason="no need to know"
    )
    assert (refused.status, refused.reason) == (RequestStatus.REFUSED, "no need to know")
    assert len(world.services.run(clearances.list_clearances, "m.ueda")) == 1


def test_a_direct_grant_counts_only_once_the_holder_acknowledges(world: World) -> None:
    officer, holder = world.id("so.harper"), world.id("l.fischer")
    grant = world.services.run(
        clearances.grant_clearance, "l.fischer", Terms("TOP SECRET", UNTIL, ("SI",)), actor=officer
    )
    assert grant.acknowledged_at is None
    acknowledged = world.services.run(clearances.acknowledge_obligations, grant.id, actor=holder)
    assert acknowledged.acknowledged_at == world.clock.now()
    actions = [r.entry.action for r in world.services.run(audit.list_records)[-2:]]
    assert actions == ["clearance.grant", "clearance.acknowledge"]


def test_revocation_is_final_and_published(world: World) -> None:
    [grant] = world.services.run(clearances.list_clearances, "k.reyes")
    officer = world.id("so.whitfield")
    revoked = world.services.run(
        clearances.revoke_clearance, grant.id, actor=officer, reason="misconduct"
    )
    assert revoked.status is ClearanceStatus.REVOKED
    assert ClearanceRevoked(grant.person, grant.id) in world.events.events
    with pytest.raises(Conflict, match="revoked"):
        world.services.run(clearances.reinstate_clearance, grant.id, actor=officer, reason="x")
    with pytest.raises(Forbidden):
        world.services.run(
            items.post_item, "bcc-yokota", actor=world.id("k.reyes"), label=REL, text="t"
        )


@pytest.mark.parametrize(
    ("terms", "field", "error"),
    [
        (Terms("SUPER SECRET", UNTIL), "level", MarkingError),
        (Terms("SECRET", datetime(2020, 1, 1, tzinfo=UTC)), "valid_until", InvalidInput),
        (Terms("SECRET", datetime(2027, 1, 1)), "valid_until", InvalidInput),
    ],
)
def test_bad_terms_name_the_field_and_write_nothing(
    world: World, terms: Terms, field: str, error: type[InvalidInput]
) -> None:
    before = len(world.services.run(audit.list_records))
    with pytest.raises(error) as raised:
        world.services.run(clearances.grant_clearance, "t.aoki", terms, actor=world.id("so.kaneda"))
    assert raised.value.field == field
    assert len(world.services.run(audit.list_records)) == before


def test_unknown_organization_names_the_field_and_writes_nothing(world: World) -> None:
    before = len(world.services.run(audit.list_records))
    with pytest.raises(InvalidInput) as error:
        world.services.run(
            people.add_person,
            actor=world.id("ops.sato"),
            login="new.person",
            name="New Person",
            nationality="JPN",
            organization="ministry-of-magic",
        )
    assert error.value.field == "organization"
    assert "ministry-of-magic" in str(error.value)
    with pytest.raises(Forbidden, match="operator"):
        world.services.run(
            people.add_person,
            actor=world.id("k.reyes"),
            login="new.person",
            name="New Person",
            nationality="USA",
            organization="usfj",
        )
    assert len(world.services.run(audit.list_records)) == before
    assert "new.person" not in [p.login for p in world.services.run(people.list_people)]
