"""Plain-data answers (``item_json``, serialized by ``pydantic_core.to_json``) are byte for
byte the response models' answers: the hot paths' batches rely on it."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import to_json

from bcm.domain.model import Item, Mode, Paragraph
from bcm.web.schemas import BatchOut, item_json, item_out

texts = st.text(max_size=40)
items = st.builds(
    Item,
    id=texts,
    node=texts,
    seq=st.integers(1, 2**62),
    body=texts,
    author=texts,
    organization=texts,
    label=texts,
    mode=st.sampled_from(Mode),
    created_at=st.datetimes(timezones=st.just(UTC)),
    text=texts,
    paragraphs=st.lists(st.builds(Paragraph, texts, texts), max_size=3).map(tuple),
    supersedes=st.none() | texts,
)


@given(st.lists(items, max_size=5))
def test_plain_items_serialize_to_the_models_bytes(batch: list[Item]) -> None:
    for item in batch:
        assert to_json(item_json(item)) == item_out(item).model_dump_json().encode()
    models = BatchOut(items=[item_out(i) for i in batch]).model_dump_json().encode()
    assert to_json({"items": [item_json(i) for i in batch]}) == models


def test_whole_seconds_and_microseconds_alike() -> None:
    for micro in (0, 1, 999_999):
        at = datetime(2026, 11, 26, 4, 0, 0, micro, tzinfo=UTC)
        item = Item("i", "n", 1, "b", "a", "o", "UNCLASSIFIED", Mode.EXERCISE, at, "t")
        assert to_json(item_json(item)) == item_out(item).model_dump_json().encode()
