"""docs/openapi.json is the document the app serves; this fails while it is stale."""

from __future__ import annotations

from pathlib import Path

from bcm.web.openapi import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_docs_openapi_json_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/openapi.json is stale: .venv/bin/python -m bcm.web.openapi > docs/openapi.json"
    )


def test_every_operation_documents_its_errors_and_security() -> None:
    import json

    document = json.loads(DOC.read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
            public = (method, path) in {("post", "/api/v1/login"), ("get", "/health")}
            assert public or operation.get("security"), (method, path)
