"""One subscriber connection's bounded queue.

The hub appends encoded messages without ever waiting; the connection's sender (the web
layer) takes them out and writes them to the socket. When the queue is full the undelivered
messages are discarded and replaced by a single ``resync`` message naming the last cursor
the client was handed, after which the connection ends: a slow client costs the others
nothing, and is never silently skipped.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from bcm.feed import protocol


@dataclass(eq=False, slots=True)
class Connection:
    """A live subscription: whose, to which bodies (None: all), and its queue.

    ``live_from`` is the cursor from which the hub delivers live items (items at or below it
    come from replay); ``handed`` is the cursor of the last item taken by the sender.
    """

    person: str
    client: str
    bodies: frozenset[str] | None
    limit: int
    since: int | None = None
    live_from: int = 0
    handed: int = 0
    acked: int = 0
    ended: str | None = None
    resynced: bool = False  # ended with a resync (the client reconnects from its cursor)
    _queue: deque[tuple[int, str]] = field(default_factory=deque)
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    _finishing: bool = False

    @property
    def subscriber(self) -> str:
        """The key acknowledgments are kept under: person and client name."""
        return f"{self.person}/{self.client}"

    @property
    def backlog(self) -> int:
        """Messages waiting to be sent."""
        return len(self._queue)

    def wants(self, seq: int, body: str) -> bool:
        """Whether a live item at ``seq`` in ``body`` is for this connection."""
        return (
            not self._finishing
            and seq > self.live_from
            and (self.bodies is None or body in self.bodies)
        )

    def offer(self, seq: int, message: str) -> bool:
        """Queue an item message; on overflow switch to resync and return False."""
        if self._finishing:
            return False
        if len(self._queue) >= self.limit:
            self.resync("overflow")
            return False
        self._queue.append((seq, message))
        if len(self._queue) == 1:  # the sender waits only on an empty queue
            self._wakeup.set()
        return True

    def send(self, message: str) -> None:
        """Queue a control message (heartbeat...), which never counts toward the limit."""
        if not self._finishing:
            self._queue.append((0, message))
            self._wakeup.set()

    def resync(self, reason: str) -> None:
        """End with a ``resync`` naming the last cursor the client was handed (``reason``:
        ``overflow``, or ``audit`` when a delivery could not be recorded)."""
        if self._finishing:  # already ending (access ended, server stopping): that stands
            return
        self.finish(protocol.resync_message(self._last_kept(), reason), reason)
        self.resynced = True

    def finish(self, message: str, reason: str) -> None:
        """Discard what is queued, send ``message`` last, then end."""
        if self._finishing:
            return
        self._queue.clear()
        self._queue.append((0, message))
        self._finishing = True
        self.ended = reason
        self._wakeup.set()

    def _last_kept(self) -> int:
        return self.handed

    async def next(self) -> str | None:
        """The next message to send, or None once the connection has ended."""
        while not self._queue:
            if self._finishing:
                return None
            self._wakeup.clear()
            await self._wakeup.wait()
        seq, message = self._queue.popleft()
        if seq:
            self.handed = seq
        return message
