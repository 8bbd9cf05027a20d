"""``bcm clearance``: grants, acknowledgment, the request workflow, suspension and
revocation — each acting as a named person (``--as LOGIN``) through the services."""

from __future__ import annotations

import click

from bcm.cli.admin import parse_time
from bcm.cli.dataplane import (
    actor_id,
    as_option,
    database_option,
    emit,
    json_option,
    options,
    services_for,
    table,
)
from bcm.services import clearances, people
from bcm.services.clearances import Terms


@click.group("clearance")
def clearance() -> None:
    """Clearances and clearance requests."""


def _terms(
    level: str,
    until: str,
    compartments: tuple[str, ...],
    groups: tuple[str, ...],
    authorizations: tuple[str, ...],
) -> Terms:
    return Terms(level, parse_time(until, "--until"), compartments, groups, authorizations)


_terms_options = options(
    click.option("--level", required=True, help="e.g. SECRET"),
    click.option("--until", required=True, help="valid until (date)"),
    click.option("--compartment", "compartments", multiple=True),
    click.option("--group", "groups", multiple=True),
    click.option("--authorization", "authorizations", multiple=True),
)


@clearance.command("list")
@click.option("--person", "holder", default=None, help="only this person's grants")
@database_option
@json_option
def clearance_list(holder: str | None, database: str | None, as_json: bool) -> None:
    """List clearance grants."""
    with services_for(database) as services:
        grants = services.run(clearances.list_clearances, holder)
        logins = {p.id: p.login for p in services.run(people.list_people)}
    rows = [
        [
            g.id,
            logins.get(g.person, g.person),
            g.level.word,
            g.status.value,
            g.valid_until.date().isoformat(),
            "ack" if g.acknowledged_at else "not acknowledged",
        ]
        for g in grants
    ]
    emit(as_json, grants, lambda: table(rows))


@clearance.command("grant")
@click.argument("holder")
@_terms_options
@as_option
@database_option
@json_option
def clearance_grant(
    holder: str,
    level: str,
    until: str,
    compartments: tuple[str, ...],
    groups: tuple[str, ...],
    authorizations: tuple[str, ...],
    login: str,
    database: str | None,
    as_json: bool,
) -> None:
    """Grant HOLDER a clearance (security officer of HOLDER's nation)."""
    terms = _terms(level, until, compartments, groups, authorizations)
    with services_for(database) as services:
        grant = services.run(
            clearances.grant_clearance, holder, terms, actor=actor_id(services, login)
        )
    emit(as_json, grant, lambda: f"granted {grant.id}; {holder} must acknowledge the obligations")


@clearance.command("acknowledge")
@click.argument("clearance_id")
@as_option
@database_option
@json_option
def clearance_acknowledge(
    clearance_id: str, login: str, database: str | None, as_json: bool
) -> None:
    """Acknowledge the legal obligations of your clearance."""
    with services_for(database) as services:
        grant = services.run(
            clearances.acknowledge_obligations, clearance_id, actor=actor_id(services, login)
        )
    emit(as_json, grant, lambda: f"acknowledged: {'; '.join(grant.obligations) or '(none)'}")


@clearance.command("request")
@click.argument("holder")
@_terms_options
@click.option("--justification", required=True)
@as_option
@database_option
@json_option
def clearance_request(
    holder: str,
    level: str,
    until: str,
    compartments: tuple[str, ...],
    groups: tuple[str, ...],
    authorizations: tuple[str, ...],
    justification: str,
    login: str,
    database: str | None,
    as_json: bool,
) -> None:
    """Ask for HOLDER to be cleared (you are the sponsor)."""
    terms = _terms(level, until, compartments, groups, authorizations)
    with services_for(database) as services:
        request = services.run(
            clearances.request_clearance,
            holder,
            terms,
            actor=actor_id(services, login),
            justification=justification,
        )
    emit(as_json, request, lambda: f"requested {request.id}")


@clearance.command("requests")
@database_option
@json_option
def clearance_requests(database: str | None, as_json: bool) -> None:
    """List clearance requests."""
    with services_for(database) as services:
        found = services.run(clearances.list_requests)
        logins = {p.id: p.login for p in services.run(people.list_people)}
    rows = [
        [r.id, logins.get(r.person, r.person), r.level.word, r.status.value, r.reason]
        for r in found
    ]
    emit(as_json, found, lambda: table(rows))


@clearance.command("approve")
@click.argument("request_id")
@as_option
@database_option
@json_option
def clearance_approve(request_id: str, login: str, database: str | None, as_json: bool) -> None:
    """Approve a pending request (security officer)."""
    with services_for(database) as services:
        grant = services.run(
            clearances.approve_request, request_id, actor=actor_id(services, login)
        )
    emit(as_json, grant, lambda: f"approved: clearance {grant.id}")


def _status_command(name: str, op: clearances.StatusOp, verb: str) -> click.Command:
    @click.command(name)
    @click.argument("target")
    @click.option("--reason", required=True)
    @as_option
    @database_option
    @json_option
    def command(target: str, reason: str, login: str, database: str | None, as_json: bool) -> None:
        with services_for(database) as services:
            result = services.run(op, target, actor=actor_id(services, login), reason=reason)
        emit(as_json, result, lambda: f"{verb} {target}")

    command.help = f"{verb.capitalize()} a clearance or request (security officer)."
    return command


clearance.add_command(_status_command("refuse", clearances.refuse_request, "refused"))
clearance.add_command(_status_command("suspend", clearances.suspend_clearance, "suspended"))
clearance.add_command(_status_command("revoke", clearances.revoke_clearance, "revoked"))
clearance.add_command(_status_command("reinstate", clearances.reinstate_clearance, "reinstated"))
