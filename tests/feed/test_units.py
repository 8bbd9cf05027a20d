"""The feed's parts without HTTP: brokers, the recipient computation against the access
policy, the hub over the services with a memory store, the message shapes."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcm.domain.clock import FakeClock
from bcm.domain.model import Body, Item, Mode, Paragraph
from bcm.domain.policy import Action, Resource, decide
from bcm.errors import InvalidInput, Unauthenticated
from bcm.feed import hub as hub_module
from bcm.feed import protocol
from bcm.feed.audience import Audience
from bcm.feed.broker import Broker, LocalBroker
from bcm.feed.connection import Connection
from bcm.feed.hub import Hub, HubSettings
from bcm.feed.operations import _tail, get_receivers, get_tails, load_standing
from bcm.feed.publisher import FeedPublisher
from bcm.services import clearances, items, people
from bcm.services.core import Services
from bcm.services.orgchart import load_org_chart
from bcm.storage.memory import MemoryStore
from bcm.testing.pgcluster import PgCluster
from bcm.web.schemas import item_out
from tests.web.server import ORG_CHART

REL = "SECRET//REL TO USA, JPN"


@pytest.fixture
def broker() -> LocalBroker:
    return LocalBroker()


@pytest.fixture
def services(broker: LocalBroker) -> Iterator[Services]:
    wired = Services(MemoryStore(publisher=FeedPublisher(broker)), FakeClock())
    wired.run(load_org_chart, ORG_CHART)
    yield wired
    wired.close()


def pid(services: Services, login: str) -> str:
    return services.run(people.get_person, login).id


# -- brokers ---------------------------------------------------------------------------------


def _contract(broker: Broker) -> None:
    heard: list[int] = []
    got = threading.Event()

    def listener(seq: int) -> None:
        heard.append(seq)
        if seq == 7:
            got.set()

    broker.listen(listener)
    broker.announce(3)
    broker.announce(7)
    assert got.wait(10)
    assert 3 in heard


def test_the_local_broker_calls_its_listeners(broker: LocalBroker) -> None:
    _contract(broker)


@pytest.mark.postgres
def test_the_postgres_broker_reaches_another_process(pg_cluster: PgCluster) -> None:
    from bcm.feed.postgres import PostgresBroker

    url = pg_cluster.create_database()
    sender, receiver = PostgresBroker(url), PostgresBroker(url)
    try:
        assert receiver.wait_listening()
        heard: list[int] = []
        done = threading.Event()
        receiver.listen(lambda seq: (heard.append(seq), seq == 42 and done.set()))
        sender.announce(42)  # only through PostgreSQL: the receiver has no local path to it
        assert done.wait(10)
        assert heard == [42]
    finally:
        sender.close()
        receiver.close()


# -- recipients ------------------------------------------------------------------------------

PEOPLE = ["k.reyes", "d.ogawa", "p.nguyen", "t.aoki", "a.fujita", "l.fischer", "ops.sato"]
BODIES = ["bcc-yokota", "bcc-mod", "intel-us", "intel-bilateral", "jcg-technical"]
LABELS = [
    "UNCLASSIFIED",
    "CONFIDENTIAL",
    REL,
    "SECRET//NOFORN",
    "TOP SECRET//SI//NOFORN",
    "TOP SECRET//SI//REL TO USA, JPN",
]


@settings(max_examples=30)
@given(
    subscribed=st.lists(st.sampled_from(PEOPLE), min_size=1, unique=True),
    body=st.sampled_from(BODIES),
    label=st.sampled_from(LABELS),
    mode=st.sampled_from(list(Mode)),
)
def test_recipients_are_exactly_whom_the_policy_allows(
    subscribed: list[str], body: str, label: str, mode: Mode
) -> None:
    services = Services(MemoryStore(), FakeClock())
    services.run(load_org_chart, ORG_CHART)
    audience = Audience(services.clock)
    subjects = {}
    for login in subscribed:
        standing = services.run(load_standing, pid(services, login))
        assert standing.subject is not None
        audience.put(standing.subject)
        subjects[standing.person] = standing.subject
    found = services.run(lambda tx: tx.uow.find(Body, body))
    item = Item("i", "n", 1, found.id, "a", "o", label, mode, datetime(2026, 2, 20, tzinfo=UTC))
    expected = {
        person
        for person, subject in subjects.items()
        if decide(subject, Action.READ, Resource.of_item(item, found)).allowed
    }
    assert set(audience.recipients(item, found)) == expected


def test_recipients_follow_the_clock_past_a_grant_boundary(services: Services) -> None:
    clock = services.clock
    assert isinstance(clock, FakeClock)
    audience = Audience(clock)
    reyes = pid(services, "k.reyes")
    standing = services.run(load_standing, reyes)
    assert standing.subject is not None
    audience.put(standing.subject)
    body = services.run(lambda tx: tx.uow.find(Body, "bcc-yokota"))
    item = Item("i", "n", 1, body.id, "a", "o", REL, Mode.REAL_WORLD, clock.now())
    assert audience.recipients(item, body) == [reyes]
    clock.set(datetime(2028, 1, 1, tzinfo=UTC))  # the grant ended on 2027-12-31
    assert audience.recipients(item, body) == []


@given(st.integers(min_value=0, max_value=5000))
def test_the_tail_search_finds_the_last_sequence_number(last: int) -> None:
    probes: list[int] = []

    def exists_after(after: int) -> bool:
        probes.append(after)
        return after < last

    assert _tail(exists_after) == last
    assert len(probes) <= 2 * max(1, last).bit_length() + 2


def test_the_tails_of_a_store(services: Services) -> None:
    author = pid(services, "j.lindqvist")
    for _ in range(5):
        services.run(items.post_item, "bcc-yokota", label=REL, text="x", actor=author)
    item_tail, audit_tail = services.run(get_tails)
    assert item_tail == 5
    assert audit_tail == services.run(lambda tx: tx.uow.audit_tail()[0])


# -- the hub ---------------------------------------------------------------------------------


def run_async(scenario: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``scenario`` on a fresh event loop in its own thread (another test's loop may be
    running in this one)."""
    errors: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "scenario hung"
    if errors:
        raise errors[0]


async def _joined(hub: Hub, person: str, limit: int = 64, since: int | None = None) -> Connection:
    conn = Connection(person=person, client="t", bodies=None, limit=limit, since=since)
    await asyncio.wait_for(hub.join(conn), 5)
    return conn


async def _take(conn: Connection, count: int) -> list[str]:
    return [m for m in [await asyncio.wait_for(conn.next(), 5) for _ in range(count)] if m]


def test_the_hub_delivers_in_order_to_the_cleared_only(
    services: Services, broker: LocalBroker
) -> None:
    async def scenario() -> None:
        hub = Hub(services, broker, settings=HubSettings(flush_every=0.05, poll_every=60))
        reyes = await _joined(hub, pid(services, "k.reyes"))
        aoki = await _joined(hub, pid(services, "t.aoki"))
        author = pid(services, "j.lindqvist")
        posted = [
            services.run(items.post_item, "jcg-technical", label=label, text="x", actor=author)
            for label in ("UNCLASSIFIED", "UNCLASSIFIED//FOUO", "UNCLASSIFIED")
        ]
        secret = services.run(items.post_item, "bcc-yokota", label=REL, text="y", actor=author)
        got = await _take(reyes, 4)
        assert [protocol_cursor(m) for m in got] == [i.seq for i in [*posted, secret]]
        got = await _take(aoki, 3)
        assert [protocol_cursor(m) for m in got] == [i.seq for i in posted]
        assert aoki.backlog == 0
        await hub.close()

    run_async(scenario)


def test_a_full_queue_turns_into_one_resync(services: Services, broker: LocalBroker) -> None:
    async def scenario() -> None:
        hub = Hub(services, broker, settings=HubSettings(poll_every=60))
        conn = await _joined(hub, pid(services, "k.reyes"), limit=3)
        author = pid(services, "j.lindqvist")
        seqs = [
            services.run(items.post_item, "bcc-yokota", label=REL, text="x", actor=author).seq
            for _ in range(6)
        ]
        await asyncio.sleep(0.05)
        first = await conn.next()  # nothing was taken before the overflow: resync from 0
        assert first is not None
        assert seqs[0] == 1
        assert protocol.json.loads(first) == {"type": "resync", "cursor": 0, "reason": "overflow"}
        assert await conn.next() is None
        await hub.close()

    run_async(scenario)


def test_no_delivery_without_its_audit_record(
    services: Services, broker: LocalBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deliveries are recorded before anything is handed; when the record cannot be
    written nothing is handed and the connection is told to resync from what it holds."""

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("the audit chain cannot be written")

    async def scenario() -> None:
        hub = Hub(services, broker, settings=HubSettings(poll_every=60))
        conn = await _joined(hub, pid(services, "k.reyes"))
        author = pid(services, "j.lindqvist")
        first = services.run(items.post_item, "bcc-yokota", label=REL, text="x", actor=author)
        assert [protocol_cursor(m) for m in await _take(conn, 1)] == [first.seq]
        recorded = services.run(get_receivers, first.seq)
        assert recorded == {pid(services, "k.reyes")}
        monkeypatch.setattr(hub_module, "record_deliveries", broken)
        services.run(items.post_item, "bcc-yokota", label=REL, text="y", actor=author)
        message = await asyncio.wait_for(conn.next(), 5)
        assert message is not None
        assert protocol.json.loads(message) == {
            "type": "resync",
            "cursor": first.seq,
            "reason": "audit",
        }
        assert await conn.next() is None
        await hub.close()

    run_async(scenario)


def test_losing_standing_closes_and_a_new_join_is_refused(
    services: Services, broker: LocalBroker
) -> None:
    async def scenario() -> None:
        hub = Hub(services, broker, settings=HubSettings(poll_every=60))
        ended: list[tuple[str, str]] = []
        hub.on_lost_standing = lambda person, reason: ended.append((person, reason))
        ogawa = pid(services, "d.ogawa")
        conn = await _joined(hub, ogawa)
        grant = services.run(clearances.list_clearances, ogawa)[-1]
        kaneda = pid(services, "so.kaneda")
        services.run(clearances.revoke_clearance, grant.id, actor=kaneda, reason="test")
        message = await asyncio.wait_for(conn.next(), 5)
        assert message == protocol.closed_message("access ended")
        assert await conn.next() is None
        await asyncio.sleep(0.05)  # the hook runs in an executor
        assert ended == [(ogawa, "clearance revoked")]
        with pytest.raises(Unauthenticated):
            await _joined(hub, ogawa)
        await hub.close()

    run_async(scenario)


def protocol_cursor(message: str) -> int:
    cursor: int = protocol.json.loads(message)["cursor"]
    return cursor


# -- messages --------------------------------------------------------------------------------


def test_feed_items_have_the_api_shape() -> None:
    item = Item(
        "01J",
        "node",
        7,
        "body",
        "author",
        "org",
        REL,
        Mode.EXERCISE,
        datetime(2026, 2, 20, 9, 0, 1, 250, tzinfo=UTC),
        paragraphs=(Paragraph("(S//REL TO USA, JPN)", "text"),),
        supersedes="01H",
    )
    assert protocol.item_fields(item) == item_out(item).model_dump(mode="json")


@pytest.mark.parametrize(
    "text", ["", "[]", '{"type": "ack"}', '{"type": "ack", "cursor": -1}', '{"type": "x"}']
)
def test_bad_client_messages_are_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput):
        protocol.parse_client_message(text)


def test_client_messages() -> None:
    assert protocol.parse_client_message('{"type": "ack", "cursor": 5}') == protocol.Ack(5)
    assert protocol.parse_client_message('{"type": "ping"}') is None
