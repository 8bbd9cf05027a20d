"""Each persona of the example org chart reads, through HTTP, exactly what the access policy
allows: the list, every single item (404 alike for missing and forbidden), per body."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bcm.errors import NotFound
from bcm.services import items
from tests.web.server import LiveServer, live_server

# (body, label, author) — one item per body at its ceiling, plus a SECRET//NOFORN one.
SEED = [
    ("bcc-yokota", "SECRET//REL TO USA, JPN", "k.reyes"),
    ("bcc-mod", "SECRET//REL TO USA, JPN", "d.ogawa"),
    ("policy-committee", "SECRET//REL TO USA, JPN", "e.hayashi"),
    ("jcg-technical", "UNCLASSIFIED//FOUO", "t.aoki"),
    ("intel-us", "TOP SECRET//SI//NOFORN", "p.nguyen"),
    ("intel-us", "SECRET//NOFORN", "m.okafor"),
    ("intel-bilateral", "SECRET//REL TO USA, JPN", "p.nguyen"),
    ("ops-bilateral", "SECRET//REL TO USA, JPN", "feed.radar"),
]

# Hand-checked expectations for a few personas (bodies whose seeded items they may read).
EXPECTED_BODIES = {
    "t.aoki": {"jcg-technical"},  # civilian agency, UNCLASSIFIED only
    "m.ueda": {"jcg-technical"},
    "l.fischer": set(),  # obligations not acknowledged
    "ops.sato": set(),  # operator without clearance
    "a.fujita": {"intel-bilateral"},  # JPN: never NOFORN
    "p.nguyen": {"intel-us", "intel-bilateral", "bcc-yokota"},  # usfj-j2 is under usfj
    "k.reyes": {"bcc-yokota", "bcc-mod", "jcg-technical", "ops-bilateral"},
}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    root: Path = tmp_path_factory.mktemp("personas")
    with live_server(root) as server:
        posted = {}
        for body, label, author in SEED:
            item = server.runtime.services.run(
                items.post_item,
                body,
                label=label,
                text=f"{body} report",
                actor=server.person_id(author),
            )
            posted[item.id] = body
        yield server, posted


def _allowed(server: LiveServer, login: str, ids: list[str]) -> set[str]:
    actor = server.person_id(login)
    allowed = set()
    for ident in ids:
        try:
            server.runtime.services.run(items.access_item_by_id, ident, actor=actor)
            allowed.add(ident)
        except NotFound:
            pass
    return allowed


def _logins() -> list[str]:
    import yaml

    from tests.web.server import ORG_CHART

    return [p["login"] for p in yaml.safe_load(ORG_CHART)["people"]]


@pytest.mark.parametrize("login", _logins())
def test_persona_reads_exactly_what_the_policy_allows(
    seeded: tuple[LiveServer, dict[str, str]], login: str
) -> None:
    server, posted = seeded
    allowed = _allowed(server, login, list(posted))
    with server.login(login) as client:
        listed = {item["id"] for item in client.get("/api/v1/items?limit=500").json()}
        assert listed == allowed
        for ident in posted:
            answer = client.get(f"/api/v1/items/{ident}")
            assert answer.status_code == (200 if ident in allowed else 404)
        missing = client.get("/api/v1/items/01900000-0000-7000-8000-000000000000")
        forbidden = [i for i in posted if i not in allowed]
        if forbidden:
            denied = client.get(f"/api/v1/items/{forbidden[0]}")
            assert denied.json()["message"] == missing.json()["message"] == "item not found"
        for body in set(posted.values()):
            in_body = {i["id"] for i in client.get(f"/api/v1/bodies/{body}/items").json()}
            assert in_body == {i for i in allowed if posted[i] == body}
    if login in EXPECTED_BODIES:
        assert {posted[i] for i in allowed} == EXPECTED_BODIES[login]
