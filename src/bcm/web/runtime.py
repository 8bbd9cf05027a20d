"""What a running server holds: the services, the authenticator, metrics, settings.

``open_runtime`` (in ``bcm.web.serving``) wires them for ``bcm serve``; tests build one with a
fake clock and cheap password hashing. ``create_app`` only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bcm.auth.authenticator import Authenticator
from bcm.feed.hub import Hub
from bcm.services.core import Services
from bcm.web.metrics import Metrics


@dataclass(slots=True)
class Runtime:
    """Everything a request handler may reach, built once per server process."""

    services: Services
    authenticator: Authenticator
    metrics: Metrics = field(default_factory=Metrics)
    tls: bool = False
    feed: Hub | None = None  # the live feed's hub (None: no feed, e.g. one-shot CLI runs)
