"""The demo runner: a fresh database, generated passwords (different every run) that work."""

from __future__ import annotations

from pathlib import Path

from bcm.auth.passwords import CHEAP
from bcm.services import items, people
from bcm.services.core import Services
from bcm.web.demo import prepare_demo
from bcm.web.serving import close_runtime


def test_demo_passwords_are_generated_and_work(tmp_path: Path) -> None:
    seeded: list[Services] = []
    database = tmp_path / "demo.db"
    runtime, first = prepare_demo(database, hash_params=CHEAP, seed=seeded.append)
    try:
        _, principal = runtime.authenticator.login("k.reyes", first["k.reyes"])
        assert principal.login == "k.reyes"
        actor = runtime.services.run(people.get_person, "k.reyes").id
        visible = runtime.services.run(items.access_items_since, 0, actor=actor)
        assert visible  # the demo is not empty
        assert seeded == [runtime.services]
    finally:
        close_runtime(runtime)
    runtime, second = prepare_demo(database, hash_params=CHEAP)  # recreated, not refused
    close_runtime(runtime)
    assert set(first) == set(second)
    assert all(first[login] != second[login] for login in first)
    assert all(len(password) >= 12 for password in first.values())
