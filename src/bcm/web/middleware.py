"""ASGI middleware: access log and request metrics, security headers. Plain ASGI (not
BaseHTTPMiddleware) because it runs on every request of the hot path."""

from __future__ import annotations

import logging
import time
from typing import Any

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

    def __init__(self, app: ASGIApp, *, metrics: Metrics, tls: bool) -> None:
        self.app = app
        self.metrics = metrics
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
            await self.app(scope, receive, send_wrapped)
        finally:
            self.metrics.in_flight(-1)
            self._observe(scope, status, time.perf_counter() - started)

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
