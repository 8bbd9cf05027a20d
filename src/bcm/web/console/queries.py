"""What each console page reads, as operations run in one unit of work through
``call_service`` (the caller's standing is checked first, in the same unit of work).

Labeled content is only fetched through ``items.access_*`` (audited, decided by the access
policy); people, organizations and bodies are structure.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcm.domain.model import Body, ClearanceGrant, Item, Organization, Person
from bcm.domain.policy import current_grant, grant_problem, is_member
from bcm.errors import NotFound
from bcm.services import bodies, clearances, items, people
from bcm.services.core import Tx
from bcm.services.subjects import load_subject
from bcm.web.console.labels import Choice, labels_for

# A timeline shows at most this many items (newest first); older ones stay in the API.
TIMELINE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class Directory:
    """Names of people and organizations, for showing authors."""

    people: dict[str, Person]
    organizations: dict[str, Organization]

    def person_name(self, person_id: str) -> str:
        """The person's name, or their id when unknown."""
        found = self.people.get(person_id)
        return found.name if found else person_id

    def organization_name(self, organization_id: str) -> str:
        """The organization's name, or its id when unknown."""
        found = self.organizations.get(organization_id)
        return found.name if found else organization_id


def directory(tx: Tx) -> Directory:
    """Every person and organization by id."""
    return Directory(
        {p.id: p for p in people.list_people(tx)},
        {o.id: o for o in people.list_organizations(tx)},
    )


def me(tx: Tx, *, actor: str) -> Person:
    """The signed-in person."""
    return people.get_person(tx, actor)


def my_bodies(tx: Tx, *, actor: str) -> tuple[Person, list[Body]]:
    """The person and the bodies they belong to (need-to-know by membership)."""
    subject = load_subject(tx, actor)
    return subject.person, [b for b in bodies.list_bodies(tx) if is_member(subject, b)]


def member_body(tx: Tx, ref: str, actor: str) -> Body:
    """A body the actor belongs to; any other is not found (same answer as missing)."""
    subject = load_subject(tx, actor)
    try:
        body = bodies.get_body(tx, ref)
    except NotFound:
        raise NotFound("body", ref) from None
    if not is_member(subject, body):
        raise NotFound("body", ref)
    return body


@dataclass(frozen=True, slots=True)
class Timeline:
    """A body's items the reader may see (oldest first) and who wrote them."""

    person: Person
    body: Body
    items: list[Item]
    names: Directory


def timeline(tx: Tx, ref: str, *, actor: str, after: int = 0) -> Timeline:
    """Items of body ``ref`` with ``seq > after`` that the actor may read, the newest
    ``TIMELINE_LIMIT`` of them."""
    body = member_body(tx, ref, actor)
    found: list[Item] = []
    while True:
        page = items.access_items_by_body(tx, body.id, actor=actor, after_seq=after, limit=500)
        found.extend(page)
        if len(page) < 500:
            break
        after = page[-1].seq
    return Timeline(me(tx, actor=actor), body, found[-TIMELINE_LIMIT:], directory(tx))


@dataclass(frozen=True, slots=True)
class ItemDetail:
    """An item, the item it corrects and the corrections of it the reader may see."""

    person: Person
    body: Body
    item: Item
    corrects: Item | None
    corrections: list[Item]
    names: Directory


def item_detail(tx: Tx, ident: str, *, actor: str) -> ItemDetail:
    """The item (``NotFound`` when missing or not visible) and its corrections."""
    item = items.access_item_by_id(tx, ident, actor=actor)
    body = bodies.get_body(tx, item.body)
    corrects = None
    if item.supersedes:
        try:
            corrects = items.access_item_by_id(tx, item.supersedes, actor=actor)
        except NotFound:
            corrects = None  # the corrected item is above what this reader may see
    later = items.access_items_by_body(tx, body.id, actor=actor, after_seq=item.seq, limit=500)
    corrections = [other for other in later if other.supersedes == item.id]
    return ItemDetail(me(tx, actor=actor), body, item, corrects, corrections, directory(tx))


@dataclass(frozen=True, slots=True)
class PostForm:
    """What the post form offers: the body and the labels the author may use in it."""

    person: Person
    body: Body
    choices: list[Choice]


def post_form(tx: Tx, ref: str, *, actor: str) -> PostForm:
    """The body (one the actor belongs to) and the labels the picker offers."""
    body = member_body(tx, ref, actor)
    subject = load_subject(tx, actor)
    return PostForm(subject.person, body, labels_for(subject, body))


@dataclass(frozen=True, slots=True)
class Profile:
    """The person, their organization, and their clearance as the system sees it now."""

    person: Person
    organization: Organization | None
    grant: ClearanceGrant | None
    problem: str | None
    grants: list[ClearanceGrant]


def profile(tx: Tx, *, actor: str) -> Profile:
    """The actor's profile: the current grant, or why none is current."""
    subject = load_subject(tx, actor)
    grants = list(clearances.list_clearances(tx, actor))
    grant = current_grant(grants, tx.now)
    problem = None
    if grant is None:
        latest = max(grants, key=lambda g: g.valid_from, default=None)
        problem = "none" if latest is None else grant_problem(latest, tx.now)
    organization = directory(tx).organizations.get(subject.person.organization)
    return Profile(subject.person, organization, grant, problem, grants)
