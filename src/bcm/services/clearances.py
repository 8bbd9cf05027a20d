"""Clearances: grants by a security officer of the person's own nation, acknowledgment of
the legal obligations, the request workflow, suspension and revocation (effective at once:
every read loads the grants afresh)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from bcm.domain.events import (
    ClearanceGranted,
    ClearanceRequestDecided,
    ClearanceRequested,
    ClearanceRevoked,
    ClearanceSuspended,
)
from bcm.domain.model import (
    ClearanceGrant,
    ClearanceRequest,
    ClearanceStatus,
    Nation,
    Person,
    RequestStatus,
    Role,
)
from bcm.errors import Conflict, Forbidden, InvalidInput, NotFound
from bcm.markings import Level
from bcm.services.core import Tx
from bcm.services.refs import resolve
from bcm.services.subjects import require_actor, require_role


@dataclass(frozen=True, slots=True)
class Terms:
    """What a clearance covers (shared by grants and requests)."""

    level: str
    valid_until: datetime
    compartments: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    authorizations: tuple[str, ...] = ()


def check_security_officer(tx: Tx, officer: Person, person: Person) -> None:
    """Only a security officer of the person's own nation decides on their clearance."""
    require_role(officer, Role.SECURITY_OFFICER)
    if officer.nationality != person.nationality:
        raise Forbidden(
            f"{officer.login} is a security officer of {officer.nationality}, "
            f"not of {person.login}'s nation {person.nationality}"
        )


def check_terms(terms: Terms, now: datetime, valid_from: datetime | None) -> Level:
    """The level, once the dates make sense."""
    level = Level.parse(terms.level)
    start = valid_from or now
    if terms.valid_until.tzinfo is None or terms.valid_until <= start:
        raise InvalidInput("valid_until", f"a timezone-aware time after {start.isoformat()}")
    return level


def grant_clearance(
    tx: Tx,
    person: str,
    terms: Terms,
    *,
    actor: str,
    valid_from: datetime | None = None,
    obligations: tuple[str, ...] | None = None,
) -> ClearanceGrant:
    """Grant a clearance directly (security officer of the person's nation). Obligations
    default to the nation's secrets-protection laws; the person must still acknowledge them."""
    officer = require_actor(tx, actor)
    subject = resolve(tx, Person, person, "person")
    check_security_officer(tx, officer, subject)
    grant = build_grant(tx, subject, terms, officer, valid_from, obligations)
    return do_grant_clearance(tx, grant, actor=actor)


def build_grant(
    tx: Tx,
    person: Person,
    terms: Terms,
    officer: Person,
    valid_from: datetime | None,
    obligations: tuple[str, ...] | None,
    acknowledged_at: datetime | None = None,
) -> ClearanceGrant:
    """A checked, not yet stored, grant."""
    level = check_terms(terms, tx.now, valid_from)
    if obligations is None:
        nation = tx.uow.get(Nation, person.nationality)
        obligations = () if nation is None else nation.obligations
    return ClearanceGrant(
        id=tx.new_id(),
        node=tx.node,
        person=person.id,
        level=level,
        valid_from=valid_from or tx.now,
        valid_until=terms.valid_until,
        granted_by=officer.id,
        compartments=frozenset(terms.compartments),
        groups=frozenset(terms.groups),
        authorizations=frozenset(terms.authorizations),
        obligations=obligations,
        acknowledged_at=acknowledged_at,
        changed_at=tx.now,
    )


def do_grant_clearance(tx: Tx, grant: ClearanceGrant, *, actor: str | None) -> ClearanceGrant:
    """Store and record a grant, collect :class:`ClearanceGranted`."""
    tx.uow.add(grant)
    detail = {
        "person": grant.person,
        "level": grant.level.name,
        "valid_until": grant.valid_until.isoformat(),
        "compartments": sorted(grant.compartments),
    }
    tx.audit(actor, "clearance.grant", grant.id, detail=detail)
    tx.emit(ClearanceGranted(grant.person, grant.id))
    return grant


def acknowledge_obligations(tx: Tx, clearance: str, *, actor: str) -> ClearanceGrant:
    """The holder acknowledges the legal obligations of their grant (only they can)."""
    grant = _grant(tx, clearance)
    if grant.person != actor:
        raise Forbidden("only the holder acknowledges the obligations of a clearance")
    updated = replace(grant, acknowledged_at=tx.now, changed_at=tx.now)
    tx.uow.replace(updated)
    detail = {"obligations": list(grant.obligations)}
    tx.audit(actor, "clearance.acknowledge", grant.id, detail=detail)
    return updated


def suspend_clearance(tx: Tx, clearance: str, *, actor: str, reason: str) -> ClearanceGrant:
    """Suspend a grant at once (security officer of the holder's nation)."""
    grant = _set_status(tx, clearance, ClearanceStatus.SUSPENDED, actor, reason)
    tx.emit(ClearanceSuspended(grant.person, grant.id))
    return grant


def revoke_clearance(tx: Tx, clearance: str, *, actor: str, reason: str) -> ClearanceGrant:
    """Revoke a grant at once and for good (security officer of the holder's nation)."""
    grant = _set_status(tx, clearance, ClearanceStatus.REVOKED, actor, reason)
    tx.emit(ClearanceRevoked(grant.person, grant.id))
    return grant


def reinstate_clearance(tx: Tx, clearance: str, *, actor: str, reason: str) -> ClearanceGrant:
    """Lift a suspension (a revoked grant stays revoked)."""
    return _set_status(tx, clearance, ClearanceStatus.ACTIVE, actor, reason)


def _set_status(
    tx: Tx, clearance: str, status: ClearanceStatus, actor: str, reason: str
) -> ClearanceGrant:
    grant = _grant(tx, clearance)
    holder = resolve(tx, Person, grant.person, "person")
    check_security_officer(tx, require_actor(tx, actor), holder)
    if not reason.strip():
        raise InvalidInput("reason", "why the clearance changes")
    if grant.status is ClearanceStatus.REVOKED:
        raise Conflict(f"clearance {grant.id} is revoked")
    updated = replace(grant, status=status, status_reason=reason, changed_at=tx.now)
    tx.uow.replace(updated)
    tx.audit(actor, f"clearance.{status.value}", grant.id, reason=reason)
    return updated


def _grant(tx: Tx, clearance: str) -> ClearanceGrant:
    grant = tx.uow.get(ClearanceGrant, clearance)
    if grant is None:
        raise NotFound("clearance", clearance)
    return grant


def request_clearance(
    tx: Tx, person: str, terms: Terms, *, actor: str, justification: str
) -> ClearanceRequest:
    """A sponsor (the actor) asks for ``person`` to be cleared."""
    sponsor = require_actor(tx, actor)
    subject = resolve(tx, Person, person, "person")
    level = check_terms(terms, tx.now, None)
    if not justification.strip():
        raise InvalidInput("justification", "why the person needs the clearance")
    request = ClearanceRequest(
        id=tx.new_id(),
        node=tx.node,
        person=subject.id,
        sponsor=sponsor.id,
        level=level,
        valid_until=terms.valid_until,
        justification=justification,
        created_at=tx.now,
        compartments=frozenset(terms.compartments),
        groups=frozenset(terms.groups),
        authorizations=frozenset(terms.authorizations),
    )
    tx.uow.add(request)
    tx.audit(actor, "clearance.request", request.id, detail={"person": subject.id})
    tx.emit(ClearanceRequested(request.id, subject.id))
    return request


def approve_request(tx: Tx, request: str, *, actor: str) -> ClearanceGrant:
    """Approve a pending request: the grant it asked for, from now."""
    pending, holder, officer = _decidable(tx, request, actor)
    terms = Terms(
        pending.level.name,
        pending.valid_until,
        tuple(pending.compartments),
        tuple(pending.groups),
        tuple(pending.authorizations),
    )
    grant = do_grant_clearance(tx, build_grant(tx, holder, terms, officer, None, None), actor=actor)
    _decide(tx, pending, RequestStatus.APPROVED, actor, "", grant.id)
    return grant


def refuse_request(tx: Tx, request: str, *, actor: str, reason: str) -> ClearanceRequest:
    """Refuse a pending request with a reason."""
    if not reason.strip():
        raise InvalidInput("reason", "why the request is refused")
    pending, _, _ = _decidable(tx, request, actor)
    return _decide(tx, pending, RequestStatus.REFUSED, actor, reason, None)


def _decidable(tx: Tx, request: str, actor: str) -> tuple[ClearanceRequest, Person, Person]:
    found = tx.uow.get(ClearanceRequest, request)
    if found is None:
        raise NotFound("clearance request", request)
    if found.status is not RequestStatus.PENDING:
        raise Conflict(f"clearance request {request} is already {found.status.value}")
    holder = resolve(tx, Person, found.person, "person")
    officer = require_actor(tx, actor)
    check_security_officer(tx, officer, holder)
    return found, holder, officer


def _decide(
    tx: Tx,
    request: ClearanceRequest,
    status: RequestStatus,
    actor: str,
    reason: str,
    clearance: str | None,
) -> ClearanceRequest:
    decided = replace(
        request,
        status=status,
        decided_by=actor,
        decided_at=tx.now,
        reason=reason,
        clearance=clearance,
    )
    tx.uow.replace(decided)
    tx.audit(actor, f"clearance.{status.value}", request.id, reason=reason)
    tx.emit(ClearanceRequestDecided(request.id, request.person, status is RequestStatus.APPROVED))
    return decided


def list_clearances(tx: Tx, person: str | None = None) -> list[ClearanceGrant]:
    """Every grant, or those of ``person`` (id or login)."""
    if person is None:
        return tx.uow.list_all(ClearanceGrant)
    return tx.uow.grants_of(resolve(tx, Person, person, "person").id)


def list_requests(tx: Tx) -> list[ClearanceRequest]:
    """Every clearance request."""
    return tx.uow.list_all(ClearanceRequest)


StatusOp = Callable[..., ClearanceGrant | ClearanceRequest]
"""The shape of the reason-taking operations (refuse, suspend, revoke, reinstate)."""
