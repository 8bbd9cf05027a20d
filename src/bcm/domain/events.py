"""Events: what happened, published to the live feed only after the unit of work commits.

Events carry identifiers, cursors and labels, never content: a subscriber fetches content
through the services' ``access_*`` functions, so the access policy is applied on delivery.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bcm.domain.model import Mode


@dataclass(frozen=True, slots=True)
class Event:
    """Base of every event."""


@dataclass(frozen=True, slots=True)
class ItemPosted(Event):
    """A new item (or a correction, when ``supersedes`` is set) was committed."""

    item: str
    seq: int
    body: str
    label: str
    mode: Mode
    supersedes: str | None = None


@dataclass(frozen=True, slots=True)
class ItemRelabeled(Event):
    """An item's label was changed by a classification authority."""

    item: str
    seq: int
    body: str
    old_label: str
    new_label: str
    mode: Mode


@dataclass(frozen=True, slots=True)
class ClearanceGranted(Event):
    """A person received a clearance grant."""

    person: str
    clearance: str


@dataclass(frozen=True, slots=True)
class ClearanceSuspended(Event):
    """A grant was suspended: access ends at once (subscribers must be re-evaluated)."""

    person: str
    clearance: str


@dataclass(frozen=True, slots=True)
class ClearanceRevoked(Event):
    """A grant was revoked: access ends at once (subscribers must be re-evaluated)."""

    person: str
    clearance: str


@dataclass(frozen=True, slots=True)
class ClearanceRequested(Event):
    """A sponsor asked for a person to be cleared."""

    request: str
    person: str


@dataclass(frozen=True, slots=True)
class ClearanceRequestDecided(Event):
    """A security officer approved or refused a request."""

    request: str
    person: str
    approved: bool


@dataclass(frozen=True, slots=True)
class MembershipChanged(Event):
    """A body's membership rule changed (need-to-know changes for some people)."""

    body: str


@dataclass(frozen=True, slots=True)
class ModeChanged(Event):
    """A person switched between real-world and exercise."""

    person: str
    mode: Mode


@dataclass(frozen=True, slots=True)
class OrgChartLoaded(Event):
    """An org chart was loaded (structure changed wholesale)."""

    people: int
    bodies: int


class Publisher(Protocol):
    """The port the live feed implements. Called from the writer thread, after commit, in
    commit order; it must not block (hand events to a queue or an event loop)."""

    def publish(self, events: Sequence[Event]) -> None:
        """Deliver ``events`` (all from one committed unit of work)."""
        ...


class NullPublisher:
    """Drops events (CLI runs, tools)."""

    def publish(self, events: Sequence[Event]) -> None:
        """Do nothing."""


class RecordingPublisher:
    """Keeps every published event in order (tests, and the simplest in-process feed)."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def publish(self, events: Sequence[Event]) -> None:
        """Append ``events``."""
        self.events.extend(events)
