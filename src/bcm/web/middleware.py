"""ASGI middleware: access log and request metrics, security headers. Plain ASGI (not
BaseHTTPMiddleware) because it runs on every request of the hot path."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bcm.web.metrics import Metrics

access_log = logging.getLogger("bcm.web.access")

HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
BASE_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class ObservedApp:
    """Times each request, counts it by route template and status, logs it as JSON, and
    adds the security headers (HSTS only under TLS)."""

    def __init__(
        self, app: ASGIApp, *, metrics: Metrics, tls: bool, max_body: int | None = None
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.max_body = max_body
        self.headers = [*BASE_HEADERS, HSTS] if tls else list(BASE_HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        self.metrics.in_flight(+1)
        try:
            if self._too_large(scope):
                await _too_large(send_wrapped)
                return
            await self.app(scope, self._counted(receive), send_wrapped)
        finally:
            self.metrics.in_flight(-1)
            self._observe(scope, status, time.perf_counter() - started)

    def _counted(self, receive: Receive) -> Receive:
        """``receive`` that stops a body (chunked, no declared length) past the limit."""
        if self.max_body is None:
            return receive
        limit, seen = self.max_body, 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                # re-raised by the framework's body parsing, answered by bcm.web.errors
                raise HTTPException(413, "request body too large")
            return message

        return counted

    def _too_large(self, scope: Scope) -> bool:
        # A declared length over the limit is refused before the body is read.
        if self.max_body is None:
            return False
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                return value.isdigit() and int(value) > self.max_body
        return False

    def _observe(self, scope: Scope, status: int, elapsed: float) -> None:
        route: Any = scope.get("route")
        template = getattr(route, "path", None) or "unmatched"
        self.metrics.requests.inc(method=scope["method"], route=template, status=str(status))
        self.metrics.latency.observe(elapsed, route=template)
        if access_log.isEnabledFor(logging.INFO):
            principal = getattr(scope.get("state", {}).get("principal"), "person_id", None)
            fields = {
                "method": scope["method"],
                "route": template,
                "status": status,
                "ms": round(elapsed * 1000, 2),
                "person": principal,
            }
            access_log.info("request", extra={"fields": fields})


async def _too_large(send: Send) -> None:
    body = b'{"error":"too_large","message":"request body too large"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
