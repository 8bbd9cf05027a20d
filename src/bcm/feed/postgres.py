"""PostgreSQL LISTEN/NOTIFY: several server processes on one database act as one feed.

The writer thread hands each announcement to a sender thread (a NOTIFY costs a round trip,
and the writer must not wait for it); the sender NOTIFYs channel ``bcm_feed`` with the
sequence number as the payload. A listener thread holds a LISTEN connection and calls the
local listeners with every payload, its own process's included — harmless, since a hub
ignores numbers it has already read past. Local listeners are also called directly, so a
process does not wait for the round trip to learn about its own commits.

Both threads reconnect after a lost connection; a hub also re-reads the tables on every
heartbeat, so an announcement lost while reconnecting only delays deliveries.
"""

from __future__ import annotations

import logging
import queue
import threading
import time

import psycopg

from bcm.feed.broker import Listener, LocalBroker

CHANNEL = "bcm_feed"
log = logging.getLogger(__name__)


def libpq_url(url: str) -> str:
    """A SQLAlchemy-style PostgreSQL URL as libpq accepts it."""
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


class PostgresBroker:
    """The broker over PostgreSQL LISTEN/NOTIFY (module docstring)."""

    def __init__(self, url: str, *, retry_after: float = 0.5) -> None:
        self._url = libpq_url(url)
        self._local = LocalBroker()
        self._outbox: queue.SimpleQueue[int | None] = queue.SimpleQueue()
        self._stop = threading.Event()
        self._retry_after = retry_after
        self._listening = threading.Event()
        self._sender = threading.Thread(target=self._send_loop, name="bcm-notify", daemon=True)
        self._listener = threading.Thread(target=self._listen_loop, name="bcm-listen", daemon=True)
        self._sender.start()
        self._listener.start()

    def wait_listening(self, timeout: float = 10.0) -> bool:
        """Block until the LISTEN connection is up (tests, start-up)."""
        return self._listening.wait(timeout)

    def announce(self, seq: int) -> None:
        """Wake local listeners now; NOTIFY the other processes from the sender thread."""
        self._local.announce(seq)
        self._outbox.put(seq)

    def listen(self, listener: Listener) -> None:
        """Call ``listener`` on local announcements and on every NOTIFY received."""
        self._local.listen(listener)

    def close(self) -> None:
        """Stop both threads."""
        self._stop.set()
        self._outbox.put(None)
        self._sender.join(timeout=5)
        self._listener.join(timeout=5)
        self._local.close()

    # -- threads ------------------------------------------------------------------------------
    def _send_loop(self) -> None:
        conn: psycopg.Connection[object] | None = None
        while True:
            seq = self._outbox.get()
            if seq is None:
                break
            try:
                conn = conn if conn is not None and not conn.closed else self._connect()
                conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(seq)))
            except psycopg.Error:
                log.warning("feed NOTIFY failed; reconnecting", exc_info=True)
                conn = None
        if conn is not None:
            conn.close()

    def _listen_loop(self) -> None:
        while not self._stop.is_set():
            try:
                with self._connect() as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._local.announce(_seq_of(note.payload))
            except psycopg.Error:
                self._listening.clear()
                log.warning("feed LISTEN connection lost; reconnecting", exc_info=True)
                time.sleep(self._retry_after)

    def _connect(self) -> psycopg.Connection[object]:
        conn: psycopg.Connection[object] = psycopg.connect(self._url, autocommit=True)
        return conn


def _seq_of(payload: str) -> int:
    try:
        return int(payload)
    except ValueError:  # not ours, or garbled: treat as "something moved"
        return 0
