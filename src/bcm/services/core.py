"""How services run: an operation is a function ``op(tx, *args, actor=..., **kwargs)``;
:class:`Services` submits it to the store as one unit of work.

``Services.run(op, ...)`` blocks until the unit of work has committed and returns its
result (or raises its error); ``Services.submit(op, ...)`` returns a
``concurrent.futures.Future`` at once, which async code awaits with
``await asyncio.wrap_future(services.submit(op, ...))``. The clock is read inside the unit
of work, so "now" is when the work runs, not when it was queued.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from typing import Any, Concatenate, NoReturn, ParamSpec, TypeVar

from bcm.domain.audit import AuditEntry, AuditRecord
from bcm.domain.clock import Clock, SystemClock
from bcm.domain.events import Event
from bcm.domain.ids import new_id
from bcm.errors import BcmError
from bcm.storage.port import Refused, Store, UnitOfWork

P = ParamSpec("P")
T = TypeVar("T")


class Tx:
    """What an operation sees: the unit of work, the time it runs at, and helpers to
    record audit entries and collect events."""

    def __init__(self, uow: UnitOfWork, now: datetime) -> None:
        self.uow = uow
        self.now = now

    @property
    def node(self) -> str:
        """This installation's node id (stamped on every record created here)."""
        return self.uow.node

    def new_id(self) -> str:
        """A fresh time-ordered id."""
        return new_id(int(self.now.timestamp() * 1000))

    def audit(
        self,
        actor: str | None,
        action: str,
        target: str | None,
        *,
        label: str | None = None,
        allowed: bool | None = None,
        reason: str = "",
        detail: dict[str, Any] | None = None,
    ) -> AuditRecord:
        """Append an audit record in this unit of work's transaction."""
        entry = AuditEntry(actor, action, target, self.now, label, allowed, reason, detail or {})
        return self.uow.append_audit(entry)

    def emit(self, event: Event) -> None:
        """Collect ``event``; it is published only after commit."""
        self.uow.events.append(event)

    def refuse(self, error: BcmError) -> NoReturn:
        """Fail the caller with ``error`` but commit what was written (the audit record of a
        denial): raising ``error`` itself would roll the record back."""
        raise Refused(error)


class Services:
    """The wired services: a store and a clock. See the module docstring."""

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()

    @property
    def node(self) -> str:
        """This installation's node id."""
        return self.store.node

    def submit(
        self, op: Callable[Concatenate[Tx, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> Future[T]:
        """Queue ``op(tx, *args, **kwargs)`` as one unit of work; resolved after commit."""

        def unit(uow: UnitOfWork) -> T:
            return op(Tx(uow, self.clock.now()), *args, **kwargs)

        return self.store.submit(unit)

    def run(self, op: Callable[Concatenate[Tx, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``op`` as one unit of work and wait for its commit."""
        return self.submit(op, *args, **kwargs).result()

    def close(self) -> None:
        """Finish queued work and release the store."""
        self.store.close()
