"""The API's busiest operations answered in plain ASGI, beside their FastAPI routes.

Posting items with an API token is what sensors and liaison systems do thousands of times a
second in a crisis. Through FastAPI each request spends most of its time in the framework
(routing, exit stacks, dependency resolution, content-type parsing, response validation) —
several times the work of authenticating it and queueing its unit of work. This layer
answers exactly those requests itself, with the same parts the routes use: the same token
check, the same request models, the same service operation run as the caller, the same
error bodies and the same response models.

It answers only the plain case and hands everything else, untouched, to the FastAPI route:
a request it takes has a bearer token that authenticates and carries the scope, a declared
JSON body that the route's own model accepts (or no body, for a route that takes none) and
no query string; an operation may hand on more (an ``Idempotency-Key`` the route's own
header type refuses).
Up to that point it has changed nothing (the body it read is replayed to the route), so
every refusal, validation error and rarer option keeps the route's exact answer. The
documented API is the FastAPI route's; tests run every API test through this layer and
compare its answers with the route's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bcm.auth.directory import Credential
from bcm.auth.tokens import Scope as TokenScope
from bcm.errors import BcmError
from bcm.web.errors import error_body
from bcm.web.runtime import Runtime

log = logging.getLogger("bcm.web")

# What an operation does with the validated request (and the request's headers, by lower-case
# name): the status and the response (a response model, or plain data that serializes to
# the same bytes), or None — before it changed anything — to let the route answer instead.
Operation = Callable[
    [Runtime, Credential, Any, dict[str, str]],
    Awaitable[tuple[int, BaseModel | dict[str, Any]] | None],
]


@dataclass(frozen=True, slots=True)
class HotRoute:
    """One operation answered here: its method and path, the token scope it needs, the
    request model of its FastAPI route (None: a request without a body), and what it runs."""

    method: str
    path: str
    scope: TokenScope | None  # None: any valid token
    model: type[BaseModel] | None  # None: no request body
    run: Operation


class HotPaths:
    """ASGI middleware answering the plain case of each :class:`HotRoute`; see the module."""

    def __init__(
        self, app: ASGIApp, *, runtime: Runtime, routes: list[HotRoute], api: list[BaseRoute]
    ) -> None:
        self.app = app
        self.runtime = runtime
        self.routes = {(r.method, r.path): r for r in routes}
        # The FastAPI route of each, set on the scope so that metrics and the access log name
        # the route template as they do for every other request.
        self.templates = {
            (method, route.path): route
            for route in api
            if isinstance(route, APIRoute)
            for method in route.methods or ()
            if (method, route.path) in self.routes
        }
        missing = set(self.routes) - set(self.templates)
        if missing:
            raise ValueError(f"hot paths without a FastAPI route: {sorted(missing)}")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = None
        if scope["type"] == "http" and not scope.get("query_string"):
            route = self.routes.get((scope["method"], scope["path"]))
        if route is None:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if not _plain(route, headers):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive) if route.model is not None else b""
        if body is None:  # the client went away
            return
        answer = await self._answer(route, scope, headers, body)
        if answer is None:
            await self.app(scope, _replay(body, receive), send)
            return
        scope["route"] = self.templates.get((route.method, route.path))
        await _send_json(send, *answer)

    async def _answer(
        self, route: HotRoute, scope: Scope, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]] | None:
        """The response, or None to let the FastAPI route answer (nothing was changed)."""
        found = await self._credential(headers, route.scope)
        if found is None:
            return None
        try:
            request = None if route.model is None else route.model.model_validate(json.loads(body))
        except (ValueError, ValidationError):  # ValueError: not JSON, or not UTF-8
            return None
        scope.setdefault("state", {})["principal"] = found
        try:
            outcome = await route.run(self.runtime, found, request, headers)
        except BcmError as error:
            status, content = error_body(error)
            extra = [(b"www-authenticate", b"Bearer")] if status == 401 else []
            return status, _dumps(content), extra
        except Exception as error:  # a bug: answered as the app's own handler does
            log.error("unhandled error", extra={"fields": {"exception": type(error).__name__}})
            return 500, _dumps({"error": "internal", "message": "internal error"}), []
        if outcome is None:
            return None
        status, result = outcome
        if isinstance(result, BaseModel):
            return status, result.model_dump_json().encode(), []
        return status, to_json(result), []

    async def _credential(
        self, headers: dict[str, str], needed: TokenScope | None
    ) -> Credential | None:
        """The token's credential when it authenticates and carries ``needed``; else None
        (before any chore ran, so that the route's own check does everything once)."""
        # read as FastAPI's HTTPBearer reads it: the scheme, then the rest stripped
        scheme, _, rest = headers.get("authorization", "").partition(" ")
        secret = rest.strip()
        if scheme.lower() != "bearer" or not secret:
            return None
        auth = self.runtime.authenticator
        if auth.store.local:
            check = auth.check_token(secret)
        else:
            check = await run_in_threadpool(auth.check_token, secret)
        found = check.credential
        if found is None or (needed is not None and not found.may(needed)):
            return None
        if check.chore is not None:  # record the use (a write): in a thread, as the route does
            await run_in_threadpool(check.chore)
        return found


def _headers(scope: Scope) -> dict[str, str]:
    """The request headers by lower-case name (the first of repeated ones)."""
    found: dict[str, str] = {}
    for name, value in scope["headers"]:
        found.setdefault(name.decode("latin-1"), value.decode("latin-1"))
    return found


def _plain(route: HotRoute, headers: dict[str, str]) -> bool:
    """Whether the request is of the plain kind answered here (before reading its body): a
    declared JSON body for a route with a request model, no body for one without."""
    length = headers.get("content-length", "")
    if route.model is None:
        return length in ("", "0") and "transfer-encoding" not in headers
    kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return length.isdigit() and kind == "application/json"


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body (its length was declared and checked by the outer middleware)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` that first hands the already-read body to the route."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _dumps(content: dict[str, Any]) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


async def _send_json(
    send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]]
) -> None:
    headers = [
        (b"content-length", b"%d" % len(body)),
        (b"content-type", b"application/json"),
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
