"""Structured JSON logs: one object per line, with no secrets and no item contents.

Records carry only what the call site passes in ``extra={"fields": {...}}``; the access log
writes method, route template, status, duration and the acting person's id — never headers,
cookies, query strings, request bodies or labels' contents.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON object."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as JSON: time, level, logger, message, then its ``fields``."""
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            data["exception"] = record.exc_info[0].__name__
        return json.dumps(data, default=str, separators=(",", ":"))


def configure_json_logging(level: int = logging.INFO, stream: Any = None) -> None:
    """Send BCM's and uvicorn's logs to ``stream`` (stderr) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("bcm", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # uvicorn's own access log prints the query string; ours (bcm.web.access) does not.
    logging.getLogger("uvicorn.access").disabled = True
