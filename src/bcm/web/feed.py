"""The live feed over HTTP: a WebSocket endpoint and a Server-Sent Events fallback
(docs/feed.md). Both authenticate exactly like the API (session cookie or bearer token, the
``items:read`` scope, the person's standing), replay from ``since`` through the services'
``access_items_since`` (policy applied, audited), then hand over to the hub's live queue
without a gap or a duplicate: the hub reports the cursor live delivery starts after, and
replay stops there.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, WebSocket
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from bcm.auth.directory import Credential
from bcm.auth.people import guarded
from bcm.auth.tokens import Scope
from bcm.errors import BcmError, Forbidden, InvalidInput, Unauthenticated
from bcm.feed import protocol
from bcm.feed.connection import Connection
from bcm.feed.hub import SERVER_STOPPING, Hub
from bcm.services import bodies as body_service
from bcm.services import items
from bcm.web.runtime import Runtime
from bcm.web.schemas import ERROR_RESPONSES
from bcm.web.security import SESSION_COOKIE, CredentialOf

router = APIRouter(prefix="/api/v1/feed", tags=["feed"], responses=ERROR_RESPONSES)
REPLAY_PAGE = 500
# WebSocket close codes (docs/feed.md).
CLOSE_RESYNC, CLOSE_ACCESS_ENDED, CLOSE_BAD_INPUT, CLOSE_GOING_AWAY = 4000, 4001, 4002, 1001

Since = Annotated[int | None, Query(ge=0, le=2**62, description="Resume after this cursor")]
Bodies = Annotated[
    str | None, Query(max_length=4000, description="Comma-separated body keys or ids")
]
Client = Annotated[
    str, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$", description="name")
]


@dataclass(frozen=True, slots=True)
class Subscription:
    """An authenticated request to subscribe."""

    credential: Credential
    secret: str
    via: str
    since: int | None
    bodies: frozenset[str] | None
    client: str


def _runtime(scope_app: object) -> Runtime:
    runtime: Runtime = scope_app.state.runtime  # type: ignore[attr-defined]
    return runtime


def _hub(runtime: Runtime) -> Hub:
    if runtime.feed is None:
        raise Forbidden("the live feed is not enabled on this server")
    return runtime.feed


async def authenticate(
    runtime: Runtime, authorization: str | None, cookie: str | None
) -> tuple[Credential, str, str]:
    """The caller's credential (token preferred, as in the API), with its secret; checks the
    ``items:read`` scope and the person's standing."""
    auth = runtime.authenticator
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret:
            raise Unauthenticated("expected 'Authorization: Bearer <token>'")
        secret, via = secret.strip(), "token"
        found = await run_in_threadpool(auth.authenticate_token, secret)
    elif cookie:
        secret, via = cookie, "session"
        found = await run_in_threadpool(auth.authenticate_session, secret)
    else:
        raise Unauthenticated("sign in, or send an API token")
    if not found.may(Scope.ITEMS_READ):
        raise Forbidden("this API token lacks the items:read scope")
    await run_in_threadpool(auth.resolve, found)
    return found, secret, via


async def recheck(runtime: Runtime, sub: Subscription) -> None:
    """Raise :class:`Unauthenticated` if the credential ended (logout, revoked token,
    disabled account) since the connection opened. Standing (clearances) is the hub's
    business: it re-reads it from the tables before the next event."""
    auth = runtime.authenticator
    check = auth.authenticate_token if sub.via == "token" else auth.authenticate_session
    await run_in_threadpool(check, sub.secret)


async def body_ids(runtime: Runtime, names: str | None) -> frozenset[str] | None:
    """The ids of the bodies named (keys or ids), or None for all."""
    if names is None or not names.strip():
        return None
    refs = [n.strip() for n in names.split(",") if n.strip()]
    if len(refs) > 200:
        raise InvalidInput("bodies", "at most 200 bodies")
    found = set()
    for ref in refs:
        body = await asyncio.wrap_future(runtime.services.submit(body_service.get_body, ref))
        found.add(body.id)
    return frozenset(found)


async def join(runtime: Runtime, sub: Subscription) -> Connection:
    """Register a connection with the hub; ``conn.live_from`` bounds the replay."""
    hub = _hub(runtime)
    conn = Connection(
        person=sub.credential.person_id,
        client=sub.client,
        bodies=sub.bodies,
        limit=hub.settings.queue_limit,
        since=sub.since,
    )
    await hub.join(conn)
    return conn


async def replay(
    runtime: Runtime, sub: Subscription, conn: Connection
) -> AsyncIterator[tuple[int, str]]:
    """Items in ``(since, live_from]`` the caller may read, through the services (each page
    decided by the access policy and audited), as (cursor, message) pairs."""
    after = sub.since
    if after is None:
        return
    read = guarded(items.access_items_since)
    while after < conn.live_from:
        page = await asyncio.wrap_future(
            runtime.services.submit(read, after, actor=conn.person, limit=REPLAY_PAGE)
        )
        for item in page:
            if item.seq > conn.live_from or conn.ended:  # ended: overflowed while replaying
                return
            if conn.bodies is None or item.body in conn.bodies:
                yield item.seq, protocol.item_message(item, _hub(runtime).fields)
        if len(page) < REPLAY_PAGE:
            return
        after = page[-1].seq


def hello(runtime: Runtime, sub: Subscription, conn: Connection) -> str:
    """The first message of a connection."""
    return protocol.hello_message(
        cursor=conn.live_from,
        since=sub.since,
        heartbeat=_hub(runtime).settings.heartbeat,
        bodies=sorted(sub.bodies or ()),
    )


# -- WebSocket ------------------------------------------------------------------------------


@router.websocket("")
async def feed_socket(
    websocket: WebSocket, since: Since = None, bodies: Bodies = None, client: Client = "default"
) -> None:
    """The live feed over a WebSocket (docs/feed.md)."""
    runtime = _runtime(websocket.app)
    try:
        found, secret, via = await authenticate(
            runtime, websocket.headers.get("authorization"), websocket.cookies.get(SESSION_COOKIE)
        )
        sub = Subscription(found, secret, via, since, await body_ids(runtime, bodies), client)
        conn = await join(runtime, sub)
    except BcmError as error:
        code = CLOSE_BAD_INPUT if isinstance(error, InvalidInput) else CLOSE_ACCESS_ENDED
        await websocket.close(code=code, reason=str(error)[:120])
        return
    try:
        await websocket.accept()
        await _serve_socket(websocket, runtime, sub, conn)
    except (WebSocketDisconnect, ConnectionError):
        pass
    finally:
        _hub(runtime).leave(conn)


async def _serve_socket(
    websocket: WebSocket, runtime: Runtime, sub: Subscription, conn: Connection
) -> None:
    await websocket.send_text(hello(runtime, sub, conn))
    async for seq, message in replay(runtime, sub, conn):
        await websocket.send_text(message)
        conn.handed = seq
    if not conn.ended:
        await websocket.send_text(protocol.live_message(conn.live_from))
    tasks = [
        asyncio.create_task(_send(websocket, conn)),
        asyncio.create_task(_receive(websocket, runtime, conn)),
        asyncio.create_task(_heartbeat(runtime, sub, conn)),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    with contextlib.suppress(Exception):
        await websocket.close(code=_close_code(conn))


def _close_code(conn: Connection) -> int:
    """4000 after a resync, 1001 when the server stops (or the connection simply ends),
    4001 when access ended or the client sent a bad message (docs/feed.md)."""
    if conn.resynced:
        return CLOSE_RESYNC
    if conn.ended is None or conn.ended == SERVER_STOPPING:
        return CLOSE_GOING_AWAY
    return CLOSE_ACCESS_ENDED


async def _send(websocket: WebSocket, conn: Connection) -> None:
    while (message := await conn.next()) is not None:
        await websocket.send_text(message)


async def _receive(websocket: WebSocket, runtime: Runtime, conn: Connection) -> None:
    hub = _hub(runtime)
    while True:
        text = await websocket.receive_text()
        try:
            ack = protocol.parse_client_message(text)
        except InvalidInput as error:
            conn.finish(protocol.closed_message(f"bad message: {error}"), "bad input")
            return
        if ack is not None:
            hub.acknowledge(conn, ack.cursor)


async def _heartbeat(runtime: Runtime, sub: Subscription, conn: Connection) -> None:
    hub = _hub(runtime)
    while True:
        await asyncio.sleep(hub.settings.heartbeat)
        try:
            await recheck(runtime, sub)
        except BcmError:
            conn.finish(protocol.closed_message("access ended"), "unauthenticated")
            return
        conn.send(protocol.heartbeat_message(hub.cursor))


# -- Server-Sent Events ---------------------------------------------------------------------


class AckIn(BaseModel):
    """An acknowledgment sent by an SSE client."""

    cursor: int = Field(ge=0, le=2**62)
    client: str = Field(default="default", min_length=1, max_length=100)


# Kept out of the OpenAPI document (docs/feed.md describes them): an endless stream cannot
# be fuzzed usefully, and WebSocket routes are not in OpenAPI either.
@router.get(
    "/events",
    include_in_schema=False,
    summary="The live feed as Server-Sent Events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
)
async def feed_events(
    request: Request,
    found: CredentialOf,
    since: Since = None,
    bodies: Bodies = None,
    client: Client = "default",
    last_event_id: Annotated[str | None, Header(max_length=30)] = None,
) -> StreamingResponse:
    """The same messages as the WebSocket, one SSE event each (``id`` is the cursor);
    ``Last-Event-ID`` resumes like ``since``."""
    runtime = _runtime(request.app)
    if not found.may(Scope.ITEMS_READ):
        raise Forbidden("this API token lacks the items:read scope")
    await run_in_threadpool(runtime.authenticator.resolve, found)
    if since is None and last_event_id and last_event_id.isdigit():
        since = int(last_event_id)
    secret, via = _secret_of(request)
    sub = Subscription(found, secret, via, since, await body_ids(runtime, bodies), client)
    return StreamingResponse(
        _event_stream(runtime, sub),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _secret_of(request: Request) -> tuple[str, str]:
    authorization = request.headers.get("authorization")
    if authorization:
        return authorization.partition(" ")[2].strip(), "token"
    return request.cookies.get(SESSION_COOKIE, ""), "session"


def _sse(message: str, seq: int = 0) -> str:
    kind = message[9 : message.index('"', 9)]  # every message starts with {"type":"...
    head = f"id: {seq}\n" if seq else ""
    return f"{head}event: {kind}\ndata: {message}\n\n"


async def _event_stream(runtime: Runtime, sub: Subscription) -> AsyncIterator[str]:
    # Joined here, not before the response: a client gone before the stream starts never
    # leaves a connection behind in the hub.
    hub = _hub(runtime)
    try:
        conn = await join(runtime, sub)
    except Unauthenticated:  # standing lost between the check and the join
        yield _sse(protocol.closed_message("access ended"))
        return
    try:
        yield _sse(hello(runtime, sub, conn))
        async for seq, replayed in replay(runtime, sub, conn):
            yield _sse(replayed, seq)
            conn.handed = seq
        if not conn.ended:
            yield _sse(protocol.live_message(conn.live_from))
        next_check = asyncio.get_running_loop().time() + hub.settings.heartbeat
        while True:
            waiting = asyncio.ensure_future(conn.next())
            done, _ = await asyncio.wait({waiting}, timeout=hub.settings.heartbeat)
            if not done:
                waiting.cancel()
                message: str | None = protocol.heartbeat_message(hub.cursor)
            else:
                message = waiting.result()
            if message is None:
                return
            yield _sse(message, conn.handed if message.startswith('{"type":"item"') else 0)
            if asyncio.get_running_loop().time() >= next_check:
                next_check += hub.settings.heartbeat
                try:
                    await recheck(runtime, sub)
                except BcmError:
                    yield _sse(protocol.closed_message("access ended"))
                    return
    finally:
        hub.leave(conn)


@router.post(
    "/ack", status_code=204, include_in_schema=False, summary="Acknowledge feed items (SSE clients)"
)
async def feed_ack(request: Request, found: CredentialOf, ack: AckIn) -> None:
    """Record that the caller's ``client`` holds everything up to ``cursor``."""
    hub = _hub(_runtime(request.app))
    for conn in hub.connections(found.person_id):
        if conn.client == ack.client:
            hub.acknowledge(conn, ack.cursor)
