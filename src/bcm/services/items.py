"""Items: posting, correcting and relabeling (``check_*`` → ``do_*``), and the only ways to
read them (``access_*``), each deciding through the access policy and leaving an audit
record — a read whose record cannot be committed is not served (the caller's future fails).

Missing and forbidden items give the same :class:`NotFound`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bcm import markings
from bcm.domain.audit import content_digest
from bcm.domain.events import ItemPosted, ItemRelabeled
from bcm.domain.model import Body, Item, Paragraph
from bcm.domain.policy import Action, Decision, Resource, Subject, decide, label_of
from bcm.errors import Forbidden, InvalidInput, NotFound
from bcm.services.bodies import get_body
from bcm.services.core import Tx
from bcm.services.labels import check_within_ceiling, item_label, parse_as
from bcm.services.subjects import load_subject

PAGE = 500


@dataclass(frozen=True, slots=True)
class NewItem:
    """A checked post: where, the canonical label, the content."""

    body: Body
    label: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    supersedes: Item | None


def post_item(
    tx: Tx,
    body: str,
    *,
    actor: str,
    label: str | None = None,
    text: str = "",
    paragraphs: Sequence[tuple[str, str]] = (),
    supersedes: str | None = None,
) -> Item:
    """Post an item to ``body`` (a body id or key) as ``actor``; ``supersedes`` corrects an
    item the actor can read in the same body. Returns the stored item with its ``seq``."""
    subject = load_subject(tx, actor)
    new = check_post_item(tx, subject, body, label, text, tuple(paragraphs), supersedes)
    return do_post_item(tx, subject, new)


def check_post_item(
    tx: Tx,
    subject: Subject,
    body_ref: str,
    label: str | None,
    text: str,
    pairs: tuple[tuple[str, str], ...],
    supersedes: str | None,
) -> NewItem:
    """Validate the post and authorize it through the policy (a denial is recorded)."""
    body = get_body(tx, body_ref)
    banner, paragraphs = item_label(label, text, pairs)
    check_within_ceiling(label_of(banner), body)
    old = None if supersedes is None else _superseded(tx, subject, body, supersedes)
    decision = decide(subject, Action.POST, Resource(body, banner, subject.mode))
    if not decision.allowed:
        _record(tx, subject, "item.post", body.id, banner, decision)
        tx.refuse(Forbidden(f"may not post {banner} to {body.key}: {decision.reason}"))
    return NewItem(body, banner, text, paragraphs, old)


def do_post_item(tx: Tx, subject: Subject, new: NewItem) -> Item:
    """Store the item, record it, collect :class:`ItemPosted`."""
    item = tx.uow.add_item(
        Item(
            id=tx.new_id(),
            node=tx.node,
            seq=0,
            body=new.body.id,
            author=subject.person.id,
            organization=subject.person.organization,
            label=new.label,
            mode=subject.mode,
            created_at=tx.now,
            text=new.text,
            paragraphs=new.paragraphs,
            supersedes=None if new.supersedes is None else new.supersedes.id,
        )
    )
    detail = {
        "seq": item.seq,
        "body": item.body,
        "mode": item.mode.value,
        "content": content_digest(item.text, [(p.mark, p.text) for p in item.paragraphs]),
    }
    if item.supersedes:
        detail["supersedes"] = item.supersedes
    tx.audit(subject.person.id, "item.post", item.id, label=item.label, detail=detail)
    tx.emit(ItemPosted(item.id, item.seq, item.body, item.label, item.mode, item.supersedes))
    return item


def relabel_item(tx: Tx, item: str, *, actor: str, label: str, reason: str) -> Item:
    """Upgrade or downgrade an item's label: classification authority, a reason, a label the
    actor could read and within the body's ceiling (and above the paragraphs' roll-up)."""
    subject = load_subject(tx, actor)
    found, body = _readable(tx, subject, item, "item.relabel")
    new_label = check_relabel_item(tx, subject, found, body, label, reason)
    return do_relabel_item(tx, subject, found, new_label, reason)


def check_relabel_item(
    tx: Tx, subject: Subject, item: Item, body: Body, label: str, reason: str
) -> str:
    """Validate and authorize a relabeling; returns the canonical new banner."""
    if not reason.strip():
        raise InvalidInput("reason", "why the label changes")
    new = parse_as(label, "label")
    check_within_ceiling(new, body)
    if item.paragraphs:
        rolled = markings.rollup([label_of(p.mark) for p in item.paragraphs])
        if not markings.dominates(new, rolled):
            raise InvalidInput("label", f"at least the roll-up of the paragraphs, {rolled}")
    decision = decide(subject, Action.RELABEL, Resource(body, str(new), item.mode, item))
    if not decision.allowed:
        _record(tx, subject, "item.relabel", item.id, str(new), decision)
        tx.refuse(Forbidden(f"may not relabel to {new}: {decision.reason}"))
    return str(new)


def do_relabel_item(tx: Tx, subject: Subject, item: Item, label: str, reason: str) -> Item:
    """Store the new label, record old and new, collect :class:`ItemRelabeled`."""
    updated = replace(item, label=label)
    tx.uow.replace_item(updated)
    detail = {"from": item.label, "to": label}
    tx.audit(subject.person.id, "item.relabel", item.id, label=label, reason=reason, detail=detail)
    tx.emit(ItemRelabeled(item.id, item.seq, item.body, item.label, label, item.mode))
    return updated


def access_item_by_id(tx: Tx, item: str, *, actor: str) -> Item:
    """The item, if the policy lets ``actor`` read it; otherwise :class:`NotFound`."""
    subject = load_subject(tx, actor)
    found, _ = _readable(tx, subject, item, "item.read")
    tx.audit(subject.person.id, "item.read", found.id, label=found.label, allowed=True)
    return found


def access_items_by_body(
    tx: Tx, body: str, *, actor: str, after_seq: int = 0, limit: int = 100
) -> list[Item]:
    """Items of ``body`` the actor may read, in the actor's mode, ``seq > after_seq``."""
    subject = load_subject(tx, actor)
    target = get_body(tx, body)
    items, withheld = _visible(tx, subject, target.id, after_seq, limit)
    _record_list(tx, subject, "item.list", target.id, items, withheld)
    return items


def access_items_since(tx: Tx, after_seq: int, *, actor: str, limit: int = 100) -> list[Item]:
    """Items of every body the actor may read, in the actor's mode, ``seq > after_seq``:
    how a live-feed client resumes from its cursor."""
    subject = load_subject(tx, actor)
    items, withheld = _visible(tx, subject, None, after_seq, limit)
    _record_list(tx, subject, "item.list", None, items, withheld)
    return items


def count_items_by_body(tx: Tx, body: str, *, actor: str) -> int:
    """How many items of ``body`` the actor may read (counts never leak the rest)."""
    subject = load_subject(tx, actor)
    target = get_body(tx, body)
    items, withheld = _visible(tx, subject, target.id, 0, None)
    detail = {"count": len(items), "withheld": withheld, "mode": subject.mode.value}
    tx.audit(subject.person.id, "item.count", target.id, allowed=True, detail=detail)
    return len(items)


# -- helpers ----------------------------------------------------------------------------


def _readable(tx: Tx, subject: Subject, ident: str, action: str) -> tuple[Item, Body]:
    """Fetch and decide; a denial (or a missing item) is recorded and refused as NotFound."""
    item = tx.uow.get_item(ident)
    body = None if item is None else tx.uow.get(Body, item.body)
    if item is None or body is None:
        _record(tx, subject, action, ident, None, Decision(False, "no such item", "exists"))
        tx.refuse(NotFound("item", ident))
    decision = decide(subject, Action.READ, Resource.of_item(item, body))
    if not decision.allowed:
        _record(tx, subject, action, ident, item.label, decision)
        tx.refuse(NotFound("item", ident))
    return item, body


def _superseded(tx: Tx, subject: Subject, body: Body, ident: str) -> Item:
    old, old_body = _readable(tx, subject, ident, "item.post")
    if old_body.id != body.id:
        raise InvalidInput("supersedes", f"an item of body {body.key}")
    return old


def _visible(
    tx: Tx, subject: Subject, body: str | None, after_seq: int, limit: int | None
) -> tuple[list[Item], int]:
    """Page through candidates in the subject's mode, keeping what the policy allows."""
    bodies: dict[str, Body | None] = {}
    kept: list[Item] = []
    withheld = 0
    cursor = after_seq
    while True:
        page = tx.uow.list_items(body=body, mode=subject.mode, after_seq=cursor, limit=PAGE)
        for item in page:
            if limit is not None and len(kept) >= limit:
                return kept, withheld
            if item.body not in bodies:
                bodies[item.body] = tx.uow.get(Body, item.body)
            if _may_read(subject, item, bodies[item.body]):
                kept.append(item)
            else:
                withheld += 1
        if len(page) < PAGE:
            return kept, withheld
        cursor = page[-1].seq


def _may_read(subject: Subject, item: Item, body: Body | None) -> bool:
    if body is None:
        return False
    return decide(subject, Action.READ, Resource.of_item(item, body)).allowed


def _record(
    tx: Tx, subject: Subject, action: str, target: str, label: str | None, decision: Decision
) -> None:
    tx.audit(
        subject.person.id,
        action,
        target,
        label=label,
        allowed=decision.allowed,
        reason=decision.reason,
        detail={"rule": decision.rule},
    )


def _record_list(
    tx: Tx, subject: Subject, action: str, body: str | None, items: list[Item], withheld: int
) -> None:
    returned = [[item.id, item.label] for item in items]
    detail = {"returned": returned, "withheld": withheld, "mode": subject.mode.value}
    tx.audit(subject.person.id, action, body, allowed=True, detail=detail)
