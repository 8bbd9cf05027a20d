"""Serve a BCM runtime in a thread on a free loopback port, for tests that speak real HTTP
(and, with ``websockets=True``, the live feed's WebSockets)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from bcm.web.app import create_app
from bcm.web.runtime import Runtime


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
