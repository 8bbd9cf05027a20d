"""A real BCM server with the live feed on a free loopback port (WebSockets enabled, no
per-message compression), and a small synchronous feed client for tests."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

from bcm.feed.hub import HubSettings
from tests.web.server import LiveServer, live_server

FAST = HubSettings(queue_limit=1024, flush_every=0.2, poll_every=1.0, heartbeat=1.0)


@contextmanager
def feed_server(
    tmp_path: Path, settings: HubSettings = FAST, url: str | None = None
) -> Iterator[LiveServer]:
    """The example org chart in a fresh database, served with the feed; every persona has
    a password."""
    with live_server(tmp_path, url=url, websockets=True, feed=settings) as live:
        yield live


def session_cookie(server: LiveServer, login: str) -> str:
    """A fresh session secret of ``login``."""
    with server.client() as client:
        answer = client.post(
            "/api/v1/login", json={"login": login, "password": server.passwords[login]}
        )
    assert answer.status_code == 200, answer.text
    cookie: str = answer.cookies["bcm_session"]
    return cookie


@dataclass
class FeedClient:
    """A synchronous WebSocket feed client; ``messages`` keeps everything received."""

    ws: ClientConnection
    messages: list[dict[str, Any]]

    def receive(self, timeout: float = 10) -> dict[str, Any]:
        """The next message."""
        message: dict[str, Any] = json.loads(self.ws.recv(timeout=timeout))
        self.messages.append(message)
        return message

    def until(self, kind: str, timeout: float = 10) -> dict[str, Any]:
        """Receive until a message of ``kind``; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(max(0.01, deadline - time.monotonic()))
            if message["type"] == kind:
                return message

    def items(self) -> list[dict[str, Any]]:
        """The item messages received so far."""
        return [m for m in self.messages if m["type"] == "item"]

    def collect(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """Receive until ``count`` items have arrived (heartbeats are skipped)."""
        deadline = time.monotonic() + timeout
        while len(self.items()) < count:
            self.receive(max(0.01, deadline - time.monotonic()))
        return self.items()

    def ack(self, cursor: int) -> None:
        """Acknowledge up to ``cursor``."""
        self.ws.send(json.dumps({"type": "ack", "cursor": cursor}))


def feed_url(base: str, **query: object) -> str:
    """The WebSocket URL of the feed with ``query``."""
    params = "&".join(f"{k}={v}" for k, v in query.items() if v is not None)
    return base.replace("http://", "ws://") + "/api/v1/feed" + (f"?{params}" if params else "")


@contextmanager
def subscribe(
    server: LiveServer, login: str, *, cookie: str | None = None, **query: object
) -> Iterator[FeedClient]:
    """A feed client signed in as ``login`` (a fresh session unless ``cookie``); the
    ``hello`` message has been read."""
    secret = cookie or session_cookie(server, login)
    headers = {"Cookie": f"bcm_session={secret}"}
    with connect(feed_url(server.url, **query), additional_headers=headers) as ws:
        client = FeedClient(ws, [])
        assert client.receive()["type"] == "hello"
        yield client


def post_raw(server: LiveServer, cookie: str, body: str, label: str, text: str) -> httpx.Response:
    """Post an item over HTTP as the session ``cookie``."""
    with httpx.Client(base_url=server.url, timeout=30, cookies={"bcm_session": cookie}) as c:
        return c.post("/api/v1/items", json={"body": body, "label": label, "text": text})


def post(server: LiveServer, cookie: str, body: str, label: str, text: str) -> dict[str, Any]:
    """Post an item over HTTP as the session ``cookie``; returns the item JSON."""
    answer = post_raw(server, cookie, body, label, text)
    assert answer.status_code == 201, answer.text
    item: dict[str, Any] = answer.json()
    return item
