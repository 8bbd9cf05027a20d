"""SQLite's full-text index is filled by the writer, one statement per flush (migration
r0005): every committed item is indexed exactly once, under its own seq, also when a unit of
work in the batch fails after writing and the batch is run again with savepoints."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path

import pytest

from bcm.domain.model import Item, Paragraph
from bcm.storage.groupcommit import SqlStore
from bcm.storage.port import UnitOfWork
from tests.storage.test_contract import item_in, structure


def _index(path: Path) -> dict[int, str]:
    """seq → the words FTS5 matches it by, for the words used below."""
    with sqlite3.connect(path) as conn:
        found: dict[int, str] = {}
        for word in ("alpha", "bravo", "charlie", "delta"):
            rows = conn.execute("SELECT rowid FROM items_fts WHERE items_fts MATCH ?", (word,))
            for (seq,) in rows:
                found[seq] = f"{found.get(seq, '')} {word}".strip()
        return found


def test_every_committed_item_is_indexed_once_under_its_seq(
    make_url: Callable[..., str],
) -> None:
    url = make_url("sqlite")
    store = SqlStore(url, max_batch=64)
    try:
        made = store.submit(structure).result(timeout=30)

        def post(text: str, fail: bool = False) -> Callable[[UnitOfWork], Item]:
            def unit(uow: UnitOfWork) -> Item:
                item = item_in(uow, made, text=text)
                if fail:
                    raise RuntimeError("fails after writing: the batch reruns with savepoints")
                return item

            return unit

        futures: list[Future[Item]] = []
        for n in range(40):
            futures.append(store.submit(post("alpha bravo" if n % 2 else "charlie")))
            if n % 10 == 5:
                futures.append(store.submit(post("delta", fail=True)))
        marked = store.submit(
            lambda uow: item_in(
                uow, made, text="", paragraphs=(Paragraph("(U)", "delta in a paragraph"),)
            )
        )
        items = []
        for future in futures:
            with contextlib.suppress(RuntimeError):
                items.append(future.result(timeout=30))
        marked.result(timeout=30)
    finally:
        store.close()
    index = _index(Path(url.removeprefix("sqlite:///")))
    expected = {i.seq: ("alpha bravo" if "alpha" in i.text else "charlie") for i in items}
    assert len(items) == 40
    assert {s: w for s, w in index.items() if w != "delta"} == expected
    assert list(index.values()).count("delta") == 1  # the paragraph; no failed unit's text


@pytest.mark.postgres
def test_postgres_keeps_its_trigger(make_url: Callable[..., str]) -> None:
    store = SqlStore(make_url("postgres"))
    try:
        assert store._hot.fts_fill is None
    finally:
        store.close()
