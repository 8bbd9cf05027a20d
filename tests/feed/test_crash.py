"""Acceptance (bounded): posters send items concurrently to a ``bcm serve`` process, which is
killed with SIGKILL mid-way and restarted. Every item that got a 2xx is stored exactly once,
and a subscriber resuming from its last cursor receives every item it may see exactly once,
in order."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.feed.processes import ServeProcess, login, prepare_database
from tests.feed.server import feed_url

POSTERS = [  # (login, body, label): the subscriber may read the first three, not the last
    ("j.lindqvist", "bcc-yokota", "SECRET//REL TO USA, JPN"),
    ("k.reyes", "bcc-yokota", "UNCLASSIFIED"),
    ("d.ogawa", "bcc-mod", "SECRET//REL TO USA, JPN"),
    ("r.alvarez", "intel-us", "TOP SECRET//SI//NOFORN"),
]
SUBSCRIBER = "k.reyes"  # member of bcc-yokota (usfj) and bcc-mod (position), not intel-us


class Subscriber(threading.Thread):
    """Collects feed messages until the connection ends."""

    def __init__(self, base: str, cookie: str, since: int) -> None:
        super().__init__(daemon=True)
        self.messages: list[dict[str, Any]] = []
        self.live = threading.Event()
        self._url = feed_url(base, since=since)
        self._cookie = cookie

    def run(self) -> None:
        headers = {"Cookie": f"bcm_session={self._cookie}"}
        try:
            with connect(self._url, additional_headers=headers) as ws:
                while True:
                    message = json.loads(ws.recv(timeout=60))
                    self.messages.append(message)
                    if message["type"] == "live":
                        self.live.set()
        except (ConnectionClosed, OSError, TimeoutError):
            return

    def cursors(self) -> list[int]:
        return [m["cursor"] for m in self.messages if m["type"] == "item"]


class Poster(threading.Thread):
    """Posts numbered items until told to stop or the server is gone; keeps the 2xx ones."""

    def __init__(self, base: str, cookie: str, body: str, label: str, name: str) -> None:
        super().__init__(daemon=True)
        self.acknowledged: list[dict[str, Any]] = []
        self.stop = threading.Event()
        self._args = (base, cookie, body, label, name)

    def run(self) -> None:
        base, cookie, body, label, name = self._args
        with httpx.Client(base_url=base, cookies={"bcm_session": cookie}, timeout=10) as client:
            number = 0
            while not self.stop.is_set():
                number += 1
                post = {"body": body, "label": label, "text": f"{name}-{number}"}
                try:
                    answer = client.post("/api/v1/items", json=post)
                except httpx.TransportError:
                    return
                if answer.status_code == 201:
                    self.acknowledged.append(answer.json())


def all_items(base: str, cookie: str) -> list[dict[str, Any]]:
    """Every item the cookie's person may read, by cursor, through the API."""
    found: list[dict[str, Any]] = []
    with httpx.Client(base_url=base, cookies={"bcm_session": cookie}, timeout=30) as client:
        while True:
            after = found[-1]["seq"] if found else 0
            page = client.get("/api/v1/items", params={"after": after, "limit": 500}).json()
            found.extend(page)
            if len(page) < 500:
                return found


@pytest.mark.slow
def test_acknowledged_items_survive_sigkill_and_the_feed_resumes_exactly(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'bcm.db'}"
    prepare_database(url)
    log = tmp_path / "serve.log"
    with ServeProcess(url, log) as first:
        cookies = {who: login(first.url, who) for who, _, _ in POSTERS}
        headers = {"Cookie": f"bcm_session={cookies[SUBSCRIBER]}"}
        with connect(feed_url(first.url), additional_headers=headers) as offered_deflate:
            # bcm serve refuses per-message compression on the feed (the client offered it)
            assert "Sec-WebSocket-Extensions" not in offered_deflate.response.headers
        watcher = Subscriber(first.url, cookies[SUBSCRIBER], since=0)
        watcher.start()
        assert watcher.live.wait(10)
        posters = [Poster(first.url, cookies[w], b, lb, w) for w, b, lb in POSTERS]
        for poster in posters:
            poster.start()
        deadline = time.monotonic() + 20
        while sum(len(p.acknowledged) for p in posters) < 40:
            assert time.monotonic() < deadline, "posters too slow"
            time.sleep(0.05)
        first.kill()  # mid-way: posters are still sending
        for poster in posters:
            poster.stop.set()
            poster.join(timeout=15)
        watcher.join(timeout=15)

    before_crash = watcher.cursors()
    assert before_crash, "the subscriber received nothing before the crash"
    with ServeProcess(url, log) as second:
        # Every acknowledged item is stored exactly once (the authors may read their own).
        for poster, (who, _, _) in zip(posters, POSTERS, strict=True):
            stored = all_items(second.url, cookies[who])
            texts = [i["text"] for i in stored if i["text"].startswith(f"{who}-")]
            assert len(texts) == len(set(texts)), f"duplicate items by {who}"
            for item in poster.acknowledged:
                assert texts.count(item["text"]) == 1, item
        # The subscriber resumes from its last cursor: every item it may read, once, in order.
        resumed = Subscriber(second.url, cookies[SUBSCRIBER], since=before_crash[-1])
        resumed.start()
        assert resumed.live.wait(20)
        eligible = [i["seq"] for i in all_items(second.url, cookies[SUBSCRIBER])]
        assert before_crash + resumed.cursors() == eligible
        assert any(p.acknowledged for p in posters[:3])
        assert posters[3].acknowledged, "the item the subscriber may not see was never posted"
        assert not {i["seq"] for i in posters[3].acknowledged} & set(eligible)
