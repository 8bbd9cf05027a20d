"""The PostgreSQL harness itself: a real server, real databases, templates."""

from __future__ import annotations

import psycopg
import pytest

from bcm.testing.pgcluster import PgCluster

pytestmark = pytest.mark.postgres


def test_fresh_databases_are_separate(pg_cluster: PgCluster) -> None:
    first, second = pg_cluster.create_database(), pg_cluster.create_database()
    assert first != second
    with psycopg.connect(first, autocommit=True) as conn:
        conn.execute("CREATE TABLE t (x int)")
    with psycopg.connect(second) as conn:
        found = conn.execute("SELECT to_regclass('public.t')").fetchone()
    assert found == (None,)


def test_template_copies_schema_and_rows(pg_cluster: PgCluster) -> None:
    def prepare(url: str) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE t (x int)")
            conn.execute("INSERT INTO t VALUES (7)")

    template = pg_cluster.create_template("tmpl_harness", prepare)
    url = pg_cluster.create_database(template=template)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [(7,)]


def test_listens_on_loopback_only(pg_cluster: PgCluster) -> None:
    with psycopg.connect(pg_cluster.url()) as conn:
        row = conn.execute("SHOW listen_addresses").fetchone()
    assert row == ("127.0.0.1",)
