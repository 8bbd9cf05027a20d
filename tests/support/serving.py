"""Serve a BCM runtime in a thread on a free loopback port, for tests that speak real HTTP
(and, with ``websockets=True``, the live feed's WebSockets)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from bcm.auth.passwords import CHEAP
from bcm.bootstrap import init_database
from bcm.domain.clock import FakeClock
from bcm.services import people
from bcm.web.app import create_app
from bcm.web.runtime import Runtime
from bcm.web.serving import close_runtime, open_runtime


@contextmanager
def serve_in_thread(
    runtime: Runtime, *, websockets: bool = False, hot_paths: bool = True
) -> Iterator[str]:
    """Serve ``create_app(runtime)`` until the block ends; yields the base URL. WebSockets use
    the same implementation as ``bcm serve`` (sans-I/O, no per-message compression);
    ``hot_paths=False`` leaves every request to the FastAPI routes."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(runtime, hot_paths=hot_paths),
        log_level="warning",
        lifespan="off",
        access_log=False,
        ws="websockets-sansio" if websockets else "none",
        ws_per_message_deflate=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        assert thread.is_alive(), "server thread ended"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@dataclass(frozen=True)
class Served:
    """A served fresh database: its URL, the server's base URL, the runtime, the fake clock
    shared by services and auth, and each login's password."""

    database_url: str
    url: str
    runtime: Runtime
    clock: FakeClock
    passwords: dict[str, str]


@contextmanager
def served_org_chart(
    database_url: str, org_chart: str, *, websockets: bool = False, **runtime_options: Any
) -> Iterator[Served]:
    """``org_chart`` loaded into a fresh database at ``database_url``, served in a thread with
    a fake clock and cheap password hashing; every persona gets a password."""
    clock = FakeClock()
    init_database(database_url, org_chart=org_chart, clock=clock)
    runtime = open_runtime(database_url, clock=clock, hash_params=CHEAP, **runtime_options)
    try:
        passwords = {}
        for person in runtime.services.run(people.list_people):
            passwords[person.login] = f"pw-{person.login}-0123456789"
            runtime.authenticator.set_password(person.id, passwords[person.login])
        with serve_in_thread(runtime, websockets=websockets) as base:
            yield Served(database_url, base, runtime, clock, passwords)
    finally:
        close_runtime(runtime)
