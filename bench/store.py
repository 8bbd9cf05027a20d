"""Durable item posts per second through the services (group commit, audit records
included) on SQLite and PostgreSQL, each beside the raw insert rate of the same engine.

    .venv/bin/python bench/store.py [--json] [--items N]

The PostgreSQL part starts its own throwaway cluster (durable: fsync on), like the tests.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bcm.bootstrap import init_database, open_services
from bcm.domain.model import Item
from bcm.services import bodies, items, people
from bcm.storage.engine import open_engine
from bcm.testing.pgcluster import running_cluster

CHART = (Path(__file__).resolve().parents[1] / "examples" / "org-chart.yaml").read_text()
LABEL = "SECRET//REL TO USA, JPN"
BATCH = 256


def posts_per_second(url: str, count: int) -> tuple[float, float]:
    """Post ``count`` items as a watch officer to a center, all submitted at once; returns
    items per second and this process's CPU microseconds per item (which, unlike the wall
    rate, says little about other load on the machine)."""
    init_database(url, org_chart=CHART, reset=True)
    services = open_services(url)
    try:
        actor = services.run(people.get_person, "k.reyes").id
        body = services.run(bodies.get_body, "bcc-yokota").id
        services.run(items.post_item, body, actor=actor, label=LABEL, text="warm-up")
        start, cpu = time.perf_counter(), time.process_time()
        futures: list[Future[Item]] = [
            services.submit(items.post_item, body, actor=actor, label=LABEL, text=f"report {n}")
            for n in range(count)
        ]
        for future in futures:
            future.result()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        return count / wall, cpu / count * 1e6
    finally:
        services.close()


def raw_per_second(url: str, count: int) -> float:
    """Plain inserts of item-sized rows, committed every ``BATCH`` rows, same engine."""
    engine = open_engine(url)
    row = {"id": "", "body": "b" * 36, "label": LABEL, "text": "report", "seq": 0}
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS raw_items"))
            conn.execute(
                text(
                    "CREATE TABLE raw_items (id VARCHAR(36) PRIMARY KEY, seq BIGINT, "
                    "body VARCHAR(36), label TEXT, text TEXT)"
                )
            )
        insert = text("INSERT INTO raw_items VALUES (:id, :seq, :body, :label, :text)")
        start = time.perf_counter()
        for first in range(0, count, BATCH):
            rows = [{**row, "id": f"{n:036d}", "seq": n} for n in range(first, first + BATCH)]
            with engine.begin() as conn:
                conn.execute(insert, rows)
        return count / (time.perf_counter() - start)
    finally:
        engine.dispose()


def calibration_ms() -> float:
    """Best of five runs of a fixed pure-Python loop: a busier or slower core shows higher."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        sum(n * n for n in range(200_000))
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main(argv: list[str] | None = None) -> None:
    """Run both engines and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--items", type=int, default=10_000)
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"items": args.items, "calibration_ms": round(calibration_ms(), 1)}
    with tempfile.TemporaryDirectory(prefix="bcm-bench-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        rate, cpu = posts_per_second(url, args.items)
        results["sqlite_items_per_s"], results["sqlite_cpu_us_per_item"] = round(rate), round(cpu)
        results["sqlite_raw_per_s"] = round(raw_per_second(url, args.items * 4))
    with running_cluster(durable=True) as cluster:
        url = cluster.create_database("bench")
        rate, cpu = posts_per_second(url, args.items)
        results["postgres_items_per_s"], results["postgres_cpu_us_per_item"] = (
            round(rate),
            round(cpu),
        )
        results["postgres_raw_per_s"] = round(raw_per_second(url, args.items * 4))
    if args.json:
        json.dump(results, sys.stdout)
        print()
        return
    print(f"calibration loop: {results['calibration_ms']} ms (higher = busier or slower core)")
    print(f"items posted through the services, audit rows included ({args.items} each):")
    for engine in ("sqlite", "postgres"):
        print(
            f"  {engine:9} {results[f'{engine}_items_per_s']:>8,} items/s"
            f" ({results[f'{engine}_cpu_us_per_item']} µs CPU each)"
            f"   raw inserts ({BATCH}/commit): {results[f'{engine}_raw_per_s']:>9,} rows/s"
        )


if __name__ == "__main__":
    main()
