"""Acceptance: two ``bcm serve`` processes on one PostgreSQL database act as one feed — a
subscriber on A receives, in order, the items posted on B (LISTEN/NOTIFY carries only
sequence numbers; A reads the items from the table), and a clearance revoked by a third
process closes the subscriber's connection on A."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bcm.bootstrap import open_services
from bcm.feed.postgres import PostgresBroker
from bcm.feed.publisher import FeedPublisher
from bcm.services import clearances, people
from tests.feed.processes import ServeProcess, login, prepare_database
from tests.feed.test_crash import Subscriber

REL = "SECRET//REL TO USA, JPN"

pytestmark = pytest.mark.postgres


def post_on(base: str, cookie: str, text: str) -> int:
    import httpx

    answer = httpx.post(
        f"{base}/api/v1/items",
        json={"body": "bcc-yokota", "label": REL, "text": text},
        cookies={"bcm_session": cookie},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    seq: int = answer.json()["seq"]
    return seq


def wait_until(condition: object, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_subscriber_on_one_process_receives_items_posted_on_another(
    pg_url: str, tmp_path: Path
) -> None:
    prepare_database(pg_url)
    with (
        ServeProcess(pg_url, tmp_path / "a.log") as a,
        ServeProcess(pg_url, tmp_path / "b.log") as b,
    ):
        on_a = Subscriber(a.url, login(a.url, "k.reyes"), since=0)
        watched = Subscriber(a.url, login(a.url, "d.ogawa"), since=0)
        for subscriber in (on_a, watched):
            subscriber.start()
            assert subscriber.live.wait(10)
        poster_b, poster_a = login(b.url, "j.lindqvist"), login(a.url, "j.lindqvist")
        seqs = [post_on(b.url, poster_b, f"from B {i}") for i in range(10)]
        seqs.append(post_on(a.url, poster_a, "from A"))
        seqs += [post_on(b.url, poster_b, f"from B again {i}") for i in range(5)]
        started = time.monotonic()
        wait_until(lambda: on_a.cursors() == seqs)
        assert time.monotonic() - started < 5  # announced, not found by the safety poll

        # A revocation committed by a third process reaches A's hub through the table.
        broker = PostgresBroker(pg_url)
        services = open_services(pg_url, publisher=FeedPublisher(broker))
        try:
            ogawa = services.run(people.get_person, "d.ogawa").id
            kaneda = services.run(people.get_person, "so.kaneda").id
            grant = services.run(clearances.list_clearances, ogawa)[-1]
            services.run(clearances.revoke_clearance, grant.id, actor=kaneda, reason="test")
        finally:
            services.close()
            broker.close()
        watched.join(timeout=10)
        assert not watched.is_alive()
        assert watched.messages[-1] == {"type": "closed", "reason": "access ended"}
        assert watched.cursors() == seqs  # ogawa may read bcc-yokota items up to then
