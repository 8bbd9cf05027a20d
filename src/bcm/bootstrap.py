"""The composition root: wires a store, a clock and a publisher into :class:`Services`.

Everything else (CLI, web, feed, bench) gets its services here::

    services = open_services("sqlite:///bcm.db", publisher=my_feed)
    item = services.run(items.post_item, "watch-yokota", label="SECRET", text="...",
                        actor=person_id)
    ...
    services.close()
"""

from __future__ import annotations

import os

from bcm.audit.node import install_key
from bcm.domain.clock import Clock
from bcm.domain.events import Publisher
from bcm.services.core import Services
from bcm.services.orgchart import ChartSummary, load_org_chart
from bcm.storage.engine import initialize, open_engine
from bcm.storage.groupcommit import SqlStore
from bcm.storage.memory import MemoryStore

DEFAULT_DATABASE = "sqlite:///bcm.db"


def database_url(explicit: str | None = None) -> str:
    """``explicit``, else ``$BCM_DATABASE``, else ``sqlite:///bcm.db`` in the current directory."""
    return explicit or os.environ.get("BCM_DATABASE") or DEFAULT_DATABASE


def open_services(
    url: str | None = None,
    *,
    publisher: Publisher | None = None,
    clock: Clock | None = None,
    max_batch: int = 256,
) -> Services:
    """Services over an initialized database (``memory:`` for a throwaway in-memory store)."""
    resolved = database_url(url)
    if resolved == "memory:":
        return Services(MemoryStore(publisher=publisher), clock)
    store = SqlStore(resolved, publisher=publisher, max_batch=max_batch)
    return Services(store, clock)


def init_database(
    url: str | None = None,
    *,
    org_chart: str | None = None,
    reset: bool = False,
    clock: Clock | None = None,
    key_file: str | None = None,
) -> tuple[str, ChartSummary | None]:
    """``bcm init``: create the schema and node id, then load ``org_chart`` (YAML text).

    The node's audit key is generated (or an existing ``key_file`` reused, see
    ``bcm.audit.keys``) and registered as the chain's first record.
    A bad chart leaves an initialized, empty database and raises the chart's error; it is
    parsed before anything is created, so the usual bad input writes nothing at all.
    """
    resolved = database_url(url)
    if org_chart is not None:
        _dry_run(org_chart, clock)
    engine = open_engine(resolved)
    try:
        node = initialize(engine, reset=reset)
    finally:
        engine.dispose()
    services = open_services(resolved, clock=clock)
    try:
        # The node key signs audit checkpoints; its public half is the chain's first record.
        install_key(services, resolved, key_file)
        if org_chart is None:
            return node, None
        return node, services.run(load_org_chart, org_chart)
    finally:
        services.close()


def _dry_run(org_chart: str, clock: Clock | None) -> None:
    """Load the chart into a throwaway memory store: every error surfaces before the real
    database is touched."""
    services = Services(MemoryStore(), clock)
    services.run(load_org_chart, org_chart)
