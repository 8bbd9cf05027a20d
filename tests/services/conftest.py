"""Services over each backend, loaded with the example org chart, on a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bcm.domain.clock import FakeClock
from bcm.domain.events import RecordingPublisher
from bcm.services import people
from bcm.services.core import Services
from tests.storage.backends import StoreFactory


@dataclass
class World:
    """Services with the example chart loaded, its clock and its published events."""

    services: Services
    clock: FakeClock
    events: RecordingPublisher

    def id(self, login: str) -> str:
        """A person's id by login."""
        return self.services.run(people.get_person, login).id

    def run(self, op: Callable[..., object], *args: object, **kwargs: object) -> object:
        """Run an operation, blocking."""
        return self.services.run(op, *args, **kwargs)


@pytest.fixture
def world(make_store: StoreFactory) -> World:
    """A fresh world on the current backend."""
    events = RecordingPublisher()
    clock = FakeClock()
    services = Services(make_store(events, chart=True), clock)
    events.events.clear()
    return World(services, clock, events)
