"""Operator metrics in the Prometheus text exposition format (version 0.0.4).

A few counters, gauges and histograms are all BCM needs, so they are written here rather
than pulled in from a client library. Label values are route templates and status codes,
never user input, so cardinality stays bounded.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
SIZE_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)

LabelSet = tuple[tuple[str, str], ...]


def _labels(labels: LabelSet, extra: tuple[str, str] | None = None) -> str:
    pairs = [*labels, extra] if extra else list(labels)
    if not pairs:
        return ""
    escaped = (v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") for _, v in pairs)
    return "{" + ",".join(f'{k}="{v}"' for (k, _), v in zip(pairs, escaped, strict=True)) + "}"


class Counter:
    """A monotonically increasing count per label set."""

    kind = "counter"

    def __init__(self, name: str, help_text: str) -> None:
        self.name, self.help = name, help_text
        self._values: dict[LabelSet, float] = defaultdict(float)
        self._lock = threading.Lock()

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        """Add ``amount`` to the series of ``labels``."""
        key = tuple(sorted(labels.items()))
        with self._lock:
            self._values[key] += amount

    def value(self, **labels: str) -> float:
        """The current value of one series (for tests)."""
        return self._values.get(tuple(sorted(labels.items())), 0.0)

    def series(self) -> list[tuple[dict[str, str], float]]:
        """Every series as (labels, value)."""
        return [(dict(key), value) for key, value in sorted(self._values.items())]

    def samples(self) -> Iterable[str]:
        """Exposition lines of every series."""
        for key, value in sorted(self._values.items()):
            yield f"{self.name}{_labels(key)} {value:g}"


class Gauge:
    """A value read at scrape time from a callback."""

    kind = "gauge"

    def __init__(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        self.name, self.help, self._read = name, help_text, read

    def samples(self) -> Iterable[str]:
        """The one exposition line."""
        yield f"{self.name} {self._read():g}"


class Histogram:
    """Cumulative buckets, sum and count per label set."""

    kind = "histogram"

    def __init__(self, name: str, help_text: str, buckets: tuple[float, ...]) -> None:
        self.name, self.help, self.buckets = name, help_text, buckets
        self._counts: dict[LabelSet, list[int]] = {}
        self._sums: dict[LabelSet, float] = defaultdict(float)
        self._lock = threading.Lock()

    def observe(self, value: float, **labels: str) -> None:
        """Record one observation."""
        key = tuple(sorted(labels.items()))
        with self._lock:
            counts = self._counts.setdefault(key, [0] * (len(self.buckets) + 1))
            counts[bisect_left(self.buckets, value)] += 1
            self._sums[key] += value

    def samples(self) -> Iterable[str]:
        """Bucket, sum and count lines of every series."""
        for key, counts in sorted(self._counts.items()):
            running = 0
            for bound, count in zip((*self.buckets, float("inf")), counts, strict=True):
                running += count
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                yield f"{self.name}_bucket{_labels(key, ('le', le))} {running}"
            yield f"{self.name}_sum{_labels(key)} {self._sums[key]:g}"
            yield f"{self.name}_count{_labels(key)} {running}"


Metric = Counter | Gauge | Histogram


class Metrics:
    """The server's metrics; ``render()`` is the body of ``GET /metrics``."""

    def __init__(self) -> None:
        self.requests = Counter("bcm_http_requests_total", "HTTP requests by route and status.")
        self.latency = Histogram(
            "bcm_http_request_duration_seconds", "HTTP request latency by route.", LATENCY_BUCKETS
        )
        self.login_failures = Counter("bcm_login_failures_total", "Failed logins.")
        self.items_posted = Counter("bcm_items_posted_total", "Items committed through the API.")
        self.post_batch = Histogram(
            "bcm_api_post_batch_items", "Items per API post request.", SIZE_BUCKETS
        )
        self._connected = 0
        self._in_flight = 0
        self._extra: list[Metric] = []

    def gauge(self, name: str, help_text: str, read: Callable[[], float]) -> None:
        """Register a gauge read at scrape time (writer queue depth, feed clients...)."""
        self._extra.append(Gauge(name, help_text, read))

    def connected(self, delta: int) -> None:
        """Count a live client (a feed subscriber) connecting (+1) or leaving (-1)."""
        self._connected += delta

    def in_flight(self, delta: int) -> None:
        """Count a request starting (+1) or finishing (-1)."""
        self._in_flight += delta

    def _all(self) -> list[Metric]:
        gauges = [
            Gauge(
                "bcm_connected_clients",
                "Connected live clients.",
                lambda: float(self._connected),
            ),
            Gauge(
                "bcm_http_requests_in_flight",
                "Requests being served.",
                lambda: float(self._in_flight),
            ),
        ]
        fixed: list[Metric] = [
            self.requests,
            self.latency,
            self.login_failures,
            self.items_posted,
            self.post_batch,
            *gauges,
        ]
        return fixed + self._extra

    def render(self) -> str:
        """Every metric in the Prometheus text format."""
        lines: list[str] = []
        for metric in self._all():
            lines += [f"# HELP {metric.name} {metric.help}", f"# TYPE {metric.name} {metric.kind}"]
            lines += list(metric.samples())
        return "\n".join(lines) + "\n"
