"""Acceptance: a client that stops reading does not slow the others down, and is told to
resync from its cursor (never silently skipped); resuming from that cursor completes its
feed with no gap and no duplicate."""

from __future__ import annotations

import json
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from bcm.feed.hub import HubSettings
from tests.feed.server import (
    LiveServer,
    feed_server,
    feed_url,
    post,
    session_cookie,
    subscribe,
)

REL = "SECRET//REL TO USA, JPN"
SETTINGS = HubSettings(queue_limit=16, flush_every=0.2, poll_every=1.0, heartbeat=0.5)
FAST_READERS = ["k.reyes", "d.ogawa", "p.nguyen"]
BIG = "x" * 90_000  # large items fill the stalled client's socket buffers quickly


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with feed_server(tmp_path, SETTINGS) as live:
        yield live


class Reader(threading.Thread):
    """Reads a feed in the background, noting when each cursor arrived."""

    def __init__(self, server: LiveServer, login: str) -> None:
        super().__init__(daemon=True)
        self.arrived: dict[int, float] = {}
        self.stop = threading.Event()
        self.ready = threading.Event()
        self._server, self._login = server, login

    def run(self) -> None:
        with subscribe(self._server, self._login) as feed:
            feed.until("live")
            self.ready.set()
            while not self.stop.is_set():
                try:
                    message = feed.receive(timeout=0.2)
                except TimeoutError:
                    continue
                if message["type"] == "item":
                    self.arrived[message["cursor"]] = time.monotonic()


def post_burst(server: LiveServer, cookie: str, count: int) -> dict[int, float]:
    sent = {}
    for index in range(count):
        before = time.monotonic()
        seq = post(server, cookie, "bcc-yokota", REL, f"{index} {BIG}")["seq"]
        sent[seq] = before
    return sent


def latencies(readers: list[Reader], sent: dict[int, float]) -> list[float]:
    deadline = time.monotonic() + 20
    while any(not set(sent) <= set(r.arrived) for r in readers):
        assert time.monotonic() < deadline, "a fast reader missed items"
        time.sleep(0.05)
    return [max(r.arrived[s] for r in readers) - t for s, t in sent.items()]


def drain(ws: ClientConnection) -> tuple[list[int], dict[str, Any], ConnectionClosed]:
    """Read until the server closes: the item cursors, the resync message, the closing."""
    got: list[int] = []
    resync: dict[str, Any] = {}
    deadline = time.monotonic() + 30
    while True:
        assert time.monotonic() < deadline, f"not closed; got {len(got)} items, {resync}"
        try:
            message = json.loads(ws.recv(timeout=10))
        except ConnectionClosed as closed:
            return got, resync, closed
        if message["type"] == "item":
            got.append(message["cursor"])
        elif message["type"] == "resync":
            resync = message


def stalled_socket(url: str) -> socket.socket:
    """A TCP connection with a tiny receive buffer, so the server's writes block soon."""
    parsed = urlparse(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parsed.hostname, parsed.port))
    return sock


def test_a_stalled_client_is_told_to_resync_and_slows_nobody(server: LiveServer) -> None:
    poster = session_cookie(server, "j.lindqvist")
    readers = [Reader(server, login) for login in FAST_READERS]
    for reader in readers:
        reader.start()
        assert reader.ready.wait(10)
    calm = latencies(readers, post_burst(server, poster, 20))

    slow_cookie = session_cookie(server, "t.brennan")
    url = feed_url(server.url)
    headers = {"Cookie": f"bcm_session={slow_cookie}"}
    with connect(url, sock=stalled_socket(url), additional_headers=headers, max_queue=1) as slow:
        assert json.loads(slow.recv(timeout=5))["type"] == "hello"
        assert json.loads(slow.recv(timeout=5))["type"] == "live"
        sent = post_burst(server, poster, 80)  # the slow client reads nothing meanwhile
        loaded = latencies(readers, sent)
        for reader in readers:
            reader.stop.set()
        got, resync, closed = drain(slow)
    for reader in readers:  # before the server goes away under them
        reader.join(timeout=10)
        assert not reader.is_alive()

    # The others were not held back (generous bounds: this is a correctness test).
    assert statistics.median(loaded) <= max(4 * statistics.median(calm), 0.25)
    assert max(loaded) <= max(10 * max(calm), 2.0)

    # The slow client gets what it was handed, in order, then a resync naming its cursor.
    assert closed.rcvd is not None
    assert closed.rcvd.code == 4000
    assert resync["reason"] == "overflow"
    posted = sorted(sent)
    assert got == posted[: len(got)]
    assert resync["cursor"] == (got[-1] if got else posted[0] - 1)
    assert len(got) < len(posted), "the client was never slow enough to overflow"

    # Resuming from the resync cursor completes the feed: no gap, no duplicate.
    with subscribe(server, "t.brennan", cookie=slow_cookie, since=resync["cursor"]) as again:
        again.until("live", timeout=20)
        assert [m["cursor"] for m in again.items()] == posted[len(got) :]
