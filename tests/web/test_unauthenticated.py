"""Every operation of the OpenAPI document but login and health rejects an unauthenticated
call — with no credentials, a forged token, or a forged session cookie."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bcm.web.app import PUBLIC_OPERATIONS
from tests.web.server import LiveServer

METHODS = ("get", "post", "put", "patch", "delete")


def _operations(server: LiveServer) -> list[tuple[str, str]]:
    with server.login("ops.sato") as client:
        document: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in METHODS
        if method in item
    ]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_the_document_lists_the_api(shared_server: LiveServer) -> None:
    operations = _operations(shared_server)
    assert ("POST", "/api/v1/items") in operations
    assert ("GET", "/metrics") in operations
    assert set(PUBLIC_OPERATIONS) <= set(operations)
    assert len(operations) > 15


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": "Bearer bcm_forged"}, {"cookie": "bcm_session=forged"}],
    ids=["none", "forged-token", "forged-cookie"],
)
def test_every_operation_but_login_and_health_rejects_unauthenticated_calls(
    shared_server: LiveServer, headers: dict[str, str]
) -> None:
    checked = 0
    with shared_server.client() as client:
        for method, path in _operations(shared_server):
            if (method, path) in PUBLIC_OPERATIONS:
                continue
            answer = client.request(method, _concrete(path), json={}, headers=headers)
            assert answer.status_code == 401, (method, path, answer.text)
            assert answer.json()["error"] == "unauthenticated"
            checked += 1
        assert client.get("/api/v1/openapi.json", headers=headers).status_code == 401
    assert checked > 15


def test_public_operations_answer_without_credentials(shared_server: LiveServer) -> None:
    with shared_server.client() as client:
        assert client.get("/health").status_code == 200
        login = client.post("/api/v1/login", json={"login": "x", "password": "y"})
    assert login.status_code == 401  # reachable: it checked the credentials
    assert login.json()["message"] == "login failed"
