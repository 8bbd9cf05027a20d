"""The entities of the data plane: frozen values, no behaviour beyond derived facts.

Labels are held as their canonical banner string (``str(Label)``), the form that is stored;
``bcm.domain.labels.label_of`` parses and caches them where a decision needs the value.
Every record carries ``node``, the installation that created it, so records can later be
exchanged between nodes of different governments without identifier clashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bcm.markings import Level


class Mode(StrEnum):
    """Real-world or exercise: every item has one, every person works in one at a time."""

    REAL_WORLD = "real-world"
    EXERCISE = "exercise"


class PersonKind(StrEnum):
    """A human user or a machine account (a feed or integration client)."""

    PERSON = "person"
    MACHINE = "machine"


class Role(StrEnum):
    """Permission bundles (not positions)."""

    SECURITY_OFFICER = "security-officer"
    CLASSIFICATION_AUTHORITY = "classification-authority"
    OPERATOR = "operator"


class BodyKind(StrEnum):
    """Kinds of coordination body."""

    POLICY_COMMITTEE = "policy-committee"
    TECHNICAL_GROUP = "technical-group"
    CENTER_WATCH = "center-watch"
    INTELLIGENCE = "intelligence"
    OPERATIONS = "operations"
    GENERAL = "general"


class Stage(StrEnum):
    """Activation stage of a coordination center (the machinery that changes it comes later)."""

    STANDBY = "standby"
    LIAISON_EXCHANGE = "liaison-exchange"
    PARTIAL = "partial"
    FULL_WATCH = "24-hour-watch"


class ClearanceStatus(StrEnum):
    """A grant is active until suspended or revoked; expiry is computed from its dates."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class RequestStatus(StrEnum):
    """A clearance request: a sponsor asks, a security officer decides."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class Nation:
    """A state party, by ISO 3166 trigraph. ``obligations`` names the secrets-protection laws
    a clearance holder of this nationality must acknowledge."""

    code: str
    name: str
    node: str
    obligations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Organization:
    """A unit of a government; ``parent`` builds the hierarchy (ministry → bureau → division)."""

    id: str
    node: str
    key: str
    name: str
    nation: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Position:
    """A seat people fill; ``alternate`` and ``supervisor`` form the escalation chain."""

    id: str
    node: str
    key: str
    name: str
    organization: str
    alternate: str | None = None
    supervisor: str | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A person or machine account. ``login`` is the node-local name (``--as LOGIN``)."""

    id: str
    node: str
    login: str
    name: str
    kind: PersonKind
    nationality: str
    organization: str
    positions: tuple[str, ...] = ()
    roles: frozenset[Role] = frozenset()
    mode: Mode = Mode.REAL_WORLD
    created_at: datetime | None = None

    def has_role(self, role: Role) -> bool:
        """Whether the person holds ``role``."""
        return role in self.roles


@dataclass(frozen=True, slots=True)
class ClearanceGrant:
    """What a person is cleared for, by whom, for how long, under which legal obligations.

    ``obligations`` names the secrets-protection laws that apply; access needs them
    acknowledged (``acknowledged_at`` set and not in the future).
    """

    id: str
    node: str
    person: str
    level: Level
    valid_from: datetime
    valid_until: datetime
    granted_by: str
    compartments: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    authorizations: frozenset[str] = frozenset()
    obligations: tuple[str, ...] = ()
    acknowledged_at: datetime | None = None
    status: ClearanceStatus = ClearanceStatus.ACTIVE
    status_reason: str = ""
    changed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ClearanceRequest:
    """A sponsor's request to clear a person; decided by a security officer of their nation."""

    id: str
    node: str
    person: str
    sponsor: str
    level: Level
    valid_until: datetime
    justification: str
    created_at: datetime
    compartments: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    authorizations: frozenset[str] = frozenset()
    status: RequestStatus = RequestStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str = ""
    clearance: str | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    """Who belongs to a body: organizations (with their sub-organizations), positions, people."""

    organizations: frozenset[str] = frozenset()
    positions: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Body:
    """A coordination body with a label ceiling and a membership rule.

    ``stage`` is set only for centers (kind ``center-watch``); standby by default.
    """

    id: str
    node: str
    key: str
    name: str
    kind: BodyKind
    ceiling: str
    membership: Membership = field(default_factory=Membership)
    nation: str | None = None
    stage: Stage | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A portion-marked paragraph: ``mark`` is the canonical portion mark, e.g. ``(S//NF)``."""

    mark: str
    text: str


@dataclass(frozen=True, slots=True)
class Item:
    """A labeled post in a body. With paragraphs, ``label`` is the roll-up of their marks.

    ``seq`` is the global sequence number (the live feed's cursor), assigned at commit.
    ``supersedes`` points to the item this one corrects.
    """

    id: str
    node: str
    seq: int
    body: str
    author: str
    organization: str
    label: str
    mode: Mode
    created_at: datetime
    text: str = ""
    paragraphs: tuple[Paragraph, ...] = ()
    supersedes: str | None = None


@dataclass(frozen=True, slots=True)
class PostKey:
    """An idempotency key a person posted under: a digest of the request it came with and
    the item it produced. Stored in the item's own transaction, so a key exists exactly when
    its item does."""

    person: str
    key: str
    fingerprint: str
    item: str
    created_at: datetime
