"""The application factory: assembles routers, error mapping and middleware; no logic."""

from __future__ import annotations

from fastapi import FastAPI

from bcm import __version__
from bcm.web import console, feed
from bcm.web.errors import install_error_handlers
from bcm.web.hotpaths import HotPaths
from bcm.web.middleware import ObservedApp
from bcm.web.routes import auth, bodies, items, ops, people
from bcm.web.runtime import Runtime

# Reachable without authentication; everything else requires a session or an API token
# (tests/web/test_unauthenticated.py walks the OpenAPI document to prove it).
PUBLIC_OPERATIONS = frozenset({("POST", "/api/v1/login"), ("GET", "/health")})
# Larger request bodies get 413 before anything reads them (a full batch of ordinary items
# is well under this).
MAX_BODY_BYTES = 16 * 1024 * 1024


def create_app(runtime: Runtime | None, *, hot_paths: bool = True) -> FastAPI:
    """The BCM HTTP application over ``runtime`` (None: only to render the OpenAPI document).

    ``hot_paths=False`` leaves every request to the FastAPI routes (tests compare the two)."""
    app = FastAPI(
        title="BCM",
        version=__version__,
        summary="Bilateral Coordination Mechanism: labeled items, bodies, people.",
        docs_url=None,  # no CDN-served UI: the OpenAPI document is in docs/openapi.json
        redoc_url=None,
        openapi_url=None,  # served by ops.openapi_document, behind authentication
        # BCM exports its own metrics and logs (no OpenTelemetry): skip the per-request
        # check for a configured provider.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.runtime = runtime
    for module in (ops, auth, items, bodies, people, feed):
        app.include_router(module.router)
    console.install(app)  # the web console: HTML pages and their assets (no API operations)
    install_error_handlers(app)
    if runtime is not None:
        if hot_paths:  # inside ObservedApp: timed, counted, logged and headed like the rest
            app.add_middleware(
                HotPaths,
                runtime=runtime,
                routes=[*items.HOT_ROUTES, *auth.HOT_ROUTES],
                api=[*items.router.routes, *auth.router.routes],
            )
        app.add_middleware(
            ObservedApp, metrics=runtime.metrics, tls=runtime.tls, max_body=MAX_BODY_BYTES
        )
    return app
