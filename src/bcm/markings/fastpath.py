"""The compiled fast path: labels and clearances as integers and bitmasks.

``allows(c, l)`` is three integer operations and agrees with ``decide(...).allowed`` (a
property test keeps it so):

    level:        c.level >= l.level
    requirements: l.required & c.lacking == 0       (c.lacking = ~granted bits)
    disclosure:   l.audience & c.tokens != 0        (audience = -1 when releasable to all)

``audience`` holds the owner tokens, plus REL TO and DISPLAY ONLY tokens unless NOFORN;
``tokens`` holds the reader's nationality, groups and expandable groups of that nationality.
Bits are assigned on first use by one process-wide registry.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bcm.markings.decision import Clearance
from bcm.markings.disclosure import reader_tokens, releasable_to_everyone
from bcm.markings.model import Label
from bcm.markings.requirements import granted_keys, label_requirements

K = TypeVar("K", bound=Hashable)


class _Bits:
    """Stable bit positions for names (one registry for tokens, one for requirements)."""

    def __init__(self) -> None:
        self._positions: dict[str, int] = {}
        self._lock = threading.Lock()

    def mask(self, names: Iterable[str]) -> int:
        value = 0
        for name in names:
            position = self._positions.get(name)
            if position is None:
                with self._lock:
                    position = self._positions.setdefault(name, len(self._positions))
            value |= 1 << position
        return value


_TOKENS = _Bits()
_REQUIREMENTS = _Bits()


@dataclass(frozen=True, slots=True)
class CompiledLabel:
    """A label as integers: level, required bits, audience bits (-1: everyone)."""

    level: int
    required: int
    audience: int


@dataclass(frozen=True, slots=True)
class CompiledClearance:
    """A clearance as integers: level, complement of granted bits, reader token bits."""

    level: int
    lacking: int
    tokens: int


def compile_label(label: Label) -> CompiledLabel:
    """Compile ``label`` for ``allows``."""
    if releasable_to_everyone(label):
        audience = -1
    elif label.noforn:
        audience = _TOKENS.mask(label.owners)
    else:
        audience = _TOKENS.mask(label.owners + label.rel_to + label.display_only)
    # RELIDO and "no decision" need nothing special: only the owners are in the audience.
    return CompiledLabel(int(label.level), _REQUIREMENTS.mask(label_requirements(label)), audience)


def compile_clearance(clearance: Clearance) -> CompiledClearance:
    """Compile ``clearance`` for ``allows``."""
    granted = _REQUIREMENTS.mask(granted_keys(clearance.compartments, clearance.authorizations))
    tokens = _TOKENS.mask(reader_tokens(clearance.nationality, clearance.groups))
    return CompiledClearance(int(clearance.level), ~granted, tokens)


def allows(clearance: CompiledClearance, label: CompiledLabel) -> bool:
    """The yes/no label decision on compiled values; equals ``decide(...).allowed``."""
    return (
        clearance.level >= label.level
        and not label.required & clearance.lacking
        and label.audience & clearance.tokens != 0
    )


class RecipientIndex(Generic[K]):
    """Subscribers grouped by distinct compiled clearance.

    ``recipients(label)`` evaluates ``allows`` once per distinct clearance, not once per
    subscriber: a hundred thousand subscribers usually share a few hundred clearances.
    """

    def __init__(self, subscribers: Iterable[tuple[K, Clearance]] = ()) -> None:
        self._groups: dict[CompiledClearance, dict[K, None]] = {}
        self._where: dict[K, CompiledClearance] = {}
        for key, clearance in subscribers:
            self.add(key, clearance)

    def add(self, key: K, clearance: Clearance) -> None:
        """Add or replace a subscriber."""
        self.remove(key)
        compiled = compile_clearance(clearance)
        self._groups.setdefault(compiled, {})[key] = None
        self._where[key] = compiled

    def remove(self, key: K) -> None:
        """Remove a subscriber (no error when absent)."""
        compiled = self._where.pop(key, None)
        if compiled is None:
            return
        group = self._groups[compiled]
        del group[key]
        if not group:
            del self._groups[compiled]

    def __len__(self) -> int:
        return len(self._where)

    @property
    def distinct_clearances(self) -> int:
        """How many distinct compiled clearances the subscribers have."""
        return len(self._groups)

    def recipients(self, label: Label | CompiledLabel) -> list[K]:
        """The keys of the subscribers allowed to see ``label``."""
        compiled = label if isinstance(label, CompiledLabel) else compile_label(label)
        out: list[K] = []
        for clearance, keys in self._groups.items():
            if allows(clearance, compiled):
                out.extend(keys)
        return out
