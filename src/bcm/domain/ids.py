"""Globally unique, time-ordered identifiers.

Nodes of different governments exchange records later, so identifiers must never collide
across nodes: each is a UUID in the version-7 layout (48 bits of Unix milliseconds, then 74
random bits). Within one process they are also strictly increasing (RFC 9562 §6.2, method 2:
a later id in the same millisecond adds a random increment to the previous random bits), so
sorting by id sorts by creation, which keeps B-tree inserts local and logs readable.
"""

from __future__ import annotations

import random
import threading
import time

_RANDOM_BITS = 74
# Seeded from the OS once; ids need uniqueness, not secrecy, and os.urandom per id is slow.
_random = random.Random()
_lock = threading.Lock()
_last: tuple[int, int] = (0, 0)


def new_id(now_ms: int | None = None) -> str:
    """A new UUIDv7 string; ``now_ms`` (Unix milliseconds) defaults to the wall clock."""
    global _last
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        last_ms, last_rand = _last
        if millis <= last_ms:
            millis, rand = last_ms, last_rand + 1 + _random.getrandbits(16)
            if rand >> _RANDOM_BITS:  # the millisecond's random space is spent: borrow the next
                millis, rand = millis + 1, _random.getrandbits(_RANDOM_BITS - 1)
        else:
            rand = _random.getrandbits(_RANDOM_BITS - 1)  # top bit clear leaves room to increment
        _last = (millis, rand)
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= (rand >> 62) << 64  # 12 bits
    value |= 0b10 << 62  # RFC 9562 variant
    value |= rand & ((1 << 62) - 1)
    h = f"{value:032x}"  # the canonical UUID text, without building a uuid.UUID
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
