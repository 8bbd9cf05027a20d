"""The console's pages: the bodies a reader belongs to, a body's live timeline, an item with
its corrections, the post form, the profile."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from starlette.responses import JSONResponse, Response

from bcm.web.console import queries
from bcm.web.console.access import ConsoleRoute, Reader
from bcm.web.console.labels import banner_of, clearance_label, in_national_terms, parse_shown
from bcm.web.console.rendering import fragment, page, secure
from bcm.web.console.views import item_view
from bcm.web.security import call_service

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Ref = Annotated[str, PathParam(min_length=1, max_length=200)]
# The live feed's WebSocket endpoint (docs/feed.md); the page subscribes to its one body.
FEED_PATH = "/api/v1/feed"


@router.get("/bodies")
async def bodies_page(request: Request, found: Reader) -> Response:
    """The bodies the reader belongs to."""
    person, bodies = await call_service(request, found, queries.my_bodies)
    return page(request, "bodies.html", person=person, bodies=bodies, nav="bodies")


@router.get("/bodies/{ref}")
async def body_page(ref: Ref, request: Request, found: Reader) -> Response:
    """A body's timeline: its items the reader may see, newest first, updated live."""
    line = await call_service(request, found, queries.timeline, ref)
    views = [item_view(item, line.names, line.person.nationality) for item in line.items]
    views.reverse()
    cursor = max((view.seq for view in views), default=0)
    return page(
        request,
        "body.html",
        person=line.person,
        labels=[view.label for view in views],
        body=line.body,
        items=views,
        cursor=cursor,
        feed_path=FEED_PATH,
        nav="bodies",
    )


@router.get("/bodies/{ref}/timeline")
async def timeline_fragment(
    ref: Ref,
    request: Request,
    found: Reader,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    shown: Annotated[list[str] | None, Query(max_length=64)] = None,
) -> Response:
    """The items after ``after`` as HTML to prepend, the new cursor, and the banner of what
    the page will then show (``shown``: the labels already on it)."""
    line = await call_service(request, found, queries.timeline, ref, after=after)
    nation = line.person.nationality
    views = [item_view(item, line.names, nation) for item in line.items]
    views.reverse()
    labels = parse_shown(shown or []) + [view.label for view in views]
    banner = banner_of(labels, nation)
    html = fragment("_items.html", request, items=views)
    answer = {
        "html": html,
        "count": len(views),
        "cursor": max((view.seq for view in views), default=after),
        "banner": {"text": banner.text, "national": banner.national, "color": banner.color},
    }
    return secure(JSONResponse(answer))


@router.get("/items/{ref}")
async def item_page(ref: Ref, request: Request, found: Reader) -> Response:
    """One item: label, author, organization, what it corrects and its corrections."""
    detail = await call_service(request, found, queries.item_detail, ref)
    nation = detail.person.nationality
    view = item_view(detail.item, detail.names, nation)
    corrects = item_view(detail.corrects, detail.names, nation) if detail.corrects else None
    corrections = [item_view(other, detail.names, nation) for other in detail.corrections]
    labels = [view.label, *(c.label for c in corrections), *([corrects.label] if corrects else [])]
    return page(
        request,
        "item.html",
        person=detail.person,
        labels=labels,
        body=detail.body,
        item=view,
        corrects=corrects,
        corrections=corrections,
        nav="bodies",
    )


@router.get("/profile")
async def profile_page(request: Request, found: Reader) -> Response:
    """The reader's clearance as the system sees it, in their national terms."""
    profile = await call_service(request, found, queries.profile)
    return page(
        request,
        "profile.html",
        person=profile.person,
        profile=profile,
        clearance=_clearance_terms(profile),
        nav="profile",
    )


def _clearance_terms(profile: queries.Profile) -> dict[str, str] | None:
    """The current grant as a label, in U.S. terms and in the reader's national terms."""
    if profile.grant is None:
        return None
    label = clearance_label(profile.grant.level)
    national = in_national_terms(label, profile.person.nationality)
    return {"us": str(label), "national": national or str(label)}
