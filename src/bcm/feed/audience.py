"""Who may receive an item: the one access policy, evaluated once per distinct clearance.

Two steps, both delegating to the rules' single home:

1. the marking core's :class:`~bcm.markings.RecipientIndex` narrows the subscribers to those
   whose *current* clearance passes the label — one ``allows`` per distinct clearance, not
   per subscriber;
2. for each of them, the access policy ``bcm.domain.policy.decide`` (mode, clearance
   validity, need-to-know, label) gives the answer, cached per (person, body, label, mode)
   until the person's standing is reloaded or a grant starts or ends.

Step 1 can only remove people step 2 would refuse (the policy's last rule is the same label
decision), so it is an index, not a second copy of the rules.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bcm import markings
from bcm.domain.clock import Clock
from bcm.domain.model import Body, Item, Mode
from bcm.domain.policy import (
    Action,
    Resource,
    Subject,
    current_grant,
    decide,
    label_of,
    marking_clearance,
)

_DecisionKey = tuple[str, int, Body, str, Mode]
_MAX_DECISIONS = 200_000  # cached decisions before the cache is started afresh


class Audience:
    """The subjects of the people subscribed in this process, and the recipients of items."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._subjects: dict[str, Subject] = {}
        self._generation: dict[str, int] = {}
        self._index: markings.RecipientIndex[str] = markings.RecipientIndex()
        self._decisions: dict[_DecisionKey, bool] = {}
        self._indexed_at: datetime | None = None
        self._boundary: datetime | None = None

    def __contains__(self, person: object) -> bool:
        return person in self._subjects

    def people(self) -> frozenset[str]:
        """Everyone whose subject is held."""
        return frozenset(self._subjects)

    def put(self, subject: Subject) -> None:
        """Add or refresh a person (after a reload: earlier decisions are forgotten)."""
        person = subject.person.id
        self._subjects[person] = subject
        self._generation[person] = self._generation.get(person, 0) + 1
        self._index_one(person, subject, self._clock.now())
        self._boundary = _earliest(self._boundary, _next_boundary(subject, self._clock.now()))

    def drop(self, person: str) -> None:
        """Forget a person (no connection of theirs remains)."""
        self._subjects.pop(person, None)
        self._index.remove(person)

    def recipients(self, item: Item, body: Body) -> list[str]:
        """The people who may read ``item`` (in ``body``) now, by the access policy."""
        now = self._clock.now()
        if self._boundary is not None and now >= self._boundary:
            self._reindex(now)
        label = label_of(item.label)
        return [p for p in self._index.recipients(label) if self._allowed(p, item, body, now)]

    def _allowed(self, person: str, item: Item, body: Body, now: datetime) -> bool:
        key = (person, self._generation[person], body, item.label, item.mode)
        known = self._decisions.get(key)
        if known is None:
            subject = replace(self._subjects[person], now=now)
            resource = Resource(body=body, label=item.label, mode=item.mode, item=item)
            known = decide(subject, Action.READ, resource).allowed
            if len(self._decisions) >= _MAX_DECISIONS:
                self._decisions.clear()
            self._decisions[key] = known
        return known

    def _index_one(self, person: str, subject: Subject, now: datetime) -> None:
        grant = current_grant(subject.grants, now)
        if grant is None:  # the policy refuses everything to them: keep them out of the index
            self._index.remove(person)
        else:
            self._index.add(person, marking_clearance(subject, grant))

    def _reindex(self, now: datetime) -> None:
        """A grant started or ended: rebuild the index and forget cached decisions."""
        self._decisions.clear()
        self._boundary = None
        for person, subject in self._subjects.items():
            self._index_one(person, subject, now)
            self._boundary = _earliest(self._boundary, _next_boundary(subject, now))


def _next_boundary(subject: Subject, now: datetime) -> datetime | None:
    """The next instant after ``now`` at which one of the subject's grants starts or ends."""
    moments = [
        t
        for grant in subject.grants
        for t in (grant.valid_from, grant.valid_until, grant.acknowledged_at)
        if t is not None and t > now
    ]
    return min(moments, default=None)


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None:
        return b
    return a if b is None else min(a, b)
