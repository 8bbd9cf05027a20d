"""Idempotency keys in the storage port, on every backend: stored in the unit of work that
posts, visible to a later unit of work of the same batch, gone with a rolled-back one."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future

import pytest

from bcm.domain.model import PostKey
from bcm.errors import Conflict
from bcm.storage.port import Store, UnitOfWork
from tests.storage.test_contract import NOW, item_in, run, structure


def test_keys_are_stored_and_read_back_by_person(store: Store) -> None:
    made = run(store, structure)

    def post(uow: UnitOfWork) -> str:
        item = item_in(uow, made)
        uow.add_post_keys([PostKey("p1", "k1", "f" * 64, item.id, NOW)])
        return item.id

    ident = run(store, post)
    found = run(store, lambda uow: uow.post_keys("p1", ["k1", "k2"]))
    assert found == {"k1": PostKey("p1", "k1", "f" * 64, ident, NOW)}
    assert run(store, lambda uow: uow.post_keys("p2", ["k1"])) == {}
    with pytest.raises(Conflict):
        run(store, lambda uow: uow.add_post_keys([PostKey("p1", "k1", "0" * 64, ident, NOW)]))


def test_a_failed_unit_of_work_leaves_no_key_and_a_later_one_sees_an_earlier_ones(
    store: Store,
) -> None:
    made = run(store, structure)

    def post(key: str, *, fail: bool = False) -> Callable[[UnitOfWork], dict[str, PostKey]]:
        def unit(uow: UnitOfWork) -> dict[str, PostKey]:
            before = uow.post_keys("p1", [key])
            if not before:
                item = item_in(uow, made)
                uow.add_post_keys([PostKey("p1", key, "f" * 64, item.id, NOW)])
            if fail:
                raise RuntimeError("after writing")
            return before

        return unit

    futures: list[Future[dict[str, PostKey]]] = [
        store.submit(post("a")),
        store.submit(post("b", fail=True)),
        store.submit(post("a")),
    ]
    assert futures[0].result(timeout=30) == {}
    with pytest.raises(RuntimeError):
        futures[1].result(timeout=30)
    assert set(futures[2].result(timeout=30)) == {"a"}  # the first one's key, seen
    assert set(run(store, lambda uow: uow.post_keys("p1", ["a", "b"]))) == {"a"}
