"""Choosing the broker for a database URL, and the shutdown path of a process's feed."""

from __future__ import annotations

from bcm.feed.broker import Broker, LocalBroker


def open_broker(url: str) -> Broker:
    """PostgreSQL LISTEN/NOTIFY for a PostgreSQL database (several server processes may
    share it); the in-process broker for SQLite and memory (one process owns the file)."""
    if url.startswith(("postgresql", "postgres://")):
        from bcm.feed.postgres import PostgresBroker

        return PostgresBroker(url)
    return LocalBroker()
