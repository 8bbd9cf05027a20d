"""Natural keys of the structural entities (what ``UnitOfWork.find`` looks up)."""

from __future__ import annotations

from typing import Any

from bcm.domain.model import Body, Nation, Organization, Person, Position

NATURAL_KEYS: dict[type[Any], str] = {
    Nation: "code",
    Organization: "key",
    Position: "key",
    Person: "login",
    Body: "key",
}


def natural_key(entity: Any) -> str | None:
    """The entity's natural key, or ``None`` for kinds without one."""
    attr = NATURAL_KEYS.get(type(entity))
    return None if attr is None else str(getattr(entity, attr))
