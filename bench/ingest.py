"""Ingest through the HTTP API: concurrent single posts and 1,000-item batches, each durable
(a 201 means committed), beside the same server's rate for an empty authenticated endpoint.

Starts its own server (``bcm serve`` in a subprocess on a fresh SQLite database loaded with
the example org chart) and drives it over keep-alive HTTP/1.1 connections with a minimal
asyncio client, so that the load generator costs far less than the server.

    .venv/bin/python bench/ingest.py [--json] [--seconds 5] [--connections 64]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHART = ROOT / "examples" / "org-chart.yaml"
PASSWORD = "bench password 0123456789"
ITEM = {"body": "bcc-yokota", "label": "SECRET//REL TO USA, JPN", "text": "radar track update"}


def _bcm(*args: str, env: dict[str, str], stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "bcm", *args],
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Connection:
    """One keep-alive HTTP/1.1 connection; just enough protocol for this benchmark."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port: int) -> Connection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        return cls(reader, writer)

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        self.writer.close()


def _raw(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _token(port: int) -> str:
    conn = await Connection.open(port)
    login = json.dumps({"login": "k.reyes", "password": PASSWORD}).encode()
    _, _ = await conn.request(
        _raw("POST", "/api/v1/login", {"Content-Type": "application/json"}, login)
    )
    conn.close()
    # Sessions are cookies; a machine client uses a token: create one through a session.
    conn = await Connection.open(port)
    conn.writer.write(_raw("POST", "/api/v1/login", {"Content-Type": "application/json"}, login))
    head = await conn.reader.readuntil(b"\r\n\r\n")
    cookie = next(
        line.split(b":", 1)[1].split(b";")[0].strip().decode()
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"set-cookie:")
    )
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    await conn.reader.readexactly(length)
    ask = json.dumps({"name": "bench", "scopes": ["items:read", "items:write"]}).encode()
    status, body = await conn.request(
        _raw("POST", "/api/v1/tokens", {"Content-Type": "application/json", "Cookie": cookie}, ask)
    )
    conn.close()
    assert status == 201, body
    return str(json.loads(body)["secret"])


Raw = bytes | Callable[[], bytes]


async def _drive(
    port: int, raw: Raw, connections: int, seconds: float
) -> tuple[int, float, dict[int, int]]:
    """Send ``raw`` over ``connections`` connections for ``seconds``.

    Returns (requests, elapsed seconds, count per status)."""
    conns = [await Connection.open(port) for _ in range(connections)]
    statuses: dict[int, int] = {}
    stop = time.perf_counter() + seconds

    async def worker(conn: Connection) -> int:
        done = 0
        while time.perf_counter() < stop:
            status, _ = await conn.request(raw if isinstance(raw, bytes) else raw())
            statuses[status] = statuses.get(status, 0) + 1
            done += 1
        return done

    started = time.perf_counter()
    counts = await asyncio.gather(*(worker(c) for c in conns))
    elapsed = time.perf_counter() - started
    for conn in conns:
        conn.close()
    return sum(counts), elapsed, statuses


async def _phase(
    pid: int, port: int, raw: Raw, connections: int, seconds: float
) -> tuple[int, float, dict[int, int], float]:
    """One measured phase, with the server's CPU seconds spent in it."""
    before = _cpu_seconds(pid)
    count, elapsed, statuses = await _drive(port, raw, connections, seconds)
    return count, elapsed, statuses, _cpu_seconds(pid) - before


FIGURES = ("empty_authenticated", "single_items", "batch_items", "single_idempotent_items")


async def _round(
    pid: int, port: int, auth: dict[str, str], seconds: float, connections: int, batch: int
) -> dict[str, tuple[int, float, float, dict[int, int]]]:
    """One pass over the four phases: figure → (successes, seconds, server CPU s, statuses)."""
    empty = _raw("GET", "/api/v1/session", auth)
    single = _raw("POST", "/api/v1/items", auth, json.dumps(ITEM).encode())
    many = _raw("POST", "/api/v1/items/batch", auth, json.dumps({"items": [ITEM] * batch}).encode())
    keys = itertools.count()
    body = json.dumps(ITEM).encode()
    stamp = time.monotonic_ns()

    def keyed() -> bytes:
        key = f"k{stamp}-{next(keys)}"
        return _raw("POST", "/api/v1/items", {**auth, "Idempotency-Key": key}, body)

    _, t_empty, s_empty, c_empty = await _phase(pid, port, empty, connections, seconds)
    _, t_single, s_single, c_single = await _phase(pid, port, single, connections, seconds)
    _, t_batch, s_batch, c_batch = await _phase(pid, port, many, 4, seconds)
    _, t_keyed, s_keyed, c_keyed = await _phase(pid, port, keyed, connections, seconds)
    return {
        "empty_authenticated": (s_empty.get(200, 0), t_empty, c_empty, s_empty),
        "single_items": (s_single.get(201, 0), t_single, c_single, s_single),
        "batch_items": (s_batch.get(201, 0) * batch, t_batch, c_batch, s_batch),
        "single_idempotent_items": (s_keyed.get(201, 0), t_keyed, c_keyed, s_keyed),
    }


async def _measure(
    pid: int, port: int, seconds: float, connections: int, batch: int, rounds: int
) -> dict[str, object]:
    token = await _token(port)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    single = _raw("POST", "/api/v1/items", auth, json.dumps(ITEM).encode())
    await _drive(port, single, 8, 1.0)  # warm-up
    passes = [await _round(pid, port, auth, seconds, connections, batch) for _ in range(rounds)]
    result: dict[str, object] = {}
    for figure in FIGURES:
        rates = [round(p[figure][0] / p[figure][1]) for p in passes]
        per_cpu = [round(p[figure][0] / max(p[figure][2], 1e-9)) for p in passes]
        # The median pass: on a shared machine one pass can be slowed by other work.
        result[f"{figure}_per_s"] = int(statistics.median(rates))
        # Per second of the server process's CPU: comparable on a machine shared with
        # other work, where wall-clock rates are not.
        result[f"{figure}_per_cpu_s"] = int(statistics.median(per_cpu))
        result[f"{figure}_per_s_each_pass"] = rates
    result.update(
        {
            "load_average_1m": os.getloadavg()[0],
            "batch_size": batch,
            "connections": connections,
            "seconds_per_phase": seconds,
            "passes": rounds,
            "statuses": {f: [p[f][3] for p in passes] for f in FIGURES},
            "database": "sqlite (default, WAL; each answer after its batch's fsync)",
        }
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--passes", type=int, default=3, help="report the median pass")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "BCM_DATABASE": f"sqlite:///{Path(tmp) / 'bench.db'}"}
        _bcm("init", "--org-chart", str(CHART), env=env)
        _bcm(
            "account", "set-password", "k.reyes", "--password-stdin", env=env, stdin=PASSWORD + "\n"
        )
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "bcm", "serve", "--port", str(port), "--log-level", "warning"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait(port)
            result = asyncio.run(
                _measure(server.pid, port, args.seconds, args.connections, args.batch, args.passes)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    if args.json:
        print(json.dumps(result))
        return
    passes = f"median of {args.passes} passes"
    print(
        f"empty authenticated endpoint: {result['empty_authenticated_per_s']:>8} requests/s"
        f" ({passes}: {result['empty_authenticated_per_s_each_pass']})"
    )
    print(
        f"single posts (durable):       {result['single_items_per_s']:>8} items/s "
        f"({args.connections} connections; {result['single_items_per_s_each_pass']})"
    )
    print(
        f"batches of {args.batch} (durable):    {result['batch_items_per_s']:>8} items/s"
        f" ({result['batch_items_per_s_each_pass']})"
    )
    print(
        f"single posts, Idempotency-Key: {result['single_idempotent_items_per_s']:>7} items/s"
        f" ({result['single_idempotent_items_per_s_each_pass']})"
    )
    print(
        f"per server CPU-second: empty {result['empty_authenticated_per_cpu_s']}, "
        f"single {result['single_items_per_cpu_s']}, batch {result['batch_items_per_cpu_s']}, "
        f"keyed {result['single_idempotent_items_per_cpu_s']}"
    )
    print(f"load average {result['load_average_1m']:.1f}")


def _wait(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("bcm serve did not start")


if __name__ == "__main__":
    main()
