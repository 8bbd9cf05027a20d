"""Shared plumbing of the data-plane commands: ``--database``, ``--json``, ``--as LOGIN``,
opening services, and rendering entities as text or JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

import click

from bcm.bootstrap import open_services
from bcm.services import people
from bcm.services.core import Services

F = TypeVar("F", bound=Callable[..., Any])


def database_option(fn: F) -> F:
    """``--database URL`` (default ``$BCM_DATABASE``, else ``sqlite:///bcm.db``)."""
    return click.option(
        "--database",
        "database",
        default=None,
        metavar="URL",
        help="sqlite:///PATH or postgresql://… (default $BCM_DATABASE, else sqlite:///bcm.db)",
    )(fn)


def json_option(fn: F) -> F:
    """``--json``: print one JSON document instead of text."""
    return click.option("--json", "as_json", is_flag=True, help="print JSON")(fn)


def as_option(fn: F) -> F:
    """``--as LOGIN``: the person acting (required)."""
    return click.option("--as", "login", required=True, metavar="LOGIN", help="act as LOGIN")(fn)


def options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several Click options as one decorator, listed in the order ``--help`` shows them."""

    def apply(fn: F) -> F:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return apply


@contextmanager
def services_for(database: str | None) -> Iterator[Services]:
    """Open services for one command and close them after."""
    services = open_services(database)
    try:
        yield services
    finally:
        services.close()


def actor_id(services: Services, login: str) -> str:
    """The id of the person whose login is ``login``."""
    return services.run(people.get_person, login).id


def plain(value: Any) -> Any:
    """A JSON-compatible form of entities, enums, times and sets."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value if isinstance(value.value, str) else value.name
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def emit(as_json: bool, value: Any, text: Callable[[], str]) -> None:
    """Print ``value`` as JSON, or ``text()``."""
    if as_json:
        click.echo(json.dumps(plain(value), ensure_ascii=False, indent=2))
    else:
        click.echo(text())


def table(rows: list[list[str]]) -> str:
    """Left-aligned columns."""
    if not rows:
        return "(none)"
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )
