"""Identifiers: UUIDv7 layout, unique, strictly increasing within a process."""

from __future__ import annotations

import uuid

from bcm.domain.ids import new_id


def test_ids_are_uuid7_and_increase_even_within_one_millisecond() -> None:
    ids = [new_id(1_760_000_000_000) for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 == 1_760_000_000_000


def test_a_later_millisecond_sorts_after() -> None:
    first = new_id(1_900_000_000_000)
    assert new_id(1_900_000_000_001) > first
    now = new_id()
    assert new_id(1_000) > now  # a clock that goes back never breaks the order either
