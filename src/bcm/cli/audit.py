"""``bcm audit``: verify the chain, query it (security officers), sign checkpoints, rotate
the node key. Verification exits 0 with the record count, or 1 naming the first bad seq."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from bcm.audit.node import rotate_key, take_checkpoint
from bcm.audit.verify import Report, verify_database
from bcm.bootstrap import database_url
from bcm.cli.dataplane import (
    actor_id,
    as_option,
    database_option,
    emit,
    json_option,
    services_for,
    table,
)
from bcm.domain.audit import AuditRecord
from bcm.errors import InvalidInput
from bcm.services import people
from bcm.services.audit_query import AuditQuery, query_audit
from bcm.storage.chain import format_time

key_option = click.option(
    "--key-file", default=None, help="the node's audit key (default $BCM_KEY_FILE, docs/audit.md)"
)


@click.group("audit")
def audit() -> None:
    """The tamper-evident audit log."""


@audit.command("verify")
@database_option
@key_option
@json_option
def audit_verify(database: str | None, key_file: str | None, as_json: bool) -> None:
    """Check every record, the chain, every key and checkpoint signature."""
    report = verify_database(database_url(database), key_file=key_file)
    emit(as_json, _report_json(report), lambda: _report_text(report))
    if not report.ok:
        raise click.exceptions.Exit(1)


def _report_json(report: Report) -> dict[str, Any]:
    problem = report.problem
    return {
        "ok": report.ok,
        "records": report.records,
        "checkpoints": report.checkpoints,
        "keys": report.keys,
        "last_checkpoint": report.last_checkpoint,
        "anchored": report.anchored,
        "seq": None if problem is None else problem.seq,
        "reason": None if problem is None else problem.reason,
    }


def _report_text(report: Report) -> str:
    if report.problem is not None:
        return str(report.problem)
    anchor = "anchored by the node key file" if report.anchored else "no node key file"
    return (
        f"audit chain verified: {report.records} records, {report.checkpoints} checkpoints, "
        f"{report.keys} keys ({anchor})"
    )


def parse_when(value: str | None, option: str) -> datetime | None:
    """An ISO 8601 time; without an offset it is UTC."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(option, "an ISO 8601 time, e.g. 2026-02-20T09:00:00Z") from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


@audit.command("query")
@as_option
@click.option("--item", default=None, help="who saw and did what with this item (id)")
@click.option("--person", default=None, metavar="LOGIN", help="what this person saw and did")
@click.option("--from", "since", default=None, help="ISO 8601 time (included)")
@click.option("--to", "until", default=None, help="ISO 8601 time (included)")
@database_option
@json_option
def audit_query(
    login: str,
    item: str | None,
    person: str | None,
    since: str | None,
    until: str | None,
    database: str | None,
    as_json: bool,
) -> None:
    """Query the audit log (security officers only; the query is recorded)."""
    query = AuditQuery(item, person, parse_when(since, "--from"), parse_when(until, "--to"))
    query.check()
    with services_for(database) as services:
        found = services.run(query_audit, query, actor=actor_id(services, login))
        logins = {p.id: p.login for p in services.run(people.list_people)}
    rows = [_record_json(r, logins) for r in found]
    emit(as_json, rows, lambda: _records_text(rows))


def _record_json(record: AuditRecord, logins: dict[str, str]) -> dict[str, Any]:
    entry = record.entry
    return {
        "seq": record.seq,
        "at": format_time(entry.at),
        "actor": entry.actor,
        "login": None if entry.actor is None else logins.get(entry.actor, entry.actor),
        "action": entry.action,
        "target": entry.target,
        "label": entry.label,
        "allowed": entry.allowed,
        "reason": entry.reason,
        "detail": entry.detail,
    }


def _records_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no audit records match"
    decided = {None: "", True: "allowed", False: "denied"}
    lines = [
        [
            str(r["seq"]),
            r["at"],
            r["login"] or "(node)",
            r["action"],
            r["target"] or "",
            r["label"] or "",
            decided[r["allowed"]],
            r["reason"] or json.dumps(r["detail"], sort_keys=True)[:60],
        ]
        for r in rows
    ]
    return table(lines)


@audit.command("checkpoint")
@database_option
@key_option
@json_option
def audit_checkpoint(database: str | None, key_file: str | None, as_json: bool) -> None:
    """Sign the chain as it stands now with the node key."""
    url = database_url(database)
    with services_for(url) as services:
        record = take_checkpoint(services, url, key_file)
    assert record is not None
    signed = record.entry.detail["seq"]
    result = {"seq": record.seq, "signs": signed, "key": record.entry.target}
    emit(as_json, result, lambda: f"checkpoint {record.seq} signs the chain up to seq {signed}")


@audit.command("rotate-key")
@database_option
@key_option
@json_option
def audit_rotate_key(database: str | None, key_file: str | None, as_json: bool) -> None:
    """Replace the node key (the old key endorses the new one; old public keys are kept)."""
    url = database_url(database)
    with services_for(url) as services:
        done = rotate_key(services, url, key_file)
    result = {"key_file": str(done.path), "old": done.old, "new": done.new}
    emit(as_json, result, lambda: f"rotated {done.path}: key {done.old} → {done.new}")
