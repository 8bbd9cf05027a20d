"""The server on PostgreSQL: sessions, tokens, idempotency and revocation work the same."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bcm.auth.passwords import CHEAP
from bcm.services import clearances
from bcm.web.serving import close_runtime, open_runtime
from tests.support.serving import serve_in_thread
from tests.web.server import LiveServer, live_server

pytestmark = pytest.mark.postgres
POST = {"body": "bcc-yokota", "label": "SECRET//REL TO USA, JPN", "text": "track"}


@pytest.fixture
def pg_server(tmp_path: Path, pg_url: str) -> Iterator[LiveServer]:
    with live_server(tmp_path, url=pg_url) as live:
        yield live


def test_idempotent_posts_and_revocation_on_postgres(pg_server: LiveServer) -> None:
    token = pg_server.token("k.reyes", ["items:write", "items:read"])
    headers = {"authorization": f"Bearer {token}", "idempotency-key": "pg-1"}

    def post(_: int) -> httpx.Response:
        with pg_server.client() as client:
            return client.post("/api/v1/items", json=POST, headers=headers)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(post, range(6)))
    assert sorted(a.status_code for a in answers).count(201) == 1
    assert len({a.json()["id"] for a in answers}) == 1
    with pg_server.client() as client:
        bearer = {"authorization": f"Bearer {token}"}
        assert len(client.get("/api/v1/items", headers=bearer).json()) == 1
        grant = pg_server.runtime.services.run(clearances.list_clearances, "k.reyes")[0]
        pg_server.runtime.services.run(
            clearances.suspend_clearance,
            grant.id,
            actor=pg_server.person_id("so.whitfield"),
            reason="test",
        )
        assert client.get("/api/v1/items", headers=bearer).status_code == 401


def test_two_server_processes_share_sessions_and_revocation(pg_server: LiveServer) -> None:
    other = open_runtime(pg_server.database_url, clock=pg_server.clock, hash_params=CHEAP)
    try:
        with serve_in_thread(other) as second_url, pg_server.login("d.ogawa") as first:
            cookie = first.cookies["bcm_session"]
            with httpx.Client(base_url=second_url, cookies={"bcm_session": cookie}) as second:
                assert second.get("/api/v1/me").json()["login"] == "d.ogawa"
                pg_server.runtime.authenticator.set_disabled(pg_server.person_id("d.ogawa"), True)
                assert second.get("/api/v1/me").status_code == 401
    finally:
        close_runtime(other)
