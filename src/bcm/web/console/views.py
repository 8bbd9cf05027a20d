"""Items as the console shows them: every paragraph with its portion mark, the author and
organization by name, the time as a DTG and as an instant for the reader's local time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bcm import markings
from bcm.domain.model import Item
from bcm.domain.policy import label_of
from bcm.web.console.labels import color_of, in_national_terms
from bcm.web.console.queries import Directory


@dataclass(frozen=True, slots=True)
class Portion:
    """A paragraph and its portion mark."""

    mark: str
    text: str


@dataclass(frozen=True, slots=True)
class ItemView:
    """One item, ready for a template."""

    id: str
    seq: int
    label: str
    national: str
    color: str
    paragraphs: tuple[Portion, ...]
    author: str
    organization: str
    created_at: datetime
    supersedes: str | None


def portions(item: Item) -> tuple[Portion, ...]:
    """The item's paragraphs with their marks; a plain-text item's paragraphs (split at blank
    lines) each carry the item's own label as their mark, so no paragraph goes unmarked."""
    if item.paragraphs:
        return tuple(Portion(p.mark, p.text) for p in item.paragraphs)
    mark = markings.render_portion(label_of(item.label))
    blocks = [block.strip() for block in item.text.replace("\r\n", "\n").split("\n\n")]
    return tuple(Portion(mark, block) for block in blocks if block)


def item_view(item: Item, names: Directory, nation: str) -> ItemView:
    """``item`` for a reader of ``nation``."""
    label = label_of(item.label)
    return ItemView(
        id=item.id,
        seq=item.seq,
        label=item.label,
        national=in_national_terms(label, nation),
        color=color_of(label),
        paragraphs=portions(item),
        author=names.person_name(item.author),
        organization=names.organization_name(item.organization),
        created_at=item.created_at,
        supersedes=item.supersedes,
    )
