"""Formal messages (telegrams, "cables"): parse, render, per-reader views and lint.

Pure: the standard library and ``bcm.markings`` only; no I/O.
"""
