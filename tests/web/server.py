"""A real BCM server on a free loopback port, in a thread: the example org chart loaded into a
fresh SQLite file, every persona given a password, a fake clock shared by services and auth."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bcm.domain.clock import FakeClock
from bcm.services import people
from bcm.web.runtime import Runtime
from tests.support.serving import served_org_chart

DATA = Path(__file__).resolve().parents[1] / "data" / "web"
ORG_CHART = (DATA / "org-chart.yaml").read_text(encoding="utf-8")


@dataclass
class LiveServer:
    """A running server: its URL, runtime, fake clock and each login's password."""

    url: str
    runtime: Runtime
    clock: FakeClock
    passwords: dict[str, str] = field(default_factory=dict)
    database_url: str = ""  # the database URL

    def client(self) -> httpx.Client:
        """A fresh HTTP client (its own cookie jar)."""
        return httpx.Client(base_url=self.url, timeout=30)

    def login(self, login: str) -> httpx.Client:
        """A client (not yet opened: use it in ``with``) signed in as ``login``."""
        with self.client() as client:
            answer = client.post(
                "/api/v1/login", json={"login": login, "password": self.passwords[login]}
            )
        assert answer.status_code == 200, answer.text
        return httpx.Client(
            base_url=self.url, timeout=30, cookies={"bcm_session": answer.cookies["bcm_session"]}
        )

    def token(self, login: str, scopes: list[str]) -> str:
        """A new API token of ``login`` with ``scopes``."""
        with self.login(login) as client:
            answer = client.post("/api/v1/tokens", json={"name": "test", "scopes": scopes})
            assert answer.status_code == 201, answer.text
            secret: str = answer.json()["secret"]
            return secret

    def person_id(self, login: str) -> str:
        """The id of ``login``."""
        return self.runtime.services.run(people.get_person, login).id


@contextmanager
def live_server(
    tmp_path: Path, *, url: str | None = None, websockets: bool = False, **runtime_options: object
) -> Iterator[LiveServer]:
    """A fresh database (SQLite in ``tmp_path`` unless ``url``) from the example org chart,
    served; every persona gets a password."""
    url = url or f"sqlite:///{tmp_path / 'bcm.db'}"
    with served_org_chart(url, ORG_CHART, websockets=websockets, **runtime_options) as s:
        yield LiveServer(s.url, s.runtime, s.clock, s.passwords, url)
