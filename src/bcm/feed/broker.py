"""The broker port: how one process tells every feed hub (its own and, with PostgreSQL, those
of other server processes) that the tables moved.

An announcement carries one number: the newest committed item sequence number of a unit of
work, or 0 when it committed something else (a clearance change, a membership change). It
never carries content or labels: a hub that hears it reads the tables itself
(``bcm.feed.operations.read_changes``), so a lost, duplicated or reordered announcement can
delay a delivery but never drop, duplicate or reorder one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

Listener = Callable[[int], None]


class Broker(Protocol):
    """Announcements between the writer threads and the feed hubs of every process."""

    def announce(self, seq: int) -> None:
        """Tell every listener that the tables moved (called from the writer thread: must
        not block)."""
        ...

    def listen(self, listener: Listener) -> None:
        """Call ``listener(seq)`` (from any thread) on every announcement."""
        ...

    def close(self) -> None:
        """Stop listening and release connections."""
        ...


class LocalBroker:
    """One process: announcements go straight to this process's listeners."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def announce(self, seq: int) -> None:
        """Call every listener at once."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(seq)

    def listen(self, listener: Listener) -> None:
        """Register ``listener``."""
        with self._lock:
            self._listeners.append(listener)

    def close(self) -> None:
        """Forget the listeners."""
        with self._lock:
            self._listeners.clear()
