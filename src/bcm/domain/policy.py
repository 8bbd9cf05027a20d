"""The access policy: ``decide(subject, action, resource) -> Decision``, in one place.

Precedence — the first rule that denies decides, and the reason names it; nothing is
allowed unless every rule passes (deny by default):

1. **mode** — the resource's mode must be the subject's current mode; real-world and
   exercise content never mix.
2. **clearance** — the subject needs a *current* grant: active (not suspended or revoked),
   ``valid_from <= now < valid_until``, and its legal obligations acknowledged.
3. **need-to-know** — the subject must be a member of the item's body (by organization or
   an ancestor of it, by position, or by name).
4. **label** — the marking core's ``decide(clearance, label)`` (level, compartments,
   releasability, ...), never re-implemented here.

Posting and relabeling are decided by the same rules over the label the subject wants to
write: a subject may only write what they could read. Role checks (classification authority)
come before rule 1 for relabeling.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from bcm import markings
from bcm.domain.model import Body, ClearanceGrant, ClearanceStatus, Item, Mode, Person, Role


class Action(StrEnum):
    """What a subject wants to do with a labeled resource."""

    READ = "read"
    POST = "post"
    RELABEL = "relabel"


@dataclass(frozen=True, slots=True)
class Subject:
    """The acting person as the policy sees them, loaded at ``now``.

    ``organizations`` is the person's organization followed by its ancestors, so membership
    by a parent organization covers its sub-organizations. ``grant`` is the grant current at
    ``now`` (derived once: a batch of posts decides a thousand times for one subject).
    """

    person: Person
    organizations: tuple[str, ...]
    grants: tuple[ClearanceGrant, ...]
    now: datetime
    grant: ClearanceGrant | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "grant", current_grant(self.grants, self.now))

    @property
    def mode(self) -> Mode:
        """The mode the subject currently works in."""
        return self.person.mode


@dataclass(frozen=True, slots=True)
class Resource:
    """A labeled thing in a body: an existing item (read, relabel: ``label`` is the new label)
    or a prospective one (post)."""

    body: Body
    label: str
    mode: Mode
    item: Item | None = None

    @classmethod
    def of_item(cls, item: Item, body: Body) -> Resource:
        """The resource for reading ``item`` in ``body``."""
        return cls(body=body, label=item.label, mode=item.mode, item=item)


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's answer; ``rule`` names the rule that decided (see the module docstring)."""

    allowed: bool
    reason: str
    rule: str


@lru_cache(maxsize=4096)
def label_of(banner: str) -> markings.Label:
    """The parsed label of a stored canonical banner (cached: banners repeat a lot)."""
    return markings.parse_label(banner)


def current_grant(grants: Iterable[ClearanceGrant], now: datetime) -> ClearanceGrant | None:
    """The most recently started grant that is current at ``now``, if any."""
    current = [g for g in grants if grant_problem(g, now) is None]
    return max(current, key=lambda g: g.valid_from, default=None)


def grant_problem(grant: ClearanceGrant, now: datetime) -> str | None:
    """Why ``grant`` gives no access at ``now``, or ``None`` when it is current."""
    if grant.status is not ClearanceStatus.ACTIVE:
        return f"clearance {grant.status.value}"
    if now < grant.valid_from:
        return f"clearance not valid before {grant.valid_from.isoformat()}"
    if now >= grant.valid_until:
        return f"clearance expired {grant.valid_until.isoformat()}"
    if grant.acknowledged_at is None or grant.acknowledged_at > now:
        return "legal obligations not acknowledged"
    return None


def marking_clearance(subject: Subject, grant: ClearanceGrant) -> markings.Clearance:
    """The marking core's view of a grant held by the subject."""
    return _clearance(
        subject.person.nationality,
        grant.level,
        grant.compartments,
        grant.groups,
        grant.authorizations,
    )


@lru_cache(maxsize=4096)
def _clearance(
    nationality: str,
    level: markings.Level,
    compartments: frozenset[str],
    groups: frozenset[str],
    authorizations: frozenset[str],
) -> markings.Clearance:
    # Cached: building a Clearance validates its codes, and few distinct ones exist.
    return markings.Clearance(nationality, level, compartments, groups, authorizations)


def is_member(subject: Subject, body: Body) -> bool:
    """Need-to-know: the subject belongs to ``body`` by organization, position or name."""
    rule = body.membership
    if subject.person.id in rule.people:
        return True
    if not rule.positions.isdisjoint(subject.person.positions):
        return True
    return not rule.organizations.isdisjoint(subject.organizations)


def decide(subject: Subject, action: Action, resource: Resource) -> Decision:
    """Whether ``subject`` may ``action`` the ``resource``, with the reason (module docstring)."""
    if action is Action.RELABEL and not subject.person.has_role(Role.CLASSIFICATION_AUTHORITY):
        return Decision(False, "relabeling needs the classification-authority role", "role")
    if resource.mode is not subject.mode:
        return Decision(
            False, f"{resource.mode.value} content is not visible in {subject.mode.value}", "mode"
        )
    grant = subject.grant
    if grant is None:
        return Decision(False, _no_grant_reason(subject), "clearance")
    if not is_member(subject, resource.body):
        return Decision(False, f"not a member of body {resource.body.key}", "need-to-know")
    verdict = _label_decision(marking_clearance(subject, grant), label_of(resource.label))
    return Decision(verdict.allowed, verdict.reason, "label")


# The label decision is pure and its inputs are hashable values; few distinct pairs occur.
_label_decision = lru_cache(maxsize=65536)(markings.decide)


def _no_grant_reason(subject: Subject) -> str:
    if not subject.grants:
        return "no clearance"
    latest = max(subject.grants, key=lambda g: g.valid_from)
    return grant_problem(latest, subject.now) or "no current clearance"
