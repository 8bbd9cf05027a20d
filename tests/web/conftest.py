"""Fixtures of the web tests: a live server per test (state-changing tests) or per module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.server import LiveServer, live_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh server of one's own."""
    with live_server(tmp_path) as live:
        yield live


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server shared by a module's read-mostly tests."""
    with live_server(tmp_path_factory.mktemp("web")) as live:
        yield live
