"""The feed's side of the services' ``Publisher`` port: turns committed events into one
broker announcement per unit of work (the newest item cursor, or 0 for other changes)."""

from __future__ import annotations

from collections.abc import Sequence

from bcm.domain.events import Event, ItemPosted
from bcm.feed.broker import Broker


class FeedPublisher:
    """Called from the writer thread after commit; never blocks."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker

    def publish(self, events: Sequence[Event]) -> None:
        """Announce the unit of work's newest item cursor (0: something else changed)."""
        if not events:  # a read: nothing to announce (the feed's own reads are such units)
            return
        seqs = [e.seq for e in events if isinstance(e, ItemPosted)]
        self.broker.announce(max(seqs, default=0))
