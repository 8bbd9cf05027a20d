"""``bcm init``, ``bcm migrate`` and the admin commands for people and bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from bcm.bootstrap import database_url, init_database
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
from bcm.errors import Conflict, InvalidInput
from bcm.services import bodies, people
from bcm.services.bodies import Members
from bcm.services.orgchart import summary_detail
from bcm.storage.engine import migrate as upgrade
from bcm.storage.engine import node_of, open_engine


@click.command("init")
@database_option
@click.option("--org-chart", "org_chart", type=click.Path(dir_okay=False), help="YAML org chart")
@click.option("--reset", is_flag=True, help="erase an existing database first")
@click.option("--key-file", default=None, help="node audit key file (default $BCM_KEY_FILE)")
@json_option
def init(
    database: str | None, org_chart: str | None, reset: bool, key_file: str | None, as_json: bool
) -> None:
    """Create the database (and node id and audit key); load an org chart."""
    text = None if org_chart is None else _read(org_chart)
    url = database_url(database)
    node, summary = init_database(url, org_chart=text, reset=reset, key_file=key_file)
    counts = None if summary is None else summary_detail(summary)
    result = {"database": url, "node": node, "loaded": counts}
    loaded = "" if counts is None else ", ".join(f"{v} {k}" for k, v in counts.items())
    emit(
        as_json,
        result,
        lambda: f"initialized {url} (node {node})" + (f": {loaded}" if loaded else ""),
    )


@click.command("migrate")
@database_option
@json_option
def migrate(database: str | None, as_json: bool) -> None:
    """Bring an initialized database to the newest schema (the Alembic chain's head)."""
    url = database_url(database)
    engine = open_engine(url)
    try:
        if node_of(engine) is None:
            raise Conflict(f"database {url} is not initialized; run 'bcm init' first")
        upgrade(engine)
    finally:
        engine.dispose()
    emit(as_json, {"database": url, "migrated": True}, lambda: f"{url} is at the newest schema")


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput("--org-chart", f"a readable file ({error.strerror})") from None


def parse_time(value: str, field: str) -> datetime:
    """A date (midnight UTC) or ISO time given on the command line."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, f"a date such as 2027-12-31 (got {value!r})") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- people ------------------------------------------------------------------------------


@click.group("person")
def person() -> None:
    """People and machine accounts."""


@person.command("list")
@database_option
@json_option
def person_list(database: str | None, as_json: bool) -> None:
    """List people."""
    with services_for(database) as services:
        found = services.run(people.list_people)
    rows = [
        [p.login, p.kind.value, p.nationality, p.mode.value, ",".join(sorted(p.roles)), p.name]
        for p in found
    ]
    emit(as_json, found, lambda: table(rows))


@person.command("show")
@click.argument("login")
@database_option
@json_option
def person_show(login: str, database: str | None, as_json: bool) -> None:
    """Show one person."""
    with services_for(database) as services:
        found = services.run(people.get_person, login)
    emit(
        as_json,
        found,
        lambda: (
            f"{found.login}: {found.name} "
            f"({found.nationality}, {found.kind.value}, {found.mode.value})"
        ),
    )


@person.command("add")
@click.option("--login", "new_login", required=True)
@click.option("--name", required=True)
@click.option("--nationality", required=True)
@click.option("--organization", required=True)
@click.option("--kind", default="person", type=click.Choice(["person", "machine"]))
@click.option("--position", "positions", multiple=True)
@click.option("--role", "roles", multiple=True)
@as_option
@database_option
@json_option
def person_add(
    new_login: str,
    name: str,
    nationality: str,
    organization: str,
    kind: str,
    positions: tuple[str, ...],
    roles: tuple[str, ...],
    login: str,
    database: str | None,
    as_json: bool,
) -> None:
    """Add a person (operator)."""
    with services_for(database) as services:
        added = services.run(
            people.add_person,
            actor=actor_id(services, login),
            login=new_login,
            name=name,
            nationality=nationality,
            organization=organization,
            kind=kind,
            positions=positions,
            roles=roles,
        )
    emit(as_json, added, lambda: f"added {added.login} ({added.id})")


@person.command("mode")
@click.argument("mode", type=click.Choice(["real-world", "exercise"]))
@as_option
@database_option
@json_option
def person_mode(mode: str, login: str, database: str | None, as_json: bool) -> None:
    """Switch the acting person between real-world and exercise."""
    with services_for(database) as services:
        updated = services.run(people.set_mode, mode, actor=actor_id(services, login))
    emit(as_json, updated, lambda: f"{updated.login} now works in {updated.mode.value}")


# -- bodies ------------------------------------------------------------------------------


@click.group("body")
def body() -> None:
    """Coordination bodies and their membership."""


@body.command("list")
@database_option
@json_option
def body_list(database: str | None, as_json: bool) -> None:
    """List bodies."""
    with services_for(database) as services:
        found = services.run(bodies.list_bodies)
    rows = [
        [b.key, b.kind.value, b.ceiling, b.stage.value if b.stage else "", b.name] for b in found
    ]
    emit(as_json, found, lambda: table(rows))


@body.command("show")
@click.argument("key")
@database_option
@json_option
def body_show(key: str, database: str | None, as_json: bool) -> None:
    """Show one body and its membership rule."""
    with services_for(database) as services:
        found = services.run(bodies.get_body, key)
    rule = found.membership
    emit(
        as_json,
        found,
        lambda: (
            f"{found.key}: {found.name} ({found.kind.value}, ceiling {found.ceiling})\n"
            f"  organizations {len(rule.organizations)}, positions {len(rule.positions)}, "
            f"people {len(rule.people)}"
        ),
    )


_member_options = options(
    click.option("--organization", "organizations", multiple=True),
    click.option("--position", "positions", multiple=True),
    click.option("--person", "persons", multiple=True),
)


@body.command("add")
@click.option("--key", required=True)
@click.option("--name", required=True)
@click.option("--kind", required=True)
@click.option("--ceiling", required=True)
@click.option("--nation", default=None)
@_member_options
@as_option
@database_option
@json_option
def body_add(
    key: str,
    name: str,
    kind: str,
    ceiling: str,
    nation: str | None,
    organizations: tuple[str, ...],
    positions: tuple[str, ...],
    persons: tuple[str, ...],
    login: str,
    database: str | None,
    as_json: bool,
) -> None:
    """Create a body (operator)."""
    members = Members(organizations, positions, persons)
    with services_for(database) as services:
        created = services.run(
            bodies.create_body,
            actor=actor_id(services, login),
            key=key,
            name=name,
            kind=kind,
            ceiling=ceiling,
            members=members,
            nation=nation,
        )
    emit(as_json, created, lambda: f"created {created.key} ({created.id})")


@body.group("member")
def member() -> None:
    """Change a body's membership."""


def _member_command(name: str, add: bool) -> click.Command:
    @click.command(name)
    @click.argument("key")
    @_member_options
    @as_option
    @database_option
    @json_option
    def command(
        key: str,
        organizations: tuple[str, ...],
        positions: tuple[str, ...],
        persons: tuple[str, ...],
        login: str,
        database: str | None,
        as_json: bool,
    ) -> None:
        members = Members(organizations, positions, persons)
        op = bodies.add_members if add else bodies.remove_members
        with services_for(database) as services:
            updated = services.run(op, key, members, actor=actor_id(services, login))
        emit(as_json, updated, lambda: f"{updated.key}: membership updated")

    command.help = "Add members (operator)." if add else "Remove members (operator)."
    return command


member.add_command(_member_command("add", True))
member.add_command(_member_command("remove", False))
