"""Coordination bodies (structure) and the items of one body (through the access policy)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam

from bcm.auth.directory import Credential
from bcm.auth.tokens import Scope
from bcm.domain.model import Body
from bcm.services import bodies, items
from bcm.services.core import Tx
from bcm.web.schemas import ERROR_RESPONSES, BodyOut, Clean, ItemOut, body_out, item_out
from bcm.web.security import call_service, scoped

router = APIRouter(prefix="/api/v1", tags=["bodies"], responses=ERROR_RESPONSES)
BodyReader = Annotated[Credential, Depends(scoped(Scope.BODIES_READ))]
ItemReader = Annotated[Credential, Depends(scoped(Scope.ITEMS_READ))]
BodyRef = Annotated[
    str, Clean, PathParam(min_length=1, max_length=200, description="Body id or key")
]


def list_bodies_as(tx: Tx, *, actor: str) -> list[Body]:
    """Every body (structure: visible to anyone signed in)."""
    return bodies.list_bodies(tx)


def get_body_as(tx: Tx, ref: str, *, actor: str) -> Body:
    """A body by id or key."""
    return bodies.get_body(tx, ref)


@router.get("/bodies", response_model=list[BodyOut], summary="List coordination bodies")
async def list_bodies(request: Request, found: BodyReader) -> list[BodyOut]:
    """Every body with its kind, ceiling and, for centers, activation stage."""
    return [body_out(b) for b in await call_service(request, found, list_bodies_as)]


@router.get("/bodies/{body}", response_model=BodyOut, summary="One coordination body")
async def get_body(body: BodyRef, request: Request, found: BodyReader) -> BodyOut:
    """A body by id or key."""
    return body_out(await call_service(request, found, get_body_as, body))


@router.get("/bodies/{body}/items", response_model=list[ItemOut], summary="Items of a body")
async def body_items(
    body: BodyRef,
    request: Request,
    found: ItemReader,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ItemOut]:
    """The items of ``body`` the caller may read, in their mode, by sequence number."""
    found_items = await call_service(
        request, found, items.access_items_by_body, body, after_seq=after, limit=limit
    )
    return [item_out(item) for item in found_items]
