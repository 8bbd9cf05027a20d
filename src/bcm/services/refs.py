"""Resolving references given by callers (an id, or a natural key such as a login) into
entities, with :class:`InvalidInput` naming the field when nothing matches."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from bcm.domain.model import Body, Nation, Organization, Person, Position
from bcm.errors import InvalidInput
from bcm.services.core import Tx
from bcm.storage.port import E

S = TypeVar("S", bound=StrEnum)


def resolve(tx: Tx, kind: type[E], ref: str, field: str) -> E:
    """The entity of ``kind`` whose id or natural key is ``ref``."""
    found = tx.uow.get(kind, ref) or tx.uow.find(kind, ref)
    if found is None:
        raise InvalidInput(field, f"a known {_NAMES[kind]} (got {ref!r})")
    return found


def resolve_all(tx: Tx, kind: type[E], refs: tuple[str, ...], field: str) -> tuple[E, ...]:
    """Each of ``refs`` resolved; the field names the index of a bad one."""
    return tuple(resolve(tx, kind, ref, f"{field}[{i}]") for i, ref in enumerate(refs))


_NAMES: dict[type[object], str] = {
    Nation: "nation code",
    Organization: "organization key",
    Position: "position key",
    Person: "person login",
    Body: "body key",
}


def parse_enum(kind: type[S], value: str, field: str) -> S:
    """``value`` as a member of ``kind``; otherwise bad input naming ``field``."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise InvalidInput(field, f"one of {choices} (got {value!r})") from None
