"""The web console: server-rendered pages (Jinja2) and one small script module, served by BCM
itself under a strict Content-Security-Policy.

``install(app)`` adds its routes and static files to the application; ``create_app`` calls it.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from bcm.web.console import pages, posting, signin
from bcm.web.console.access import PendingSignIns
from bcm.web.console.rendering import HERE, STATIC_PREFIX


def install(app: FastAPI) -> None:
    """Add the console's pages and assets to ``app``."""
    app.state.console_pending = PendingSignIns()
    for module in (signin, pages, posting):
        app.include_router(module.router)
    app.mount(STATIC_PREFIX, StaticFiles(directory=HERE / "static"), name="console-static")
