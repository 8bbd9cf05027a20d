"""The plain-ASGI answers of the busiest posts (bcm.web.hotpaths) against the FastAPI routes:
one runtime served twice — with and without the hot paths — gets the same requests, and
every answer must agree (status, error body, response shape); a spy proves which requests
the hot paths answered themselves and which they handed on untouched."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from bcm.services import clearances, items
from bcm.web import hotpaths
from tests.support.serving import serve_in_thread
from tests.web.server import LiveServer

LABEL = "SECRET//REL TO USA, JPN"
VARYING = {"id", "seq", "created_at"}  # differ between two posts of the same item


@pytest.fixture
def plain_url(server: LiveServer) -> Iterator[str]:
    """The same runtime served without the hot paths."""
    with serve_in_thread(server.runtime, hot_paths=False) as url:
        yield url


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each request that reached the hot paths' decision: whether they answered it."""
    seen: list[bool] = []
    original = hotpaths.HotPaths._answer

    async def spy(self: hotpaths.HotPaths, *args: Any) -> Any:
        result = await original(self, *args)
        seen.append(result is not None)
        return result

    monkeypatch.setattr(hotpaths.HotPaths, "_answer", spy)
    return seen


def _shape(value: Any) -> Any:
    """The answer with the values that differ between two equal posts taken out."""
    if isinstance(value, dict):
        return {k: ("…" if k in VARYING else _shape(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return value


def _both(
    server: LiveServer,
    plain_url: str,
    path: str,
    *,
    headers: dict[str, str],
    method: str = "POST",
    **request: Any,
) -> tuple[httpx.Response, httpx.Response]:
    with httpx.Client(base_url=server.url, timeout=30) as hot:
        first = hot.request(method, path, headers=headers, **request)
    with httpx.Client(base_url=plain_url, timeout=30) as plain:
        second = plain.request(method, path, headers=headers, **request)
    return first, second


def _agree(first: httpx.Response, second: httpx.Response) -> None:
    assert first.status_code == second.status_code, (first.text, second.text)
    assert _shape(first.json()) == _shape(second.json())
    for name in ("content-type", "x-content-type-options", "cache-control", "www-authenticate"):
        assert first.headers.get(name) == second.headers.get(name), name


def _post(text: str, **changes: Any) -> dict[str, Any]:
    return {"body": "bcc-yokota", "label": LABEL, "text": text, **changes}


CASES: list[tuple[str, dict[str, Any], bool]] = [
    # (what, request body, whether the hot paths answer it themselves)
    ("a plain post", _post("radar track"), True),
    (
        "portion-marked paragraphs",
        {
            "body": "bcc-yokota",
            "paragraphs": [
                {"mark": "(S//REL TO USA, JPN)", "text": "track"},
                {"mark": "(U)", "text": "note"},
            ],
        },
        True,
    ),
    ("a marking error", _post("x", label="SECRET//NOFORN//BOGUS"), True),
    ("above the body's ceiling", _post("x", label="TOP SECRET//SI"), True),
    ("a body that is not there", _post("x", body="no-such-body"), True),
    ("a body the author is not a member of", _post("x", body="intel-us"), True),
    ("a missing field", {"label": LABEL, "text": "no body"}, False),
    ("a text too long", _post("x" * 100_001), False),
]


@pytest.mark.parametrize(("what", "payload", "hot"), CASES, ids=[c[0] for c in CASES])
def test_single_posts_agree_with_the_route(
    server: LiveServer,
    plain_url: str,
    answered: list[bool],
    what: str,
    payload: dict[str, Any],
    hot: bool,
) -> None:
    token = server.token("k.reyes", ["items:write", "items:read"])
    auth = {"authorization": f"Bearer {token}"}
    first, second = _both(server, plain_url, "/api/v1/items", headers=auth, json=payload)
    _agree(first, second)
    assert answered == [hot], what
    if first.status_code == 201:  # both committed, and the hot one reads back as posted
        with httpx.Client(base_url=server.url, headers=auth, timeout=30) as client:
            read = client.get(f"/api/v1/items/{first.json()['id']}")
        assert read.json() == first.json()


def test_requests_the_hot_paths_do_not_take_get_the_routes_answer(
    server: LiveServer, plain_url: str, answered: list[bool]
) -> None:
    reader = server.token("k.reyes", ["items:read"])
    writer = server.token("k.reyes", ["items:write"])
    cases: list[tuple[dict[str, str], dict[str, Any]]] = [
        ({"authorization": "Bearer bcm_not-a-token"}, {"json": _post("x")}),
        ({"authorization": f"Bearer {reader}"}, {"json": _post("x")}),  # lacks items:write
        ({"authorization": f"Basic {writer}"}, {"json": _post("x")}),
        (
            {"authorization": f"Bearer {writer}", "content-type": "application/json"},
            {"content": b"{not json"},
        ),
        (
            {"authorization": f"Bearer {writer}", "content-type": "application/json"},
            {"content": b'{"body": "bcc-yokota", "text": "\xff"}'},  # not UTF-8
        ),
    ]
    for headers, request in cases:
        first, second = _both(server, plain_url, "/api/v1/items", headers=headers, **request)
        _agree(first, second)
        assert first.status_code in (401, 403, 422)
    assert answered == [False] * len(cases)
    with httpx.Client(base_url=server.url, timeout=30) as client:  # no credential at all
        assert client.post("/api/v1/items", json=_post("x")).status_code == 401
    assert answered == [False] * (len(cases) + 1)  # all handed on
    assert _count(server) == 0


def test_keyed_posts_agree_with_the_route(
    server: LiveServer, plain_url: str, answered: list[bool]
) -> None:
    writer = server.token("k.reyes", ["items:write"])
    keyed = {"authorization": f"Bearer {writer}", "idempotency-key": "k1"}
    with httpx.Client(base_url=server.url, headers=keyed, timeout=30) as hot:
        first = hot.post("/api/v1/items", json=_post("x"))
        assert first.status_code == 201
        with httpx.Client(base_url=plain_url, headers=keyed, timeout=30) as plain:
            replays = [c.post("/api/v1/items", json=_post("x")) for c in (hot, plain)]
            _agree(*replays)
            assert replays[0].status_code == 200
            assert replays[0].json() == first.json()
            other = [c.post("/api/v1/items", json=_post("y")) for c in (hot, plain)]
            _agree(*other)
            assert other[0].status_code == 409
            long_key = {"idempotency-key": "k" * 201}  # the header's type refuses it
            refused = [
                c.post("/api/v1/items", json=_post("z"), headers=long_key) for c in (hot, plain)
            ]
            _agree(*refused)
            assert refused[0].status_code == 422
    assert answered == [True, True, True, False]
    assert _count(server) == 1


def test_batches_agree_with_the_route(
    server: LiveServer, plain_url: str, answered: list[bool]
) -> None:
    token = server.token("k.reyes", ["items:write"])
    auth = {"authorization": f"Bearer {token}"}
    good = {"items": [_post(f"report {n}") for n in range(20)]}
    bad = {"items": [*good["items"][:5], _post("x", label="SECRET//NOFORN//BOGUS")]}
    for payload in (good, bad):
        first, second = _both(server, plain_url, "/api/v1/items/batch", headers=auth, json=payload)
        _agree(first, second)
    assert answered == [True, True]
    assert _count(server) == 40  # the good batch twice, nothing of the bad one
    keyed = {"items": [{**_post(f"k{n}"), "idempotency_key": f"key-{n}"} for n in range(3)]}
    with httpx.Client(base_url=server.url, headers=auth, timeout=30) as hot:
        first = hot.post("/api/v1/items/batch", json=keyed)
        assert first.status_code == 201
        with httpx.Client(base_url=plain_url, headers=auth, timeout=30) as plain:
            replayed = plain.post("/api/v1/items/batch", json=keyed)
            assert replayed.status_code == 200
            assert replayed.json() == first.json()
            assert hot.post("/api/v1/items/batch", json=keyed).json() == first.json()
            changed = {"items": [{**keyed["items"][0], "text": "other"}, *keyed["items"][1:]]}
            conflict = [c.post("/api/v1/items/batch", json=changed) for c in (hot, plain)]
            _agree(*conflict)
            assert conflict[0].status_code == 409
            partial = {"items": [keyed["items"][0], _post("no key")]}
            refused = [c.post("/api/v1/items/batch", json=partial) for c in (hot, plain)]
            _agree(*refused)
            assert refused[0].status_code == 422
    # keyed batches are answered here too, and so is a batch with keys on some items only
    assert answered == [True, True, True, True, True, True]
    assert _count(server) == 43


def test_hot_answers_are_counted_and_attributed(server: LiveServer, answered: list[bool]) -> None:
    metrics = server.runtime.metrics
    before = metrics.items_posted.value()
    token = server.token("k.reyes", ["items:write"])
    with httpx.Client(base_url=server.url, timeout=30) as client:
        answer = client.post(
            "/api/v1/items", json=_post("x"), headers={"authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 201
    assert answered == [True]
    assert metrics.items_posted.value() == before + 1
    assert 'route="/api/v1/items"' in metrics.render()


def test_who_am_i_agrees_with_the_route_and_standing_is_checked(
    server: LiveServer, plain_url: str, answered: list[bool]
) -> None:
    token = server.token("k.reyes", ["items:read"])
    auth = {"authorization": f"Bearer {token}"}
    first, second = _both(server, plain_url, "/api/v1/session", headers=auth, method="GET")
    _agree(first, second)
    assert first.json()["login"] == "k.reyes"
    assert answered == [True]
    bad = {"authorization": "Bearer bcm_not-a-token"}
    _agree(*_both(server, plain_url, "/api/v1/session", headers=bad, method="GET"))
    assert answered == [True, False]
    # standing is checked on every request: a revoked clearance ends the token at once
    grant = server.runtime.services.run(clearances.list_clearances, "k.reyes")[0]
    officer = server.person_id("so.whitfield")
    server.runtime.services.run(clearances.revoke_clearance, grant.id, actor=officer, reason="t")
    with httpx.Client(base_url=server.url, headers=auth, timeout=30) as client:
        assert client.get("/api/v1/session").status_code == 401
    assert answered == [True, False, False]  # handed to the route, which ended the access
    store = server.runtime.authenticator.store
    assert all(t.revoked_at is not None for t in store.tokens_of(server.person_id("k.reyes")))


def _count(server: LiveServer) -> int:
    actor = server.person_id("k.reyes")
    return server.runtime.services.run(items.count_items_by_body, "bcc-yokota", actor=actor)
