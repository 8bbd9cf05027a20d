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
_last = [0, 0]  # the last id's (milliseconds, random bits)
_RANDOM_LOW = (1 << 62) - 1


def new_id(now_ms: int | None = None) -> str:
    """A new UUIDv7 string; ``now_ms`` (Unix milliseconds) defaults to the wall clock."""
    millis = int(time.time() * 1000) if now_ms is None else now_ms
    with _lock:
        last_ms, last_rand = _last
        if millis <= last_ms:
            millis, rand = last_ms, last_rand + 1 + _random.getrandbits(16)
            if rand >> _RANDOM_BITS:  # the millisecond's random space is spent: borrow the next
                millis, rand = millis + 1, _random.getrandbits(_RANDOM_BITS - 1)
        else:
            rand = _random.getrandbits(_RANDOM_BITS - 1)  # top bit clear leaves room to increment
        _last[0], _last[1] = millis, rand
    # 48 bits of milliseconds, version 7, the top 12 random bits, the RFC 9562 variant (10)
    # and the low 62 random bits; formatted directly, without building a uuid.UUID
    low = (rand & _RANDOM_LOW) | 1 << 63
    return (
        f"{millis >> 16 & 0xFFFFFFFF:08x}-{millis & 0xFFFF:04x}-7{rand >> 62:03x}-"
        f"{low >> 48:04x}-{low & 0xFFFFFFFFFFFF:012x}"
    )
