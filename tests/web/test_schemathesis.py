"""schemathesis over docs/openapi.json against a live server, authenticated as a persona with
a session cookie and an all-scope API token: no 5xx, every response matches the schema.
Examples are bounded so the whole run stays well under a minute."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.server import LiveServer

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
schema = schemathesis.openapi.from_dict(json.loads(DOC.read_text(encoding="utf-8")))
# One server for the whole module under `make test` (pytest -n 2 --dist loadgroup).
pytestmark = pytest.mark.xdist_group("schemathesis")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def auth_headers(shared_server: LiveServer) -> tuple[str, dict[str, str]]:
    token = shared_server.token(
        "ops.sato", ["items:read", "items:write", "bodies:read", "people:read", "metrics:read"]
    )
    headers = {"Authorization": f"Bearer {token}"}
    with shared_server.client() as client:  # the fuzzing below runs authenticated
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert client.get("/metrics", headers=headers).status_code == 200
    return shared_server.url, headers


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(
    case: schemathesis.Case, auth_headers: tuple[str, dict[str, str]]
) -> None:
    url, headers = auth_headers
    case.call_and_validate(base_url=url, headers=headers, checks=CHECKS)
