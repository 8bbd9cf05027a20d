"""The Prometheus text format of the metrics registry."""

from __future__ import annotations

from bcm.web.metrics import Counter, Histogram, Metrics


def test_counter_series_and_escaping() -> None:
    counter = Counter("c_total", "help")
    counter.inc(route="/a", status="200")
    counter.inc(2, route="/a", status="200")
    counter.inc(route='we"ird\n', status="500")
    lines = list(counter.samples())
    assert 'c_total{route="/a",status="200"} 3' in lines
    assert 'c_total{route="we\\"ird\\n",status="500"} 1' in lines


def test_histogram_buckets_are_cumulative() -> None:
    histogram = Histogram("h", "help", (0.1, 1.0))
    for value in (0.05, 0.5, 0.5, 5.0):
        histogram.observe(value, route="/x")
    lines = list(histogram.samples())
    assert lines == [
        'h_bucket{route="/x",le="0.1"} 1',
        'h_bucket{route="/x",le="1"} 3',
        'h_bucket{route="/x",le="+Inf"} 4',
        'h_sum{route="/x"} 6.05',
        'h_count{route="/x"} 4',
    ]


def test_render_has_help_and_type_for_every_metric() -> None:
    metrics = Metrics()
    metrics.gauge("g", "a gauge", lambda: 7.0)
    metrics.connected(+1)
    text = metrics.render()
    assert "# TYPE g gauge\ng 7\n" in text
    assert "bcm_connected_clients 1" in text
    names = [line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")]
    helps = [line.split()[2] for line in text.splitlines() if line.startswith("# HELP")]
    assert names == helps
    assert text.endswith("\n")
