"""Items: post (one, or a batch all or nothing), list, get — all through the services'
access policy. A 2xx answer to a post means the item is committed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import StringConstraints, TypeAdapter, ValidationError

from bcm.auth.directory import Credential
from bcm.auth.people import subject_in_standing
from bcm.auth.tokens import Scope
from bcm.domain.model import Item, PostKey
from bcm.errors import BcmError, Conflict, Forbidden, InvalidInput, MarkingError, NotFound
from bcm.services import items
from bcm.services.core import Tx
from bcm.storage.port import Refused
from bcm.web.hotpaths import HotRoute
from bcm.web.idempotency import fingerprint
from bcm.web.metrics import Metrics
from bcm.web.runtime import Runtime
from bcm.web.schemas import (
    ERROR_RESPONSES,
    BatchIn,
    BatchOut,
    Clean,
    ItemIn,
    ItemOut,
    item_json,
    item_out,
)
from bcm.web.security import call_service, run_as, runtime_of, scoped

router = APIRouter(prefix="/api/v1", tags=["items"], responses=ERROR_RESPONSES)
Writer = Annotated[Credential, Depends(scoped(Scope.ITEMS_WRITE))]
Reader = Annotated[Credential, Depends(scoped(Scope.ITEMS_READ))]
# The header's own type, also checked by the hot path before it takes a keyed post.
_KEY_TYPE = Annotated[str, Clean, StringConstraints(min_length=1, max_length=200)]
_KEY: TypeAdapter[str] = TypeAdapter(_KEY_TYPE)
IdempotencyKey = Annotated[
    str | None,
    Clean,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Retrying with the same key returns the first post's item",
    ),
]


def _pairs(post: ItemIn) -> tuple[tuple[str, str], ...]:
    return tuple((p.mark, p.text) for p in post.paragraphs)


def post_items_all_or_nothing(tx: Tx, posts: list[ItemIn], *, actor: str) -> list[Item]:
    """Post every item in one unit of work; the first failure rolls back all of them
    (audit records included), its error naming the item's index."""
    subject = subject_in_standing(tx, actor)
    posted = []
    for index, post in enumerate(posts):
        try:
            new = items.check_post_item(
                tx, subject, post.body, post.label, post.text, _pairs(post), post.supersedes
            )
        except Refused as refused:  # a denial would commit; in a batch it must roll back
            raise _indexed(refused.error, index) from None
        except BcmError as error:
            raise _indexed(error, index) from None
        posted.append(items.do_post_item(tx, subject, new))
    return posted


def _indexed(error: BcmError, index: int) -> BcmError:
    if isinstance(error, MarkingError):
        return MarkingError(
            error.text,
            error.problems,
            suggestion=error.suggestion,
            field=f"items[{index}].{error.field}",
        )
    if isinstance(error, InvalidInput):
        return InvalidInput(f"items[{index}].{error.field}", error.expected)
    if isinstance(error, NotFound):
        return NotFound(error.kind, error.ident)
    if isinstance(error, Forbidden):
        return Forbidden(f"items[{index}]: {error}")
    return error


def post_one(tx: Tx, post: ItemIn, *, actor: str) -> Item:
    """``items.post_item`` with the standing check sharing its load of the subject."""
    subject = subject_in_standing(tx, actor)
    new = items.check_post_item(
        tx, subject, post.body, post.label, post.text, _pairs(post), post.supersedes
    )
    return items.do_post_item(tx, subject, new)


def _payload(post: ItemIn) -> dict[str, Any]:
    return post.model_dump(exclude={"idempotency_key"})


def post_under_keys(
    tx: Tx, posts: list[ItemIn], keys: list[tuple[str, str]], *, actor: str, batch: bool
) -> tuple[list[Item], bool]:
    """Post under idempotency keys — (key, request fingerprint) per post — in one unit of
    work, the keys written with their items (so a key exists exactly when its item does):
    (items, False). When the keys were used before for the same requests: the first posts'
    items as the caller may read them now, and True. ``batch``: all or nothing, errors
    naming the item's index (else one post, as ``post_one``)."""
    subject_in_standing(tx, actor)
    found = tx.uow.post_keys(actor, [key for key, _ in keys])
    if found:
        for key, fp in keys:
            prior = found.get(key)
            if prior is not None and prior.fingerprint != fp:
                raise Conflict(f"Idempotency-Key {key!r} was used for a different request")
        if len(found) < len(keys):
            raise Conflict("some of these idempotency keys were used before, for another batch")
        return [items.access_item_by_id(tx, found[key].item, actor=actor) for key, _ in keys], True
    posted = (
        post_items_all_or_nothing(tx, posts, actor=actor)
        if batch
        else [post_one(tx, posts[0], actor=actor)]
    )
    tx.uow.add_post_keys(
        [
            PostKey(actor, key, fp, item.id, tx.now)
            for (key, fp), item in zip(keys, posted, strict=True)
        ]
    )
    return posted, False


def count_posted(metrics: Metrics, posted: list[Item]) -> None:
    """Count committed posts in the metrics."""
    metrics.items_posted.inc(len(posted))
    metrics.post_batch.observe(len(posted))


@router.post(
    "/items",
    response_model=ItemOut,
    status_code=201,
    summary="Post an item",
    responses={200: {"model": ItemOut, "description": "Replay of an Idempotency-Key"}},
)
async def post_item(
    post: ItemIn, request: Request, response: Response, found: Writer, key: IdempotencyKey = None
) -> ItemOut:
    """Post to a body; the label must not exceed the author's clearance or the body's
    ceiling. With ``Idempotency-Key``, a retry returns the first post's item (200)."""
    status, posted = await answer_post(runtime_of(request), found, post, key)
    response.status_code = status
    return item_out(posted[0])


@router.post(
    "/items/batch",
    response_model=BatchOut,
    status_code=201,
    summary="Post up to 1,000 items, all or nothing",
    responses={200: {"model": BatchOut, "description": "Replay of the same idempotency keys"}},
)
async def post_batch(
    batch: BatchIn, request: Request, response: Response, found: Writer
) -> BatchOut:
    """Every item commits, or none does (the error names the failing item's index). Each
    item may carry its own ``idempotency_key``; a batch whose keys were all used before
    returns the first items (200). Keys must be given for all items or none."""
    status, posted = await answer_batch(runtime_of(request), found, batch)
    response.status_code = status
    return BatchOut(items=[item_out(item) for item in posted])


@router.get("/items", response_model=list[ItemOut], summary="List items I may read")
async def list_items(
    request: Request,
    found: Reader,
    body: Annotated[str | None, Clean, Query(min_length=1, max_length=200)] = None,
    after: Annotated[int, Query(ge=0, le=2**62, description="Cursor: items with seq > after")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ItemOut]:
    """Items in the caller's mode that the access policy lets them read, by sequence number;
    in one body, or across every body (how a client resumes from its cursor)."""
    if body is None:
        found_items = await call_service(
            request, found, items.access_items_since, after, limit=limit
        )
    else:
        found_items = await call_service(
            request, found, items.access_items_by_body, body, after_seq=after, limit=limit
        )
    return [item_out(item) for item in found_items]


@router.get("/items/{item_id}", response_model=ItemOut, summary="Read one item")
async def get_item(
    item_id: Annotated[str, Clean, PathParam(min_length=1, max_length=200)],
    request: Request,
    found: Reader,
) -> ItemOut:
    """The item, or 404 — the same answer whether it does not exist or may not be seen."""
    item = await call_service(request, found, items.access_item_by_id, item_id)
    return item_out(item)


# -- posting, shared by the routes and the hot paths -----------------------------------------


async def answer_post(
    runtime: Runtime, found: Credential, post: ItemIn, key: str | None
) -> tuple[int, list[Item]]:
    """Post one item as the caller, under ``key`` if given: (201, [item]), or (200, [the
    first post's item]) when the key was used before for the same request."""
    if key is None:
        posted, replayed = (
            [await run_as(runtime, found, post_one, post, checks_standing=True)],
            False,
        )
    else:
        keyed = [(key, fingerprint(_payload(post)))]
        posted, replayed = await run_as(
            runtime, found, post_under_keys, [post], keyed, batch=False, checks_standing=True
        )
    if not replayed:
        count_posted(runtime.metrics, posted)
    return (200 if replayed else 201), posted


async def answer_batch(
    runtime: Runtime, found: Credential, batch: BatchIn
) -> tuple[int, list[Item]]:
    """Post a batch as the caller, all or nothing, under its items' keys if they carry any:
    (201, items), or (200, the first batch's items) when every key was used before."""
    keys = {p.idempotency_key: fingerprint(_payload(p)) for p in batch.items if p.idempotency_key}
    if keys and len(keys) != len(batch.items):
        raise InvalidInput("items", "an idempotency_key on every item or on none, all distinct")
    posts: list[ItemIn] = list(batch.items)
    if keys:
        posted, replayed = await run_as(
            runtime,
            found,
            post_under_keys,
            posts,
            list(keys.items()),
            batch=True,
            checks_standing=True,
        )
    else:
        posted = await run_as(
            runtime, found, post_items_all_or_nothing, posts, checks_standing=True
        )
        replayed = False
    if not replayed:
        count_posted(runtime.metrics, posted)
    return (200 if replayed else 201), posted


# -- the plain case of the two posts, answered before FastAPI (see bcm.web.hotpaths) ---------


async def _hot_post(
    runtime: Runtime, found: Credential, post: ItemIn, headers: dict[str, str]
) -> tuple[int, ItemOut] | None:
    key = headers.get("idempotency-key")
    if key is not None:
        try:
            _KEY.validate_python(key)
        except ValidationError:
            return None  # the route's 422
    status, posted = await answer_post(runtime, found, post, key)
    return status, item_out(posted[0])


async def _hot_batch(
    runtime: Runtime, found: Credential, batch: BatchIn, _headers: dict[str, str]
) -> tuple[int, dict[str, Any]]:
    status, posted = await answer_batch(runtime, found, batch)
    return status, {"items": [item_json(item) for item in posted]}  # BatchOut's bytes


HOT_ROUTES = [
    HotRoute("POST", "/api/v1/items", Scope.ITEMS_WRITE, ItemIn, _hot_post),
    HotRoute("POST", "/api/v1/items/batch", Scope.ITEMS_WRITE, BatchIn, _hot_batch),
]
