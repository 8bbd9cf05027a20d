"""Health, login and logout, the session cookie, errors — through real HTTP on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.web.server import LiveServer, live_server


def test_health_needs_no_authentication(shared_server: LiveServer) -> None:
    with shared_server.client() as client:
        answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_login_sets_a_strict_httponly_cookie_and_logout_ends_it(shared_server: LiveServer) -> None:
    with shared_server.client() as client:
        answer = client.post(
            "/api/v1/login",
            json={"login": "k.reyes", "password": shared_server.passwords["k.reyes"]},
        )
        _check_cookie_then_logout(shared_server, client, answer)


def _check_cookie_then_logout(
    shared_server: LiveServer, client: httpx.Client, answer: httpx.Response
) -> None:
    assert answer.status_code == 200
    assert answer.json()["login"] == "k.reyes"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=strict" in cookie
    assert "secure" not in cookie  # plain HTTP: no TLS
    assert "strict-transport-security" not in answer.headers
    assert client.get("/api/v1/session").json()["via"] == "session"
    assert client.post("/api/v1/logout").status_code == 204
    cookie_value = answer.cookies["bcm_session"]
    with shared_server.client() as other:
        headers = {"cookie": f"bcm_session={cookie_value}"}
        assert other.get("/api/v1/session", headers=headers).status_code == 401


def test_failed_login_is_a_json_401(shared_server: LiveServer) -> None:
    with shared_server.client() as client:
        answer = client.post("/api/v1/login", json={"login": "k.reyes", "password": "nope"})
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthenticated", "message": "login failed"}


def test_bad_input_names_the_field(shared_server: LiveServer) -> None:
    with shared_server.login("k.reyes") as client:
        answer = client.post("/api/v1/items", json={"body": "bcc-yokota", "text": "x"})
        assert answer.status_code == 422
        assert answer.json()["field"] == "label"
        answer = client.post(
            "/api/v1/items", json={"body": "bcc-yokota", "text": "x", "label": "SEKRIT"}
        )
        assert answer.status_code == 422
        assert answer.json()["error"] == "invalid_marking"
        answer = client.post("/api/v1/items", json={"text": "x"})
        assert answer.status_code == 422
        assert answer.json()["field"] == "body"
        answer = client.post(
            "/api/v1/items", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert answer.status_code == 422


def test_oversized_body_is_refused_with_413(shared_server: LiveServer) -> None:
    huge = b'{"body": "bcc-yokota", "text": "' + b"x" * (17 * 1024 * 1024) + b'"}'
    with shared_server.login("k.reyes") as client:
        answer = client.post(
            "/api/v1/items", content=huge, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"


def test_oversized_chunked_body_is_refused_with_413(shared_server: LiveServer) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"body": "bcc-yokota", "text": "'
        for _ in range(17):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    with shared_server.login("k.reyes") as client:
        answer = client.post(
            "/api/v1/items", content=chunks(), headers={"content-type": "application/json"}
        )
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(tmp_path: Path) -> None:
    with live_server(tmp_path, tls=True) as server, server.client() as client:
        answer = client.post(
            "/api/v1/login", json={"login": "t.aoki", "password": server.passwords["t.aoki"]}
        )
        assert answer.status_code == 200
        assert "secure" in answer.headers["set-cookie"].lower()
        assert answer.headers["strict-transport-security"].startswith("max-age=")
        assert "strict-transport-security" in client.get("/health").headers
