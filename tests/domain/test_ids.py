"""Identifiers: UUIDv7 layout, unique, strictly increasing within a process."""

from __future__ import annotations

import time
import uuid

from bcm.domain.ids import new_id


def test_ids_are_uuid7_carry_the_time_and_increase_within_one_millisecond() -> None:
    before = int(time.time() * 1000)
    ids = [new_id() for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 >= before


def test_a_clock_that_goes_back_never_breaks_the_order() -> None:
    now = new_id()
    assert new_id(1_000) > now
