"""Two stores (as two server processes would) on one database: the item sequence and the
audit chain stay gap-free and in commit order (the append lock, docs/data-plane.md)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

import pytest

from bcm.domain.model import Mode
from bcm.storage import chain
from bcm.storage.groupcommit import SqlStore
from bcm.storage.port import UnitOfWork
from tests.storage.backends import SQL_BACKENDS
from tests.storage.test_contract import entry, item_in, structure


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_two_writers_share_one_gap_free_sequence_and_chain(
    backend: str, make_url: Callable[..., str]
) -> None:
    url = make_url(backend)
    first, second = SqlStore(url, max_batch=8), SqlStore(url, max_batch=8)
    try:
        made = first.submit(structure).result(timeout=30)

        def post(n: int) -> Callable[[UnitOfWork], int]:
            def unit(uow: UnitOfWork) -> int:
                item = item_in(uow, made)
                uow.append_audit(replace(entry("item.post", n=n), target=item.id))
                return item.seq

            return unit

        futures: list[Future[int]] = [
            (first if n % 2 else second).submit(post(n)) for n in range(200)
        ]
        seqs = sorted(f.result(timeout=60) for f in futures)
        assert seqs == list(range(1, 201))
        items = first.submit(lambda uow: uow.list_items(body=None, mode=Mode.REAL_WORLD)).result(
            timeout=30
        )
        assert [i.seq for i in items] == list(range(1, 201))
        records = second.submit(lambda uow: uow.audit_records()).result(timeout=30)
        assert [r.seq for r in records] == list(range(1, 201))
        assert records[0].prev_hash == chain.GENESIS
        assert all(b.prev_hash == a.hash for a, b in pairwise(records))
        # the chain's order is the items' commit order
        by_item = {i.id: i.seq for i in items}
        assert [by_item[r.entry.target] for r in records] == list(range(1, 201))
    finally:
        first.close()
        second.close()


def test_an_unreachable_database_fails_the_callers_instead_of_hanging(
    make_url: Callable[..., str],
) -> None:
    url = make_url("sqlite")
    store = SqlStore(url)  # the writer connects on its first batch
    store.engine.dispose()  # no pooled connection to the old file remains
    path = Path(url.removeprefix("sqlite:///"))
    path.unlink()
    path.mkdir()  # a directory where the database file was: connecting fails
    try:
        for _ in range(2):
            with pytest.raises(Exception, match="unable to open database file"):
                store.submit(lambda uow: uow.audit_records()).result(timeout=30)
    finally:
        store.close()
