"""Telegrams parsed per second on one core, and the cost of the rest of the pipeline.

Runs alone: ``.venv/bin/python bench/cables.py [--json]``. The input is seed-sized telegrams
(the seed 09TOKYO445 is ~12 KB, 17 portion-marked paragraphs): the seed itself and variants
of it with a different post, number and date, so that nothing is served from a cache keyed
on the whole text. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bcm.cables import lint, parse, render, to_json, view
from bcm.markings import Clearance

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "cables" / "000_3f3ff9ff9bfb6ca5.txt"


def variants(count: int) -> list[str]:
    """Seed-sized telegrams that differ in number, post and date."""
    seed = SEED.read_text(encoding="utf-8")
    out = []
    for index in range(count):
        number = 100 + index
        text = seed.replace("TOKYO 000445", f"TOKYO {number:06d}").replace(
            "#0445", f"#{number:04d}"
        )
        out.append(text.replace("262240Z FEB 09", f"{(index % 28) + 1:02d}2240Z FEB 09"))
    return out


def rate(work: Callable[[str], object], texts: list[str], seconds: float = 2.0) -> float:
    """Calls per second of ``work`` over ``texts`` on one core, counted in this thread's CPU
    time (repeated for at least ``seconds`` of it), so that other processes on a busy machine
    do not count; ``calibration()`` shows how much slower than usual the core itself is."""
    done, start = 0, time.thread_time()
    while True:
        for text in texts:
            work(text)
        done += len(texts)
        elapsed = time.thread_time() - start
        if elapsed >= seconds:
            return done / elapsed


def calibration() -> float:
    """Milliseconds of CPU for a fixed pure-Python loop: higher means a busier or slower core."""
    start = time.thread_time()
    total = 0
    for number in range(300_000):
        total += number
    return (time.thread_time() - start) * 1000


def cli_thousand_files() -> float:
    """Wall time of ``bcm cable parse --json`` on 1,000 seed-sized files in one call."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for index, text in enumerate(variants(1000)):
            path = Path(tmp) / f"{index:04d}.txt"
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bcm", "cable", "parse", "--json", *paths],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    texts = variants(200)
    parsed = [parse(text) for text in texts]
    reader = Clearance("JPN", "SECRET")
    figures = {
        "telegram_bytes": len(texts[0].encode()),
        "calibration_loop_ms": round(calibration(), 1),
        "parse_per_s": round(rate(parse, texts)),
        "parse_to_json_per_s": round(rate(lambda t: json.dumps(to_json(parse(t))), texts)),
        "render_per_s": round(rate(lambda t: render(parsed[hash(t) % len(parsed)]), texts)),
        "lint_per_s": round(rate(lambda t: lint(parsed[hash(t) % len(parsed)]), texts)),
        "view_per_s": round(rate(lambda t: view(parsed[hash(t) % len(parsed)], reader), texts)),
        "cli_1000_files_s": round(cli_thousand_files(), 2),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"seed-sized telegram: {figures['telegram_bytes']} bytes, 17 marked paragraphs")
    print(f"parse:               {figures['parse_per_s']:>8,} telegrams/s (one core)")
    print(f"parse + JSON:        {figures['parse_to_json_per_s']:>8,} telegrams/s")
    print(f"render:              {figures['render_per_s']:>8,} telegrams/s")
    print(f"lint:                {figures['lint_per_s']:>8,} telegrams/s")
    print(f"per-reader view:     {figures['view_per_s']:>8,} telegrams/s")
    print(f"bcm cable parse --json, 1,000 files: {figures['cli_1000_files_s']} s wall")
    print(f"calibration loop: {figures['calibration_loop_ms']} ms CPU (higher = busier core)")


if __name__ == "__main__":
    main()
