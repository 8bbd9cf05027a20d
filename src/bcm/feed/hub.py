"""The hub: one per server process. It reads what the tables gained (never trusting a
notification for content), decides recipients with the access policy, and fans each item
out to the bounded queues of its connections, in global sequence order.

Everything here runs on the server's event loop; the broker's listener threads only poke it
through ``call_soon_threadsafe``. Reads go through the services (the writer thread), one at
a time: pokes that arrive while a read is under way coalesce into the next read, so under
load one unit of work carries many items.

Joining is part of that same read: a connection's person is loaded in the transaction that
reads the items it will first receive live, so no change to their clearance can slip between
"who they are" and "what they get". The connection then receives live every item after the
hub's cursor at that moment (``live_from``); the web layer replays the items before it.

Who is handed which item is recorded in the audit chain *before* anything is handed: each
read's deliveries are worked out, committed as one ``feed.delivered`` record, and only then
queued to the connections. A crash can therefore lose a delivery, never the record of one;
if the record cannot be written, nothing is handed and the connections concerned are told
to resync from what they hold.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bcm.domain.model import Body, Item
from bcm.errors import Unauthenticated
from bcm.feed import protocol
from bcm.feed.audience import Audience
from bcm.feed.broker import Broker
from bcm.feed.connection import Connection
from bcm.feed.operations import Changes, Standing, get_tails, read_changes, record_deliveries
from bcm.services.core import Services

log = logging.getLogger(__name__)
LostStandingHook = Callable[[str, str], None]
_Offer = tuple[Connection, int, str]  # a connection, an item's cursor, its encoded message
SERVER_STOPPING = "server stopping"  # why connections end when the hub closes


@dataclass(frozen=True, slots=True)
class HubSettings:
    """Tunables: queue bound per connection, acknowledgment flush period, safety poll
    period, heartbeat period."""

    queue_limit: int = 1024
    flush_every: float = 1.0
    poll_every: float = 5.0
    heartbeat: float = 15.0


class Hub:
    """See the module docstring."""

    def __init__(
        self,
        services: Services,
        broker: Broker,
        *,
        settings: HubSettings | None = None,
        fields: protocol.ItemEncoder = protocol.item_fields,
        on_lost_standing: LostStandingHook | None = None,
    ) -> None:
        self.services = services
        self.broker = broker
        self.settings = settings or HubSettings()
        self.cursor = 0
        self.fields = fields
        self.on_lost_standing = on_lost_standing
        self._audience = Audience(services.clock)
        self._audit_cursor = 0
        self._by_person: dict[str, set[Connection]] = defaultdict(set)
        self._joining: dict[Connection, asyncio.Future[int]] = {}
        self._acks: dict[str, int] = {}
        self._unrecorded_acks: dict[str, int] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started: asyncio.Future[None] | None = None
        self._dirty = False
        self._reader: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False

    # -- life cycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Bind to the running loop and read the tables' tails (idempotent)."""
        if self._started is None:
            self._loop = asyncio.get_running_loop()
            self._started = self._loop.create_future()
            try:
                self.cursor, self._audit_cursor = await self._run(get_tails)
            except BaseException as error:
                self._started.set_exception(error)
                self._started = None
                raise
            self.broker.listen(self._heard)
            self._tasks = [
                asyncio.create_task(self._every(self.settings.flush_every, self.flush)),
                asyncio.create_task(self._every(self.settings.poll_every, self._poll)),
            ]
            self._started.set_result(None)
        await asyncio.shield(self._started)

    async def close(self) -> None:
        """End every connection and write the last audit batch."""
        self._closed = True
        for task in self._tasks:
            task.cancel()
        for conns in list(self._by_person.values()):
            for conn in list(conns):
                conn.finish(protocol.closed_message(SERVER_STOPPING), SERVER_STOPPING)
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        await self.flush()

    def close_after_loop(self) -> None:
        """Shutdown once the event loop has stopped: record the last acknowledgments, stop
        the broker."""
        self._closed = True
        acks = dict(self._unrecorded_acks)
        self._unrecorded_acks.clear()
        if acks:
            try:
                self.services.run(record_deliveries, {}, acks)
            except Exception:
                log.exception("last feed audit batch failed")
        self.broker.close()

    # -- connections ----------------------------------------------------------------------
    async def join(self, conn: Connection) -> int:
        """Register ``conn``; returns ``live_from``. Raises :class:`Unauthenticated` when the
        person may not use BCM now."""
        await self.start()
        assert self._loop is not None
        joined: asyncio.Future[int] = self._loop.create_future()
        self._joining[conn] = joined
        self._poke(0)
        return await joined

    def leave(self, conn: Connection) -> None:
        """Forget ``conn`` (its socket closed)."""
        self._joining.pop(conn, None)
        conns = self._by_person.get(conn.person)
        if conns is None:
            return
        conns.discard(conn)
        if not conns:
            del self._by_person[conn.person]
            self._audience.drop(conn.person)

    def acknowledge(self, conn: Connection, cursor: int) -> None:
        """Record that ``conn``'s client holds everything it is owed up to ``cursor``."""
        cursor = min(cursor, conn.handed)  # nobody acknowledges what was never sent
        if cursor > conn.acked:
            conn.acked = cursor
            key = conn.subscriber
            self._acks[key] = self._unrecorded_acks[key] = max(cursor, self._acks.get(key, 0))

    def acknowledged(self, subscriber: str) -> int:
        """The highest cursor ``subscriber`` (``person/client``) confirmed, in this process."""
        return self._acks.get(subscriber, 0)

    def connections(self, person: str | None = None) -> list[Connection]:
        """Live connections (of ``person``)."""
        if person is not None:
            return list(self._by_person.get(person, ()))
        return [c for conns in self._by_person.values() for c in conns]

    # -- reading the tables -----------------------------------------------------------------
    def _heard(self, seq: int) -> None:
        """From any thread: the tables moved."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._poke, seq)

    def _poke(self, seq: int) -> None:
        if self._closed or (seq and seq <= self.cursor and not self._joining):
            return
        self._dirty = True
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read_loop())

    async def _poll(self) -> None:
        self._poke(0)

    async def _read_loop(self) -> None:
        while self._dirty and not self._closed:
            self._dirty = False
            joining = dict(self._joining)
            people = frozenset(c.person for c in joining)
            try:
                changes = await self._run(
                    read_changes,
                    after_item=self.cursor,
                    after_audit=self._audit_cursor,
                    subscribers=self._audience.people() | people,
                    reload=people,
                )
            except Exception:
                log.exception("feed read failed; retrying at the next poll")
                return
            await self._hand(self._apply(changes, joining))
            self._dirty = self._dirty or changes.more

    def _apply(
        self, changes: Changes, joining: dict[Connection, asyncio.Future[int]]
    ) -> list[_Offer]:
        """Take in a read: standings, joiners, the cursors; returns the items to hand out."""
        for standing in changes.standings:
            self._restand(standing)
        for conn, joined in joining.items():
            self._admit(conn, joined, changes)
        offers: list[_Offer] = []
        for item in changes.items:
            body = changes.bodies.get(item.body)
            if body is not None:
                offers.extend(self._recipients(item, body))
        self.cursor = changes.item_cursor
        self._audit_cursor = changes.audit_cursor
        return offers

    def _restand(self, standing: Standing) -> None:
        if standing.subject is None or standing.problem is not None:
            reason = standing.problem or "person removed"
            conns = list(self._by_person.get(standing.person, ()))
            for conn in conns:
                conn.finish(protocol.closed_message("access ended"), reason)
            self._audience.drop(standing.person)
            if conns and self.on_lost_standing is not None and self._loop is not None:
                # End their sessions and tokens too; blocking I/O, so off the event loop.
                self._loop.run_in_executor(None, self.on_lost_standing, standing.person, reason)
            return
        if standing.person in self._by_person or any(
            c.person == standing.person for c in self._joining
        ):
            self._audience.put(standing.subject)

    def _admit(self, conn: Connection, joined: asyncio.Future[int], changes: Changes) -> None:
        del self._joining[conn]
        if joined.done():  # the joiner went away meanwhile
            return
        if conn.person not in self._audience:
            joined.set_exception(Unauthenticated("no valid session or token"))
            return
        # Live from here: this read's items (seq > self.cursor) are dispatched right after.
        conn.live_from = max(self.cursor, conn.since or 0)
        conn.handed = self.cursor if conn.since is None else conn.since
        conn.acked = conn.handed
        self._by_person[conn.person].add(conn)
        joined.set_result(self.cursor)

    def _recipients(self, item: Item, body: Body) -> list[_Offer]:
        """Every connection the policy lets have ``item`` and that wants it, in order."""
        offers: list[_Offer] = []
        message: str | None = None
        for person in self._audience.recipients(item, body):
            for conn in self._by_person.get(person, ()):
                if conn.wants(item.seq, item.body):
                    message = message or protocol.item_message(item, self.fields)
                    offers.append((conn, item.seq, message))
        return offers

    async def _hand(self, offers: list[_Offer]) -> None:
        """Record who is handed what (one audit record, committed), then hand it out."""
        if not offers:
            return
        deliveries: dict[str, list[int]] = defaultdict(list)
        for conn, seq, _ in offers:
            seqs = deliveries[conn.person]
            if not seqs or seqs[-1] != seq:
                seqs.append(seq)
        try:
            await self._run(record_deliveries, dict(deliveries), {})
        except Exception:  # no record, no delivery: they resync from what they hold
            log.exception("cannot record feed deliveries; the connections resync")
            for conn in dict.fromkeys(conn for conn, _, _ in offers):
                conn.resync("audit")
            return
        for conn, seq, message in offers:
            conn.offer(seq, message)

    # -- audit ------------------------------------------------------------------------------
    async def flush(self) -> None:
        """Record the acknowledgments batched since the last flush."""
        if not self._unrecorded_acks:
            return
        acks, self._unrecorded_acks = self._unrecorded_acks, {}
        try:
            await self._run(record_deliveries, {}, acks)
        except Exception:
            log.exception("feed audit batch failed; retrying")
            for key, cursor in acks.items():
                self._unrecorded_acks.setdefault(key, cursor)

    # -- helpers ----------------------------------------------------------------------------
    async def _run(self, op: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.wrap_future(self.services.submit(op, *args, **kwargs))

    async def _every(self, seconds: float, action: Callable[[], Any]) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await action()
            except Exception:
                log.exception("feed periodic task failed")
