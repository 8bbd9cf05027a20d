"""Request and response bodies of the API (pydantic), and their conversions from domain
values. Sizes are bounded here so that oversized input is a 422, never a crash."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from bcm.domain.model import Body, ClearanceGrant, Item, Person
from bcm.markings import Level

LEVEL_NAMES = {
    Level.U: "UNCLASSIFIED",
    Level.R: "RESTRICTED",
    Level.C: "CONFIDENTIAL",
    Level.S: "SECRET",
    Level.TS: "TOP SECRET",
}
MAX_TEXT = 100_000
MAX_BATCH = 1000


def _clean(value: str) -> str:
    # Refused here so that no engine ever sees them: PostgreSQL rejects NUL in text and no
    # encoder takes an unpaired surrogate; either would otherwise surface as a 500.
    if "\x00" in value:
        raise ValueError("text without NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("valid Unicode text (no unpaired surrogates)") from None
    return value


Clean = AfterValidator(_clean)
CleanStr = Annotated[str, Clean]


class ErrorOut(BaseModel):
    """Every 4xx answer: ``error`` (a stable code), ``message``, and for bad input the
    ``field`` (``items[3].label``); marking errors add ``problems`` and a ``suggestion``."""

    error: str
    message: str
    field: str | None = None
    problems: list[dict[str, str]] | None = None
    suggestion: str | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in [
        (401, "Not authenticated (or login failed)"),
        (403, "Authenticated, but not allowed"),
        (404, "Does not exist, or may not be seen (one answer)"),
        (409, "Conflicts with the current state"),
        (422, "Invalid input; names the field"),
        (429, "Too many failed logins from this address"),
    ]
}


class ParagraphIn(BaseModel):
    """A portion-marked paragraph: ``mark`` such as ``(S//REL TO USA, JPN)``."""

    mark: CleanStr = Field(min_length=1, max_length=300)
    text: CleanStr = Field(min_length=1, max_length=MAX_TEXT)


class ItemIn(BaseModel):
    """A new item: text with a label, or portion-marked paragraphs (label = roll-up)."""

    body: CleanStr = Field(min_length=1, max_length=200, description="Body id or key")
    label: CleanStr | None = Field(default=None, min_length=1, max_length=300)
    text: CleanStr = Field(default="", max_length=MAX_TEXT)
    paragraphs: list[ParagraphIn] = Field(default_factory=list, max_length=200)
    supersedes: CleanStr | None = Field(default=None, min_length=1, max_length=200)


class BatchItemIn(ItemIn):
    """An item of a batch, with its own idempotency key."""

    idempotency_key: CleanStr | None = Field(default=None, min_length=1, max_length=200)


class BatchIn(BaseModel):
    """Up to 1,000 items, posted all or nothing."""

    items: list[BatchItemIn] = Field(min_length=1, max_length=MAX_BATCH)


class ParagraphOut(BaseModel):
    """A stored paragraph with its canonical portion mark."""

    mark: str
    text: str


class ItemOut(BaseModel):
    """An item as its reader may see it."""

    id: str
    seq: int
    body: str
    author: str
    organization: str
    label: str
    mode: str
    created_at: datetime
    text: str
    paragraphs: list[ParagraphOut]
    supersedes: str | None


class BatchOut(BaseModel):
    """The committed items of a batch, in request order."""

    items: list[ItemOut]


class BodyOut(BaseModel):
    """A coordination body (structure, not labeled content)."""

    id: str
    key: str
    name: str
    kind: str
    ceiling: str
    nation: str | None
    stage: str | None


class PersonOut(BaseModel):
    """A person or machine account (structure)."""

    id: str
    login: str
    name: str
    kind: str
    nationality: str
    organization: str
    roles: list[str]


class ClearanceOut(BaseModel):
    """A person's own clearance grant."""

    id: str
    level: str
    compartments: list[str]
    valid_from: datetime
    valid_until: datetime
    status: str
    acknowledged: bool


class ProfileOut(PersonOut):
    """The caller: who they are, their mode, their clearances."""

    mode: str
    clearances: list[ClearanceOut]


class ModeIn(BaseModel):
    """The mode to work in."""

    mode: CleanStr = Field(description="real-world or exercise", max_length=40)


def item_out(item: Item) -> ItemOut:
    """The API form of an item (the model of :func:`item_json`)."""
    return ItemOut(**item_json(item))


def body_out(body: Body) -> BodyOut:
    """The API form of a body."""
    return BodyOut(
        id=body.id,
        key=body.key,
        name=body.name,
        kind=body.kind.value,
        ceiling=body.ceiling,
        nation=body.nation,
        stage=None if body.stage is None else body.stage.value,
    )


def person_out(person: Person) -> PersonOut:
    """The API form of a person."""
    return PersonOut(
        id=person.id,
        login=person.login,
        name=person.name,
        kind=person.kind.value,
        nationality=person.nationality,
        organization=person.organization,
        roles=sorted(r.value for r in person.roles),
    )


def clearance_out(grant: ClearanceGrant) -> ClearanceOut:
    """The API form of a clearance grant."""
    return ClearanceOut(
        id=grant.id,
        level=LEVEL_NAMES[grant.level],
        compartments=sorted(grant.compartments),
        valid_from=grant.valid_from,
        valid_until=grant.valid_until,
        status=grant.status.value,
        acknowledged=grant.acknowledged_at is not None,
    )


def item_json(item: Item) -> dict[str, Any]:
    """The API form of an item as plain data, for answers serialized without building models
    (the hot paths' batches): ``pydantic_core.to_json`` of it gives the very bytes
    ``item_out(item).model_dump_json()`` does — the same fields in the same order, the same
    serializer (tests/web/test_schemas_json.py checks it on random items)."""
    return {
        "id": item.id,
        "seq": item.seq,
        "body": item.body,
        "author": item.author,
        "organization": item.organization,
        "label": item.label,
        "mode": item.mode.value,
        "created_at": item.created_at,
        "text": item.text,
        "paragraphs": [{"mark": p.mark, "text": p.text} for p in item.paragraphs],
        "supersedes": item.supersedes,
    }
