"""Audit verification rate and access-aware search latency.

    .venv/bin/python bench/audit.py [--json] [--items N] [--queries Q] [--postgres]

Builds a node (SQLite by default; with --postgres also a throwaway durable PostgreSQL
cluster) holding N items (default 100,000) posted through the services — each with its
audit record — plus signed checkpoints, then measures:

- verification: ``verify_database`` over the whole chain (every column, chain link,
  signature, anchor, the items table), records per second of wall time and of CPU time
  (its worker process's included);
- search: ``search_items`` latency (through the writer: the search's audit record is
  committed before it returns) as several readers with different clearances and bodies;
  typical queries (one or two words drawn uniformly from the 5,000-word vocabulary; the
  items' words are Zipf-distributed) and broad ones (the most frequent words, which match
  a third to two thirds of all items); p50, p99 and max.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from bcm.audit.node import take_checkpoint
from bcm.audit.verify import verify_database
from bcm.bootstrap import init_database, open_services
from bcm.domain.model import Item
from bcm.services import people
from bcm.services.core import Services
from bcm.services.items import post_item
from bcm.services.search import search_items
from bcm.testing.pgcluster import running_cluster

CHART = (Path(__file__).resolve().parents[1] / "examples" / "org-chart.yaml").read_text()
POSTS = (
    ("k.reyes", "bcc-yokota", "SECRET//REL TO USA, JPN"),
    ("k.reyes", "jcg-technical", "UNCLASSIFIED//FOUO"),
    ("p.nguyen", "intel-us", "TOP SECRET//SI//NOFORN"),
    ("p.nguyen", "intel-bilateral", "SECRET//REL TO USA, JPN"),
    ("d.ogawa", "bcc-mod", "SECRET//REL TO USA, JPN"),
    ("r.alvarez", "policy-committee", "SECRET//REL TO USA, JPN"),
)
READERS = ("k.reyes", "p.nguyen", "d.ogawa", "t.aoki", "r.alvarez")
VOCABULARY = [f"w{n:04d}" for n in range(5000)]
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def text(rng: random.Random) -> str:
    """About ten words, Zipf-distributed: a few are everywhere, most are rare."""
    return " ".join(rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(6, 14)))


def build(url: str, count: int, key: Path) -> Services:
    """Initialize ``url`` and post ``count`` items, a checkpoint every 10,000."""
    init_database(url, org_chart=CHART, reset=True, key_file=str(key))
    services = open_services(url)
    rng = random.Random(1)
    actors = {login: services.run(people.get_person, login).id for login, _, _ in POSTS}
    for start in range(0, count, 10_000):
        futures: list[Future[Item]] = []
        for _ in range(min(10_000, count - start)):
            login, body, label = rng.choice(POSTS)
            futures.append(
                services.submit(post_item, body, actor=actors[login], label=label, text=text(rng))
            )
        for future in futures:
            future.result()
        take_checkpoint(services, url, key)
    return services


def verification(url: str, key: Path) -> dict[str, float]:
    """Records per second over the whole chain (best of three), by the wall clock and by
    CPU time (which says less about other load on the machine): this process's and that of
    the worker process verification starts for a long SQLite chain."""
    best, best_cpu, records = float("inf"), float("inf"), 0
    for _ in range(3):
        start, cpu = time.perf_counter(), _cpu()
        report = verify_database(url, key_file=key)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, _cpu() - cpu)
        if not report.ok:
            raise SystemExit(f"verification failed: {report.problem}")
        records = report.records
    return {
        "records": records,
        "seconds": best,
        "records_per_second": records / best,
        "records_per_cpu_second": records / best_cpu,
    }


def _cpu() -> float:
    """CPU seconds of this process and of its finished child processes."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def search_latency(services: Services, queries: int) -> dict[str, Any]:
    """Latency of ``queries`` typical searches — one or two words drawn uniformly from the
    vocabulary — and of 50 broad ones (each of the five most frequent words, which appear in
    a third to two thirds of all items), by the readers in turn."""
    rng = random.Random(2)
    actors = [services.run(people.get_person, login).id for login in READERS]
    for actor in actors:  # warm caches (policy, SQLite pages)
        services.run(search_items, "w0000", actor=actor)
    typical = [" ".join(rng.sample(VOCABULARY, 1 + n % 2)) for n in range(queries)]
    broad = [VOCABULARY[n % 5] for n in range(50)]
    return {
        "typical": _timed(services, actors, typical),
        "broad": _timed(services, actors, broad),
    }


def _timed(services: Services, actors: list[str], queries: list[str]) -> dict[str, Any]:
    times, counts = [], []
    for n, query in enumerate(queries):
        start = time.perf_counter()
        result = services.run(search_items, query, actor=actors[n % len(actors)])
        times.append((time.perf_counter() - start) * 1000)
        counts.append(result.count)
    times.sort()
    return {
        "queries": len(queries),
        "p50_ms": statistics.median(times),
        "p99_ms": times[max(0, int(len(times) * 0.99) - 1)],
        "max_ms": times[-1],
        "median_results": statistics.median(counts),
        "max_results": max(counts),
    }


def measure(url: str, count: int, queries: int, workdir: Path) -> dict[str, Any]:
    """Build, then measure verification and search on ``url``."""
    key = workdir / "bench.key"
    start = time.perf_counter()
    services = build(url, count, key)
    built = time.perf_counter() - start
    try:
        found = {"items": count, "build_seconds": built}
        found["verify"] = verification(url, key)
        found["search"] = search_latency(services, queries)
        return found
    finally:
        services.close()


def report(engine: str, found: dict[str, Any]) -> None:
    """Print one engine's figures."""
    verify, search = found["verify"], found["search"]
    print(f"{engine}: {found['items']:,} items built in {found['build_seconds']:.1f} s")
    print(
        f"  verify  {verify['records']:,} records in {verify['seconds']:.2f} s = "
        f"{verify['records_per_second']:,.0f} records/s (target >= 50,000); "
        f"{verify['records_per_cpu_second']:,.0f} per CPU second"
    )
    for kind in ("typical", "broad"):
        found_kind = search[kind]
        print(
            f"  search  {found_kind['queries']} {kind} queries: p50 {found_kind['p50_ms']:.2f} ms, "
            f"p99 {found_kind['p99_ms']:.2f} ms, max {found_kind['max_ms']:.2f} ms; results per "
            f"query median {found_kind['median_results']:.0f}, max {found_kind['max_results']}"
        )
    print("  (target: search p99 <= 20 ms over 100,000 items)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--postgres", action="store_true", help="also measure PostgreSQL")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    results: dict[str, Any] = {"machine": "2 cores, Python 3.11", "load_average": load}
    with tempfile.TemporaryDirectory(prefix="bcm-bench-audit-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'bench.db'}"
        results["sqlite"] = measure(url, args.items, args.queries, workdir)
        if args.postgres:
            with running_cluster(durable=True) as cluster:
                pg = cluster.create_database("bench_audit")
                results["postgres"] = measure(pg, args.items, args.queries, workdir)
    if args.json:
        json.dump(results, sys.stdout, indent=2)
        print()
        return
    print(f"machine: 2 cores, Python 3.11; load average at start {load:.1f}")
    for engine in ("sqlite", "postgres"):
        if engine in results:
            report(engine, results[engine])


if __name__ == "__main__":
    main()
