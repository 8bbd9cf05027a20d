"""Failed-login rate limit per client address: a sliding window kept in memory.

The per-account lockout lives in the database (every server process sees it); this limit
only slows one address guessing across many accounts, so per-process memory is enough.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from bcm.domain.clock import Clock


class FailureRateLimit:
    """At most ``limit`` failed logins per ``window`` from one address."""

    def __init__(
        self,
        clock: Clock,
        *,
        limit: int = 20,
        window: timedelta = timedelta(minutes=1),
        max_addresses: int = 10_000,
    ) -> None:
        self._clock = clock
        self._limit = limit
        self._window = window
        self._max_addresses = max_addresses
        self._failures: dict[str, deque[datetime]] = {}

    def _recent(self, address: str) -> deque[datetime]:
        times = self._failures.get(address, deque())
        horizon = self._clock.now() - self._window
        while times and times[0] <= horizon:
            times.popleft()
        return times

    def blocked(self, address: str) -> bool:
        """True when ``address`` has used up its failures for the current window."""
        return len(self._recent(address)) >= self._limit

    def record_failure(self, address: str) -> None:
        """Count one failed login from ``address``."""
        if len(self._failures) >= self._max_addresses and address not in self._failures:
            self._failures.clear()  # bounded memory under a spray of addresses
        times = self._recent(address)
        times.append(self._clock.now())
        self._failures[address] = times
