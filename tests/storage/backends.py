"""Fixtures that give a fresh, initialized store on each backend: memory, SQLite (a copy of
a migrated template file) and PostgreSQL (a database cloned from a migrated template on the
session's throwaway cluster). Imported by the conftest files of the data-plane tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bcm.domain.clock import FakeClock
from bcm.domain.events import Publisher
from bcm.services.core import Services
from bcm.services.orgchart import load_org_chart
from bcm.storage.engine import initialize, open_engine
from bcm.storage.groupcommit import SqlStore
from bcm.storage.memory import MemoryStore
from bcm.storage.port import Store
from bcm.testing.pgcluster import PgCluster

BACKENDS = [
    pytest.param("memory"),
    pytest.param("sqlite"),
    pytest.param("postgres", marks=pytest.mark.postgres),
]
SQL_BACKENDS = [p for p in BACKENDS if p.values[0] != "memory"]

StoreFactory = Callable[..., Store]


CHART = (Path(__file__).parents[1] / "data" / "dataplane" / "org-chart.yaml").read_text()


def _initialize(url: str) -> None:
    engine = open_engine(url)
    try:
        initialize(engine)
    finally:
        engine.dispose()


def _initialize_with_chart(url: str) -> None:
    """Initialize and load the example chart (on the fake clock's default time)."""
    _initialize(url)
    services = Services(SqlStore(url), FakeClock())
    try:
        services.run(load_org_chart, CHART)
    finally:
        services.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file to copy from."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    _initialize(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def sqlite_chart_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the example chart loaded."""
    path = tmp_path_factory.mktemp("template") / "chart.db"
    _initialize_with_chart(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> str:
    """A migrated PostgreSQL template database."""
    return pg_cluster.create_template(f"bcm_template_{os.getpid()}", _initialize)


@pytest.fixture(scope="session")
def pg_chart_template(pg_cluster: PgCluster) -> str:
    """A migrated PostgreSQL template database with the example chart loaded."""
    return pg_cluster.create_template(f"bcm_chart_{os.getpid()}", _initialize_with_chart)


@pytest.fixture
def make_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., str]:
    """``make_url(backend, chart=False)``: the URL of a fresh initialized database on
    ``backend`` (``memory:`` for memory), with the example chart loaded if ``chart``."""
    serial = iter(range(1_000_000))

    def make(backend: str, chart: bool = False) -> str:
        if backend == "memory":
            return "memory:"
        if backend == "sqlite":
            path = tmp_path / f"bcm-{next(serial)}.db"
            template = "sqlite_chart_template" if chart else "sqlite_template"
            shutil.copyfile(request.getfixturevalue(template), path)
            return f"sqlite:///{path}"
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        template = "pg_chart_template" if chart else "pg_template"
        return cluster.create_database(template=request.getfixturevalue(template))

    return make


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend in turn."""
    return str(request.param)


@pytest.fixture
def make_store(backend: str, make_url: Callable[..., str]) -> Iterator[StoreFactory]:
    """``make_store(publisher=None, chart=False)``: a fresh store on the current backend
    (with the example chart loaded if ``chart``), closed after the test."""
    opened: list[Store] = []

    def make(publisher: Publisher | None = None, *, chart: bool = False) -> Store:
        url = make_url(backend, chart)
        store: Store
        if url == "memory:":
            store = MemoryStore(publisher=publisher)
            if chart:
                Services(store, FakeClock()).run(load_org_chart, CHART)
        else:
            store = SqlStore(url, publisher=publisher)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> Store:
    """A fresh store on the current backend."""
    return make_store()
