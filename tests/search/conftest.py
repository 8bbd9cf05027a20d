"""A searchable world per backend (memory, SQLite, PostgreSQL), built once per session:
items with words from a small vocabulary posted by several people to several bodies at
several labels (some only in portion-marked paragraphs, some in exercise mode), and what
each person may read, learned through the ordinary read path (``access_items_since``)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bcm.bootstrap import init_database, open_services
from bcm.domain.clock import FakeClock
from bcm.domain.model import Mode
from bcm.services import items, people
from bcm.services.core import Services
from bcm.services.orgchart import load_org_chart
from bcm.storage.fulltext import item_words
from bcm.storage.memory import MemoryStore
from bcm.testing.pgcluster import PgCluster

CHART = (Path(__file__).parents[1] / "data" / "search" / "org-chart.yaml").read_text()
VOCABULARY = (
    *("launch", "missile", "track", "impact", "radar", "airspace"),
    *("frequency", "alpha", "bravo", "coast", "warning", "sea"),
)
POSTS = (
    ("k.reyes", "bcc-yokota", "SECRET//REL TO USA, JPN"),
    ("k.reyes", "jcg-technical", "UNCLASSIFIED//FOUO"),
    ("k.reyes", "ops-bilateral", "CONFIDENTIAL//REL TO USA, JPN"),
    ("p.nguyen", "intel-us", "TOP SECRET//SI//NOFORN"),
    ("p.nguyen", "intel-us", "SECRET//NOFORN"),
    ("p.nguyen", "intel-bilateral", "SECRET//REL TO USA, JPN"),
    ("d.ogawa", "bcc-mod", "SECRET//REL TO USA, JPN"),
    ("d.ogawa", "jcg-technical", "UNCLASSIFIED//FOUO"),
    ("r.alvarez", "policy-committee", "SECRET//REL TO USA, JPN"),
    ("a.fujita", "intel-bilateral", "SECRET//REL TO USA, JPN"),
)
BACKENDS = [
    pytest.param("memory"),
    pytest.param("sqlite"),
    pytest.param("postgres", marks=pytest.mark.postgres),
]


@dataclass
class World:
    """The services, every item's words and mode, and who may read what."""

    services: Services
    logins: list[str]
    words: dict[str, set[str]] = field(default_factory=dict)
    seq: dict[str, int] = field(default_factory=dict)
    readable: dict[str, set[str]] = field(default_factory=dict)

    def actor(self, login: str) -> str:
        return self.services.run(people.get_person, login).id


def _text(rng: random.Random) -> str:
    chosen = rng.sample(VOCABULARY, rng.randint(2, 5))
    return " ".join(w.upper() if rng.random() < 0.2 else w for w in chosen) + "."


def build(services: Services, seed: int = 7, count: int = 60) -> World:
    """Post ``count`` items (plus paragraph and exercise items) and learn who reads what."""
    rng = random.Random(seed)
    world = World(services, [p.login for p in services.run(people.list_people)])
    for _ in range(count):
        login, body, label = rng.choice(POSTS)
        _post(world, login, body, label=label, text=_text(rng))
    for _ in range(6):
        pairs = [("(S//REL TO USA, JPN)", _text(rng)), ("(U)", _text(rng))]
        _post(world, "k.reyes", "bcc-yokota", paragraphs=pairs)
    reyes = world.actor("k.reyes")
    services.run(people.set_mode, Mode.EXERCISE, actor=reyes)
    for _ in range(4):
        _post(world, "k.reyes", "bcc-yokota", label="SECRET//REL TO USA, JPN", text=_text(rng))
    services.run(people.set_mode, Mode.REAL_WORLD, actor=reyes)
    for login in world.logins:
        found = services.run(items.access_items_since, 0, actor=world.actor(login), limit=10_000)
        world.readable[login] = {i.id for i in found}
    return world


def _post(world: World, login: str, body: str, **content: object) -> None:
    item = world.services.run(items.post_item, body, actor=world.actor(login), **content)  # type: ignore[arg-type]
    world.words[item.id] = item_words(item)
    world.seq[item.id] = item.seq


def _sql_world(url: str) -> Iterator[World]:
    clock = FakeClock()
    init_database(url, org_chart=CHART, clock=clock)
    services = open_services(url, clock=clock)
    try:
        yield build(services)
    finally:
        services.close()


@pytest.fixture(scope="session")
def memory_world() -> World:
    services = Services(MemoryStore(), FakeClock())
    services.run(load_org_chart, CHART)
    return build(services)


@pytest.fixture(scope="session")
def sqlite_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from _sql_world(f"sqlite:///{tmp_path_factory.mktemp('search') / 'bcm.db'}")


@pytest.fixture(scope="session")
def postgres_world(pg_cluster: PgCluster) -> Iterator[World]:
    yield from _sql_world(pg_cluster.create_database())


@pytest.fixture(scope="session")
def worlds(request: pytest.FixtureRequest) -> Callable[[str], World]:
    """``worlds(backend)``: that backend's world (built on first use)."""
    return lambda backend: request.getfixturevalue(f"{backend}_world")  # type: ignore[no-any-return]
