"""The feed's behaviour through real WebSocket (and SSE) connections on loopback: resuming
from a cursor, body filters, clearance changes, revocation, authentication, acknowledgments
and the delivery audit."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from bcm.feed.operations import get_acknowledged, get_receivers
from bcm.services import clearances
from bcm.services.clearances import Terms
from tests.feed.server import (
    FeedClient,
    LiveServer,
    feed_server,
    feed_url,
    post,
    session_cookie,
    subscribe,
)
from tests.feed.test_policy_property import SETTINGS, wait_for_cursor

REL = "SECRET//REL TO USA, JPN"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with feed_server(Path(tmp_path_factory.mktemp("feed")), SETTINGS) as live:
        yield live


@pytest.fixture(scope="module")
def poster(server: LiveServer) -> str:
    return session_cookie(server, "j.lindqvist")


def cursors(feed: FeedClient) -> list[int]:
    return [m["cursor"] for m in feed.items()]


def test_resuming_from_a_cursor_replays_every_missed_item_once_then_goes_live(
    server: LiveServer, poster: str
) -> None:
    cookie = session_cookie(server, "k.reyes")
    with subscribe(server, "k.reyes", cookie=cookie) as feed:
        start = feed.until("live")["cursor"]
        first = [post(server, poster, "bcc-yokota", REL, f"a{i}")["seq"] for i in range(5)]
        assert cursors(feed) == [] or cursors(feed)[0] > start
        got = [m["cursor"] for m in feed.collect(5)]
        assert got == first
    missed = [post(server, poster, "bcc-yokota", REL, f"b{i}")["seq"] for i in range(3)]
    with subscribe(server, "k.reyes", cookie=cookie, since=first[1]) as feed:
        live = feed.until("live")
        assert cursors(feed) == first[2:] + missed  # the replay, in order, no duplicate
        assert live["cursor"] >= missed[-1]
        later = post(server, poster, "bcc-yokota", REL, "c")["seq"]
        wait_for_cursor(feed, later)
        assert cursors(feed) == [*first[2:], *missed, later]
        assert len(set(cursors(feed))) == len(cursors(feed))


def test_a_body_filter_limits_the_subscription(server: LiveServer, poster: str) -> None:
    hayashi = session_cookie(server, "e.hayashi")
    with subscribe(server, "d.ogawa", bodies="bcc-mod") as feed:
        feed.until("live")
        post(server, poster, "bcc-yokota", REL, "not for the filter")
        wanted = post(server, hayashi, "bcc-mod", REL, "for the filter")["seq"]
        wait_for_cursor(feed, wanted)
        assert cursors(feed) == [wanted]


def test_a_clearance_change_applies_to_the_very_next_event(server: LiveServer) -> None:
    services = server.runtime.services
    hayashi, kaneda = server.person_id("e.hayashi"), server.person_id("so.kaneda")
    author = session_cookie(server, "d.ogawa")
    with subscribe(server, "e.hayashi") as feed:
        feed.until("live")
        before = post(server, author, "bcc-mod", REL, "before")["seq"]
        terms = Terms("CONFIDENTIAL", datetime(2027, 6, 30, tzinfo=UTC))
        grant = services.run(clearances.grant_clearance, hayashi, terms, actor=kaneda)
        services.run(clearances.acknowledge_obligations, grant.id, actor=hayashi)
        secret = post(server, author, "bcc-mod", REL, "now above her clearance")["seq"]
        public = post(server, author, "bcc-mod", "UNCLASSIFIED", "still for her")["seq"]
        wait_for_cursor(feed, public)
        assert cursors(feed) == [before, public]
        assert secret not in cursors(feed)


def test_revocation_closes_every_connection_of_the_person(server: LiveServer) -> None:
    services = server.runtime.services
    nakamura = server.person_id("s.nakamura")
    cookie = session_cookie(server, "s.nakamura")
    grant = services.run(clearances.list_clearances, nakamura)[-1]
    with (
        subscribe(server, "s.nakamura", cookie=cookie) as one,
        subscribe(server, "s.nakamura", cookie=cookie) as two,
    ):
        one.until("live")
        two.until("live")
        services.run(
            clearances.revoke_clearance,
            grant.id,
            actor=server.person_id("so.kaneda"),
            reason="test",
        )
        for feed in (one, two):
            assert feed.until("closed")["reason"] == "access ended"
            with pytest.raises(ConnectionClosed) as closed:
                feed.receive(timeout=5)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4001
    with pytest.raises(InvalidStatus):  # the session ended with the clearance
        connect(feed_url(server.url), additional_headers={"Cookie": f"bcm_session={cookie}"})


def test_a_stopping_server_says_so_and_closes_going_away(tmp_path: Path) -> None:
    with feed_server(tmp_path, SETTINGS) as own, subscribe(own, "k.reyes") as feed:
        feed.until("live")
        hub = own.runtime.feed
        assert hub is not None
        assert hub._loop is not None
        asyncio.run_coroutine_threadsafe(hub.close(), hub._loop).result(timeout=10)
        assert feed.until("closed")["reason"] == "server stopping"
        with pytest.raises(ConnectionClosed) as closed:
            feed.receive(timeout=5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1001


def test_a_connection_needs_a_valid_credential_with_the_read_scope(server: LiveServer) -> None:
    with pytest.raises(InvalidStatus):
        connect(feed_url(server.url))
    with pytest.raises(InvalidStatus):
        connect(feed_url(server.url), additional_headers={"Cookie": "bcm_session=forged"})
    writer = server.token("feed.radar", ["items:write"])
    with pytest.raises(InvalidStatus):
        connect(feed_url(server.url), additional_headers={"Authorization": f"Bearer {writer}"})
    reader = server.token("feed.radar", ["items:read"])
    headers = {"Authorization": f"Bearer {reader}"}
    with connect(feed_url(server.url), additional_headers=headers) as ws:
        assert json.loads(ws.recv(timeout=5))["type"] == "hello"


def test_bad_input_is_refused_without_a_connection(server: LiveServer) -> None:
    cookie = session_cookie(server, "k.reyes")
    headers = {"Cookie": f"bcm_session={cookie}"}
    for query in ({"since": -1}, {"bodies": "no-such-body"}, {"client": "a b"}):
        url = feed_url(server.url, **query)
        with (
            pytest.raises((InvalidStatus, ConnectionClosed)),
            connect(url, additional_headers=headers) as ws,
        ):
            ws.recv(timeout=5)


def test_acknowledgments_and_deliveries_are_recorded(server: LiveServer, poster: str) -> None:
    reyes = server.person_id("k.reyes")
    with subscribe(server, "k.reyes", client="console") as feed:
        feed.until("live")
        seq = post(server, poster, "bcc-yokota", REL, "to be acknowledged")["seq"]
        wait_for_cursor(feed, seq)
        # recorded before it was handed: already in the chain when the client has it
        assert reyes in server.runtime.services.run(get_receivers, seq)
        feed.ack(seq + 1000)  # more than was sent: only what was handed counts
        hub = server.runtime.feed
        assert hub is not None
        deadline = time.monotonic() + 5
        while hub.acknowledged(f"{reyes}/console") != seq:
            assert time.monotonic() < deadline, "acknowledgment not seen"
            time.sleep(0.02)
    services = server.runtime.services
    deadline = time.monotonic() + 5
    while reyes not in services.run(get_receivers, seq):
        assert time.monotonic() < deadline, "delivery not audited"
        time.sleep(0.05)
    assert server.person_id("d.ogawa") not in services.run(get_receivers, seq)
    while services.run(get_acknowledged, f"{reyes}/console") != seq:
        assert time.monotonic() < deadline, "acknowledgment not audited"
        time.sleep(0.05)


def test_server_sent_events_carry_the_same_feed(server: LiveServer, poster: str) -> None:
    cookie = session_cookie(server, "k.reyes")
    first = post(server, poster, "bcc-yokota", REL, "before the stream")["seq"]
    with httpx.Client(base_url=server.url, timeout=10, cookies={"bcm_session": cookie}) as c:
        with c.stream("GET", "/api/v1/feed/events", params={"since": first - 1}) as stream:
            events = _sse_events(stream.iter_lines())
            kinds = []
            for event in events:
                kinds.append(event["event"])
                if event["event"] == "live":
                    break
            assert kinds == ["hello", "item", "live"]
            second = post(server, poster, "bcc-yokota", REL, "during the stream")["seq"]
            item = next(e for e in events if e["event"] == "item")
            assert item["id"] == str(second)
            assert json.loads(item["data"])["item"]["text"] == "during the stream"
        answer = c.post("/api/v1/feed/ack", json={"cursor": second})
        assert answer.status_code == 204
    with httpx.Client(base_url=server.url, timeout=10) as anonymous:
        assert anonymous.get("/api/v1/feed/events").status_code == 401
        assert anonymous.post("/api/v1/feed/ack", json={"cursor": 1}).status_code == 401


def _sse_events(lines: Iterator[str]) -> Iterator[dict[str, str]]:
    event: dict[str, str] = {}
    for line in lines:
        if not line:
            if event:
                yield event
            event = {}
            continue
        name, _, value = line.partition(": ")
        event[name] = value


def test_signing_out_ends_the_feed_at_the_next_heartbeat(server: LiveServer) -> None:
    cookie = session_cookie(server, "k.reyes")
    with subscribe(server, "k.reyes", cookie=cookie) as feed:
        feed.until("live")
        with httpx.Client(base_url=server.url, cookies={"bcm_session": cookie}) as client:
            assert client.post("/api/v1/logout").status_code == 204
        assert feed.until("closed", timeout=5)["reason"] == "access ended"


def test_a_revoked_token_ends_the_feed_at_the_next_heartbeat(server: LiveServer) -> None:
    token = server.token("feed.radar", ["items:read"])
    headers = {"Authorization": f"Bearer {token}"}
    with connect(feed_url(server.url), additional_headers=headers) as ws:
        feed = FeedClient(ws, [])
        feed.until("live")
        with server.login("feed.radar") as client:
            live = [row for row in client.get("/api/v1/tokens").json() if not row["revoked"]]
            assert live
            for row in live:
                assert client.delete(f"/api/v1/tokens/{row['id']}").status_code == 204
        assert feed.until("closed", timeout=5)["reason"] == "access ended"
