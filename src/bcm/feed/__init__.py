"""The live feed: every item to everyone cleared for it, in global sequence order, once.

- :mod:`bcm.feed.broker` — the broker port and the in-process broker;
  :mod:`bcm.feed.postgres` — PostgreSQL LISTEN/NOTIFY across server processes.
- :mod:`bcm.feed.publisher` — the services' ``Publisher``: one announcement per commit.
- :mod:`bcm.feed.hub` — per process: reads the tables, decides recipients
  (:mod:`bcm.feed.audience`, the one access policy), fans out to bounded queues
  (:mod:`bcm.feed.connection`), batches delivery audit records
  (:mod:`bcm.feed.operations`).
- :mod:`bcm.feed.protocol` — the messages (docs/feed.md).
"""

from __future__ import annotations

from bcm.feed.broker import Broker, LocalBroker
from bcm.feed.connection import Connection
from bcm.feed.hub import Hub, HubSettings
from bcm.feed.publisher import FeedPublisher

__all__ = ["Broker", "Connection", "FeedPublisher", "Hub", "HubSettings", "LocalBroker"]
