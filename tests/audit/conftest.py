"""Populated databases to tamper with: one golden node per engine (SQLite file, PostgreSQL
template), copied afresh for every example."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bcm.testing.pgcluster import PgCluster
from tests.audit.world import Copy, populate

ENGINES = [pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
Copies = Callable[[str], Copy]


@pytest.fixture(scope="session")
def golden_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Copy:
    """The populated SQLite node."""
    where = tmp_path_factory.mktemp("audit-golden")
    url = f"sqlite:///{where / 'bcm.db'}"
    return Copy(url, where / "node.key", populate(url, where / "node.key"))


@pytest.fixture(scope="session")
def golden_postgres(
    pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Copy]:
    """The populated PostgreSQL node, as a template database (and its key)."""
    key = tmp_path_factory.mktemp("audit-golden-pg") / "node.key"
    counted: list[int] = []
    name = pg_cluster.create_template(
        f"audit_golden_{os.getpid()}", lambda url: counted.append(populate(url, key))
    )
    return name, Copy(pg_cluster.url(name), key, counted[0])


@pytest.fixture(scope="session")
def copies(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Copies:
    """``copies(engine)``: a fresh copy of the golden node on ``engine``."""

    def make(engine: str) -> Copy:
        if engine == "sqlite":
            golden: Copy = request.getfixturevalue("golden_sqlite")
            return _copy_sqlite(golden, tmp_path_factory.mktemp("audit-copy"))
        template, golden = request.getfixturevalue("golden_postgres")
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        return Copy(cluster.create_database(template=template), golden.key_file, golden.records)

    return make


def _copy_sqlite(golden: Copy, where: Path) -> Copy:
    source = sqlite3.connect(golden.url.removeprefix("sqlite:///"))
    target = sqlite3.connect(where / "bcm.db")
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    for suffix in ("", ".witness", ".pub"):
        shutil.copy2(f"{golden.key_file}{suffix}", where / f"node.key{suffix}")
    return Copy(f"sqlite:///{where / 'bcm.db'}", where / "node.key", golden.records)
