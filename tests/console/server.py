"""A real BCM server for the console's browser tests: the example org chart plus one test body
(tests/data/console/org-chart.yaml) in a fresh SQLite file, on a free loopback port, with
WebSockets on (the live feed), every persona given a password, and a fake clock."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bcm.domain.clock import FakeClock
from bcm.feed.hub import HubSettings
from bcm.services import items, people
from bcm.web.runtime import Runtime
from tests.support.serving import served_org_chart

ORG_CHART = Path(__file__).resolve().parents[1] / "data" / "console" / "org-chart.yaml"
# Quick flushes and heartbeats: a test waits for the feed, never for a timer.
FEED = HubSettings(queue_limit=1024, flush_every=0.2, poll_every=1.0, heartbeat=1.0)
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class ConsoleServer:
    """A running server: its URL, runtime, fake clock and each login's password."""

    url: str
    runtime: Runtime
    clock: FakeClock
    passwords: dict[str, str] = field(default_factory=dict)

    def person_id(self, login: str) -> str:
        """The id of ``login``."""
        return self.runtime.services.run(people.get_person, login).id

    def post(self, login: str, body: str, label: str, text: str) -> str:
        """Post an item through the services as ``login``; its id."""
        actor = self.person_id(login)
        item = self.runtime.services.run(items.post_item, body, label=label, text=text, actor=actor)
        return item.id

    @contextmanager
    def api(self, login: str) -> Iterator[httpx.Client]:
        """An HTTP client signed in to the API as ``login``."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            answer = client.post(
                "/api/v1/login", json={"login": login, "password": self.passwords[login]}
            )
            assert answer.status_code == 200, answer.text
            yield client

    @contextmanager
    def console(self, login: str) -> Iterator[httpx.Client]:
        """An HTTP client signed in through the console's own sign-in form."""
        with httpx.Client(base_url=self.url, timeout=30) as client:
            token = TOKEN.search(client.get("/sign-in").text)
            assert token is not None
            answer = client.post(
                "/sign-in",
                data={"login": login, "password": self.passwords[login], "csrf_token": token[1]},
            )
            assert answer.status_code == 303, answer.text
            yield client


@contextmanager
def console_server(tmp_path: Path) -> Iterator[ConsoleServer]:
    """A fresh database from the test org chart, served; every persona gets a password."""
    url = f"sqlite:///{tmp_path / 'bcm.db'}"
    chart = ORG_CHART.read_text(encoding="utf-8")
    with served_org_chart(url, chart, websockets=True, feed=FEED) as s:
        yield ConsoleServer(s.url, s.runtime, s.clock, s.passwords)
