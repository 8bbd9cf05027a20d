"""Live-feed fan-out: latency from posting an item over HTTP to its receipt by the last
eligible WebSocket subscriber, beside a raw broadcast baseline on the same server stack.

Method (docs/benchmarks.md, "Live feed"): a fresh SQLite database from examples/org-chart.yaml
plus one body every persona belongs to; ``bcm serve`` in a child process; 1,000 WebSocket
subscribers in this one client process, four personas of different nationality and clearance
in equal shares; items of mixed labels posted over HTTP at a fixed rate. Per item, latency
runs from just before the post is sent to the moment the last eligible subscriber has it
(one client-side clock); the client computes the eligible subscribers with the marking core
and counts misdeliveries and missing deliveries. The baseline: a child process running the
same stack (uvicorn, FastAPI, websockets-sansio, no per-message deflate, one bounded queue
per connection) that broadcasts each post to every subscriber — no labels, storage, audit.

    .venv/bin/python bench/fanout.py [--json] [--subscribers N] [--items N] [--rate N]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect

from bcm import markings

ROOT = Path(__file__).resolve().parents[1]
ORG_CHART = ROOT / "examples" / "org-chart.yaml"
POSTER = "r.alvarez"
BODY = "bench-all"
# Four personas of different nationality and clearance (examples/org-chart.yaml).
PERSONAS = {
    "p.nguyen": markings.Clearance("USA", markings.Level.TS, frozenset({"SI"})),
    "k.reyes": markings.Clearance("USA", markings.Level.S),
    "d.ogawa": markings.Clearance("JPN", markings.Level.S),
    "t.aoki": markings.Clearance("JPN", markings.Level.U),
}
LABELS = [
    "UNCLASSIFIED",
    "SECRET//REL TO USA, JPN",
    "SECRET//NOFORN",
    "UNCLASSIFIED//FOUO",
    "CONFIDENTIAL//REL TO USA, JPN",
    "TOP SECRET//SI//NOFORN",
    "SECRET//REL TO USA, JPN",
    "CONFIDENTIAL",
]
TEXT = "Track update: object over the Sea of Japan, heading 095, altitude 120 km. " * 3


ANSWERED: list[float] = []  # seconds from sending a post to its 2xx


def password(login: str) -> str:
    return f"bench-{login}-0123456789"


def prepare(url: str) -> None:
    """A database with the example chart, a body everyone belongs to, passwords."""
    from bcm.auth.passwords import CHEAP
    from bcm.bootstrap import init_database
    from bcm.services import bodies, people
    from bcm.web.serving import close_runtime, open_runtime

    init_database(url, org_chart=ORG_CHART.read_text(encoding="utf-8"))
    runtime = open_runtime(url, hash_params=CHEAP)
    try:
        services = runtime.services
        operator = services.run(people.get_person, "ops.sato").id
        everyone = ("us-embassy", "usfj", "mofa", "mod", "jcab", "cas")
        services.run(
            bodies.create_body,
            actor=operator,
            key=BODY,
            name="Everyone (benchmark)",
            kind="general",
            ceiling="TOP SECRET//SI//NOFORN",
            members=bodies.Members(organizations=everyone),
        )
        for login in [POSTER, *PERSONAS]:
            person = services.run(people.get_person, login).id
            runtime.authenticator.set_password(person, password(login))
    finally:
        close_runtime(runtime)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: list[str], port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server {args} did not start")


# -- the baseline server ---------------------------------------------------------------------


def baseline_app() -> FastAPI:
    """Raw broadcast on the same stack: every post to every connection, nothing else."""
    app = FastAPI()
    queues: set[asyncio.Queue[str]] = set()
    counter = iter(range(1, 1 << 62))

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/post")
    async def post(request: Request) -> dict[str, int]:
        payload = await request.json()
        seq = next(counter)
        message = json.dumps(
            {"type": "item", "cursor": seq, "item": {"seq": seq, "text": payload["text"]}},
            separators=(",", ":"),
        )
        for queue in queues:
            if queue.qsize() < 1024:
                queue.put_nowait(message)
        return {"seq": seq}

    @app.websocket("/ws")
    async def ws(socket: WebSocket) -> None:
        await socket.accept()
        queue: asyncio.Queue[str] = asyncio.Queue()
        queues.add(queue)
        await socket.send_text('{"type":"live"}')
        sender = asyncio.create_task(_drain(socket, queue))
        try:
            while True:
                await socket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            queues.discard(queue)
            sender.cancel()

    async def _drain(socket: WebSocket, queue: asyncio.Queue[str]) -> None:
        while True:
            await socket.send_text(await queue.get())

    return app


def serve_baseline(port: int) -> None:
    import uvicorn

    uvicorn.run(
        baseline_app(),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        access_log=False,
        ws="websockets-sansio",
        ws_per_message_deflate=False,
    )


# -- the client ------------------------------------------------------------------------------


@dataclass
class Subscriber:
    persona: str
    arrived: dict[int, float] = field(default_factory=dict)
    live: asyncio.Event = field(default_factory=asyncio.Event)


ITEM_PREFIX = b'{"type":"item","cursor":'
LIVE_PREFIX = b'{"type":"live"'


class FeedReader(asyncio.Protocol):
    """A minimal WebSocket client (RFC 6455, text frames from the server, pongs back): one
    client process must keep up with ~20,000 messages a second, which a general-purpose
    client library does not on two cores. It notes each item's arrival by cursor, read
    without parsing the whole message."""

    def __init__(self, sub: Subscriber, request: bytes) -> None:
        self.sub = sub
        self.request = request
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("connection lost during the handshake"))

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self.opened.done():
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(self._buffer[:12])
            del self._buffer[: end + 4]
            if not status.endswith(b"101"):
                self.opened.set_exception(ConnectionError(status.decode(errors="replace")))
                return
            self.opened.set_result(None)
        self._frames()

    def _frames(self) -> None:
        buffer = self._buffer
        while len(buffer) >= 2:
            opcode, length, start = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    return
                length, start = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    return
                length, start = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < start + length:
                return
            payload = bytes(buffer[start : start + length])
            del buffer[: start + length]
            self._frame(opcode, payload)

    def _frame(self, opcode: int, payload: bytes) -> None:
        if opcode == 1 and payload.startswith(ITEM_PREFIX):
            end = payload.index(b",", len(ITEM_PREFIX))
            self.sub.arrived[int(payload[len(ITEM_PREFIX) : end])] = time.monotonic()
        elif opcode == 1 and payload.startswith(LIVE_PREFIX):
            self.sub.live.set()
        elif opcode == 9 and self.transport is not None:  # ping: answer with a masked pong
            mask = os.urandom(4)
            masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            self.transport.write(bytes([0x8A, 0x80 | len(payload)]) + mask + masked)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


def handshake(port: int, path: str, headers: dict[str, str]) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def open_all(
    port: int, path: str, subs: list[Subscriber], headers: dict[str, dict[str, str]]
) -> list[FeedReader]:
    gate = asyncio.Semaphore(50)
    loop = asyncio.get_running_loop()

    async def one(sub: Subscriber) -> FeedReader:
        async with gate:
            request = handshake(port, path, headers.get(sub.persona, {}))
            _, reader = await loop.create_connection(
                lambda: FeedReader(sub, request), "127.0.0.1", port
            )
            await asyncio.wait_for(reader.opened, 60)
            await asyncio.wait_for(sub.live.wait(), 60)
            return reader

    return list(await asyncio.gather(*(one(s) for s in subs)))


async def post_paced(
    client: httpx.AsyncClient, path: str, count: int, rate: float, body: Any
) -> dict[int, tuple[float, str]]:
    """Post ``count`` items at ``rate``/s; seq → (send time, label)."""
    sent: dict[int, tuple[float, str]] = {}

    async def one(index: int) -> None:
        label = LABELS[index % len(LABELS)]
        before = time.monotonic()
        answer = await client.post(path, json=body(label, index))
        answer.raise_for_status()
        sent[answer.json()["seq"]] = (before, label)
        ANSWERED.append(time.monotonic() - before)

    start_at = time.monotonic()
    tasks = []
    for index in range(count):
        await asyncio.sleep(max(0.0, start_at + index / rate - time.monotonic()))
        tasks.append(asyncio.create_task(one(index)))
    await asyncio.gather(*tasks)
    return sent


async def settle(subs: list[Subscriber], expected: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(len(s.arrived) for s in subs) >= expected:
            return
        await asyncio.sleep(0.1)


def eligible(persona: str, label: str) -> bool:
    """The marking core's answer (everyone is a member of the body and in one mode)."""
    return markings.decide(PERSONAS[persona], markings.parse_label(label)).allowed


def percentiles(values: list[float]) -> tuple[float, float]:
    if not values:
        return float("nan"), float("nan")
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p99 * 1000


async def run_feed(base: str, n: int, items: int, rate: float) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        cookies = {}
        for login in [POSTER, *PERSONAS]:
            answer = await client.post(
                "/api/v1/login", json={"login": login, "password": password(login)}
            )
            answer.raise_for_status()
            cookies[login] = answer.cookies["bcm_session"]
        personas = list(PERSONAS)
        subs = [Subscriber(personas[i % len(personas)]) for i in range(n)]
        headers = {p: {"Cookie": f"bcm_session={cookies[p]}"} for p in personas}
        port = int(base.rsplit(":", 1)[1])
        sockets = await open_all(port, "/api/v1/feed", subs, headers)
        client.cookies.set("bcm_session", cookies[POSTER])
        started = time.monotonic()
        sent = await post_paced(
            client,
            "/api/v1/items",
            items,
            rate,
            lambda label, i: {"body": BODY, "label": label, "text": f"{i} {TEXT}"},
        )
        expected = sum(1 for s in subs for _, label in sent.values() if eligible(s.persona, label))
        await settle(subs, expected)
        elapsed = time.monotonic() - started
        for reader in sockets:
            reader.close()
    latencies, firsts, misdeliveries, missing, delivered = [], [], 0, 0, 0
    for seq, (before, label) in sent.items():
        arrivals = []
        for sub in subs:
            got = sub.arrived.get(seq)
            if eligible(sub.persona, label):
                if got is None:
                    missing += 1
                else:
                    delivered += 1
                    arrivals.append(got)
            elif got is not None:
                misdeliveries += 1
        if arrivals:
            latencies.append(max(arrivals) - before)
            firsts.append(min(arrivals) - before)
    p50, p99 = percentiles(latencies)
    post_p50, post_p99 = percentiles(ANSWERED)
    ANSWERED.clear()
    return {
        "post_p50_ms": post_p50,
        "post_p99_ms": post_p99,
        "first_p50_ms": percentiles(firsts)[0],
        "p50_ms": p50,
        "p99_ms": p99,
        "deliveries": delivered,
        "deliveries_per_s": delivered / elapsed,
        "misdeliveries": misdeliveries,
        "missing": missing,
    }


async def run_baseline(base: str, n: int, items: int, rate: float) -> dict[str, Any]:
    subs = [Subscriber("any") for _ in range(n)]
    sockets = await open_all(int(base.rsplit(":", 1)[1]), "/ws", subs, {})
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        sent = await post_paced(client, "/post", items, rate, lambda _l, i: {"text": f"{i} {TEXT}"})
    await settle(subs, n * len(sent))
    for reader in sockets:
        reader.close()
    latencies, firsts = [], []
    for seq, (before, _) in sent.items():
        arrivals = [s.arrived[seq] for s in subs if seq in s.arrived]
        if len(arrivals) == n:
            latencies.append(max(arrivals) - before)
            firsts.append(min(arrivals) - before)
    p50, p99 = percentiles(latencies)
    return {
        "baseline_first_p50_ms": percentiles(firsts)[0],
        "baseline_p50_ms": p50,
        "baseline_p99_ms": p99,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--rate", type=float, default=20.0, help="items per second")
    parser.add_argument("--baseline-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_server:
        serve_baseline(args.baseline_server)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bcm.db'}"
        prepare(url)
        bcm_port, base_port = free_port(), free_port()
        bcm = [str(Path(sys.executable).parent / "bcm"), "serve", "--database", url]
        server = start([*bcm, "--port", str(bcm_port), "--log-level", "warning"], bcm_port)
        try:
            feed = asyncio.run(
                run_feed(f"http://127.0.0.1:{bcm_port}", args.subscribers, args.items, args.rate)
            )
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
        baseline_server = start(
            [sys.executable, __file__, "--baseline-server", str(base_port)], base_port
        )
        try:
            baseline = asyncio.run(
                run_baseline(
                    f"http://127.0.0.1:{base_port}", args.subscribers, args.items, args.rate
                )
            )
        finally:
            baseline_server.send_signal(signal.SIGINT)
            baseline_server.wait(timeout=30)
    result = {"subscribers": args.subscribers, "items": args.items, "rate_per_s": args.rate}
    result |= feed | baseline
    result["p99_over_baseline"] = result["p99_ms"] / result["baseline_p99_ms"]
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value:.2f}" if isinstance(value, float) else f"{key:>20}: {value}")


if __name__ == "__main__":
    main()
