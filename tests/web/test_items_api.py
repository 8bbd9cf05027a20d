"""Posting items through HTTP: idempotency (also under concurrency), the all-or-nothing batch,
modes, and 2xx only for committed items."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from bcm.services import items
from tests.web.server import LiveServer

LABEL = "SECRET//REL TO USA, JPN"


def _post(n: int, body: str = "bcc-yokota") -> dict[str, object]:
    return {"body": body, "label": LABEL, "text": f"report {n}"}


def _count(server: LiveServer, login: str = "k.reyes") -> int:
    actor = server.person_id(login)
    return server.runtime.services.run(items.count_items_by_body, "bcc-yokota", actor=actor)


def test_a_201_item_is_committed_and_readable(server: LiveServer) -> None:
    with server.login("k.reyes") as client:
        answer = client.post("/api/v1/items", json=_post(1))
        assert answer.status_code == 201
        item = answer.json()
        assert item["label"] == LABEL
        assert item["seq"] >= 1
    assert _count(server) == 1
    with server.login("d.ogawa") as other:  # bcc-mod watch is a member of bcc-yokota
        assert other.get(f"/api/v1/items/{item['id']}").json()["text"] == "report 1"


def test_same_idempotency_key_posted_concurrently_yields_one_item(server: LiveServer) -> None:
    token = server.token("k.reyes", ["items:write"])
    headers = {"authorization": f"Bearer {token}", "idempotency-key": "sensor-42"}

    def post(_: int) -> httpx.Response:
        with server.client() as client:
            return client.post("/api/v1/items", json=_post(42), headers=headers)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(post, range(8)))
    assert {a.status_code for a in answers} <= {200, 201}
    assert sorted(a.status_code for a in answers).count(201) == 1
    assert len({a.json()["id"] for a in answers}) == 1
    assert _count(server) == 1


def test_idempotency_key_reused_for_another_request_is_a_conflict(server: LiveServer) -> None:
    with server.login("k.reyes") as client:
        headers = {"idempotency-key": "k1"}
        assert client.post("/api/v1/items", json=_post(1), headers=headers).status_code == 201
        again = client.post("/api/v1/items", json=_post(2), headers=headers)
        assert again.status_code == 409
        assert again.json()["error"] == "conflict"


def test_failed_post_releases_its_key(server: LiveServer) -> None:
    with server.login("k.reyes") as client:
        headers = {"idempotency-key": "k2"}
        bad = {**_post(1), "label": "TOP SECRET//SI"}  # above the body's ceiling
        assert client.post("/api/v1/items", json=bad, headers=headers).status_code == 422
        assert client.post("/api/v1/items", json=bad, headers=headers).status_code == 422
    assert _count(server) == 0


def test_batch_commits_all_and_replays_with_the_same_keys(server: LiveServer) -> None:
    batch = {"items": [{**_post(n), "idempotency_key": f"b{n}"} for n in range(50)]}
    with server.login("k.reyes") as client:
        first = client.post("/api/v1/items/batch", json=batch)
        assert first.status_code == 201
        assert [i["text"] for i in first.json()["items"]] == [f"report {n}" for n in range(50)]
        again = client.post("/api/v1/items/batch", json=batch)
        assert again.status_code == 200
        assert again.json() == first.json()
    assert _count(server) == 50


def test_batch_is_all_or_nothing_and_names_the_failing_item(server: LiveServer) -> None:
    posts = [_post(n) for n in range(10)]
    posts[7] = {**posts[7], "label": "SECRET//NOFORN//BOGUS"}
    with server.login("k.reyes") as client:
        answer = client.post("/api/v1/items/batch", json={"items": posts})
        assert answer.status_code == 422
        assert answer.json()["field"] == "items[7].label"
        assert answer.json()["error"] == "invalid_marking"
        posts[7] = _post(7, body="intel-us")  # not a member: refused, and nothing commits
        answer = client.post("/api/v1/items/batch", json={"items": posts})
        assert answer.status_code in (403, 404)
    assert _count(server) == 0


def test_batch_size_is_bounded(server: LiveServer) -> None:
    with server.login("k.reyes") as client:
        answer = client.post("/api/v1/items/batch", json={"items": [_post(1)] * 1001})
    assert answer.status_code == 422
    assert answer.json()["field"] == "items"


def test_mode_separates_exercise_from_real_world(server: LiveServer) -> None:
    with server.login("k.reyes") as client:
        client.post("/api/v1/items", json=_post(1))
        assert client.put("/api/v1/me/mode", json={"mode": "exercise"}).json()["mode"] == "exercise"
        assert client.get("/api/v1/items").json() == []
        client.post("/api/v1/items", json=_post(2))
        assert [i["text"] for i in client.get("/api/v1/items").json()] == ["report 2"]
        bad = client.put("/api/v1/me/mode", json={"mode": "war"})
        assert bad.status_code == 422
        assert bad.json()["field"] == "mode"


def test_profile_people_and_bodies(server: LiveServer) -> None:
    with server.login("k.reyes") as client:
        me = client.get("/api/v1/me").json()
        assert me["login"] == "k.reyes"
        assert me["clearances"][0]["level"]
        keys = {b["key"] for b in client.get("/api/v1/bodies").json()}
        assert {"bcc-yokota", "intel-us", "jcg-technical"} <= keys
        assert client.get("/api/v1/bodies/bcc-yokota").json()["kind"] == "center-watch"
        assert client.get("/api/v1/bodies/nope").status_code == 404
        assert client.get("/api/v1/people/t.aoki").json()["nationality"] == "JPN"
        assert len(client.get("/api/v1/people").json()) > 10
