"""Acceptance: through real WebSocket connections, each persona receives exactly the items
the access policy allows them — no more, no fewer, in order, once (random labels, bodies,
personas). The expectation comes from the policy itself (``policy.decide`` on each persona's
subject), never from a copy of its rules."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcm.domain.model import Body
from bcm.domain.policy import Action, Resource, decide
from bcm.feed.hub import HubSettings
from bcm.services import bodies
from bcm.services.bodies import Members
from bcm.services.core import Tx
from bcm.services.subjects import load_subject
from tests.feed.server import (
    FeedClient,
    LiveServer,
    feed_server,
    post,
    post_raw,
    session_cookie,
    subscribe,
)

PERSONAS = ["d.ogawa", "k.reyes", "p.nguyen", "t.aoki", "a.fujita", "r.alvarez", "l.fischer"]
# (author, body) pairs that may post; the label decides who may read.
POSTERS = [
    ("r.alvarez", "feed-all"),
    ("r.alvarez", "feed-all"),
    ("r.alvarez", "feed-all"),
    ("r.alvarez", "intel-us"),
    ("r.alvarez", "intel-bilateral"),
    ("r.alvarez", "policy-committee"),
    ("j.lindqvist", "bcc-yokota"),
    ("j.lindqvist", "ops-bilateral"),
    ("j.lindqvist", "jcg-technical"),
    ("e.hayashi", "bcc-mod"),
]
LABELS = [
    "UNCLASSIFIED",
    "UNCLASSIFIED//FOUO",
    "CONFIDENTIAL",
    "CONFIDENTIAL//REL TO USA, JPN",
    "SECRET//REL TO USA, JPN",
    "SECRET//NOFORN",
    "SECRET",
    "TOP SECRET//SI//NOFORN",
    "TOP SECRET//SI//REL TO USA, JPN",
    "CONFIDENTIAL//REL TO USA, JPN, GBR",
]
SETTINGS = HubSettings(queue_limit=4096, flush_every=0.2, poll_every=1.0, heartbeat=0.3)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with feed_server(Path(tmp_path_factory.mktemp("feed")), SETTINGS) as live:
        # A body everyone belongs to, with a high ceiling: there the label alone decides.
        everyone = Members(organizations=("us-embassy", "usfj", "mofa", "mod", "jcab", "cas"))
        live.runtime.services.run(
            bodies.create_body,
            actor=live.person_id("ops.sato"),
            key="feed-all",
            name="Everyone (feed tests)",
            kind="general",
            ceiling="TOP SECRET//SI//NOFORN",
            members=everyone,
        )
        yield live


@pytest.fixture(scope="module")
def cookies(server: LiveServer) -> dict[str, str]:
    logins = set(PERSONAS) | {author for author, _ in POSTERS}
    return {login: session_cookie(server, login) for login in logins}


def readable(tx: Tx, seqs: list[int], *, person: str) -> list[int]:
    """The policy's answer: which of these items ``person`` may read now."""
    subject = load_subject(tx, person)
    allowed = []
    for item in tx.uow.list_items(body=None, mode=subject.mode, after_seq=min(seqs) - 1):
        body = tx.uow.get(Body, item.body)
        assert body is not None
        if item.seq in seqs and decide(subject, Action.READ, Resource.of_item(item, body)).allowed:
            allowed.append(item.seq)
    return allowed


def wait_for_cursor(feed: FeedClient, cursor: int, timeout: float = 15) -> None:
    """Read until a heartbeat says the server has dispatched up to ``cursor``: every item
    owed to this client up to it was queued before that heartbeat."""
    deadline = time.monotonic() + timeout
    while True:
        message = feed.receive(max(0.01, deadline - time.monotonic()))
        if message["type"] == "heartbeat" and message["cursor"] >= cursor:
            return


@settings(max_examples=6, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    personas=st.lists(st.sampled_from(PERSONAS), min_size=1, max_size=4, unique=True),
    posts=st.lists(
        st.tuples(st.sampled_from(POSTERS), st.sampled_from(LABELS)), min_size=1, max_size=12
    ),
)
def test_each_persona_receives_exactly_what_the_policy_allows(
    server: LiveServer,
    cookies: dict[str, str],
    personas: list[str],
    posts: list[tuple[tuple[str, str], str]],
) -> None:
    with ExitStack() as stack:
        feeds = {
            login: stack.enter_context(subscribe(server, login, cookie=cookies[login]))
            for login in personas
        }
        for feed in feeds.values():
            feed.until("live")
        seqs = []
        for (author, body), label in posts:
            answer = post_raw(server, cookies[author], body, label, f"{label} in {body}")
            if answer.status_code == 201:
                seqs.append(answer.json()["seq"])
            else:  # above the body's ceiling, or the author may not write it
                assert answer.status_code in (403, 422), answer.text
        if not seqs:
            return
        for login, feed in feeds.items():
            wait_for_cursor(feed, max(seqs))
            got = [m["cursor"] for m in feed.items()]
            person = server.person_id(login)
            expected = server.runtime.services.run(readable, seqs, person=person)
            assert got == expected, login
            assert all(m["item"]["seq"] == m["cursor"] for m in feed.items())


def test_the_expectation_is_not_vacuous(server: LiveServer, cookies: dict[str, str]) -> None:
    """The same setup shows both outcomes, for the label rule and for need-to-know."""
    logins = ["k.reyes", "d.ogawa", "t.aoki", "p.nguyen"]
    with ExitStack() as stack:
        feeds = [stack.enter_context(subscribe(server, x, cookie=cookies[x])) for x in logins]
        for feed in feeds:
            feed.until("live")
        alvarez = cookies["r.alvarez"]
        seqs = [
            post(server, alvarez, body, label, "x")["seq"]
            for body, label in [
                ("feed-all", "SECRET//NOFORN"),
                ("feed-all", "SECRET//REL TO USA, JPN"),
                ("feed-all", "UNCLASSIFIED"),
                ("feed-all", "TOP SECRET//SI//NOFORN"),
                ("intel-us", "SECRET//NOFORN"),
            ]
        ]
        for feed in feeds:
            wait_for_cursor(feed, seqs[-1])
        got = {
            x: [m["cursor"] for m in feed.items()] for x, feed in zip(logins, feeds, strict=True)
        }
        noforn, shared, unclassified, sci, cell = seqs
        assert got == {
            "k.reyes": [noforn, shared, unclassified],
            "d.ogawa": [shared, unclassified],
            "t.aoki": [unclassified],
            "p.nguyen": [noforn, shared, unclassified, sci, cell],
        }
