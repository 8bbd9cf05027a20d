"""The OpenAPI document of the API, as kept in ``docs/openapi.json``.

Regenerate after changing a route: ``.venv/bin/python -m bcm.web.openapi > docs/openapi.json``
(``tests/web/test_openapi_document.py`` fails while the file is stale).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bcm.web.app import create_app


def openapi_document() -> dict[str, Any]:
    """The document as the app serves it."""
    document: dict[str, Any] = create_app(None).openapi()
    return document


def render() -> str:
    """The document as stored: sorted keys, two-space indent, final newline."""
    return json.dumps(openapi_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
