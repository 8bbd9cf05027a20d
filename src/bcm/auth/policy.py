"""Pure rules for session lifetime and account lockout, over times given by the caller."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """A session ends after ``idle`` without use or ``absolute`` after login, whichever first.

    ``touch_every`` bounds how often last-use is written back: a session used continuously
    costs one write per interval, not one per request.
    """

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(seconds=60)

    def alive(self, *, created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
        """True while neither the idle nor the absolute limit has passed."""
        return now < last_seen_at + self.idle and now < created_at + self.absolute

    def needs_touch(self, *, last_seen_at: datetime, now: datetime) -> bool:
        """True when last use should be written back."""
        return now - last_seen_at >= self.touch_every


@dataclass(frozen=True, slots=True)
class FailureState:
    """Consecutive failed logins of one account and when it is locked until."""

    failures: int = 0
    first_failure_at: datetime | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """``max_failures`` failed logins within ``window`` lock the account for ``lockout``."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    def locked(self, state: FailureState, now: datetime) -> bool:
        """True while a lockout is in force."""
        return state.locked_until is not None and now < state.locked_until

    def after_failure(self, state: FailureState, now: datetime) -> FailureState:
        """The state after one more failure; locks when the count reaches the limit."""
        fresh = state.first_failure_at is None or now - state.first_failure_at > self.window
        if fresh or (state.locked_until is not None and now >= state.locked_until):
            state = FailureState(failures=0, first_failure_at=now)
        failures = state.failures + 1
        if failures >= self.max_failures:
            return FailureState(failures, state.first_failure_at, now + self.lockout)
        return replace(state, failures=failures)

    def newly_locked(self, before: FailureState, after: FailureState, now: datetime) -> bool:
        """True when this failure is the one that locked the account."""
        return self.locked(after, now) and not self.locked(before, now)
