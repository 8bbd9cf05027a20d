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


def test_every_id_is_the_canonical_text_of_its_uuid() -> None:
    later = int(time.time() * 1000) + 5  # ahead of the ids made so far (by milliseconds only)
    for offset in range(0, 300, 3):
        ident = new_id(later + offset)
        parsed = uuid.UUID(ident)
        assert str(parsed) == ident
        assert parsed.int >> 80 == later + offset
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
