"""Pytest fixtures for a real PostgreSQL server: one cluster per test session (per xdist
worker), a fresh database per test, template databases for prepared schemas."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bcm.testing.pgcluster import PgCluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A throwaway PostgreSQL cluster on a free loopback port, torn down at session end."""
    cluster = PgCluster(durable=False).start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> str:
    """URL of a fresh, empty database on the session's cluster."""
    return pg_cluster.create_database()
