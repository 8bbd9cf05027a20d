"""The feed's messages (docs/feed.md): JSON objects with a ``type``; items carry their global
sequence number as ``cursor``. Server messages are encoded once and shared by every
recipient's queue, so fan-out costs one ``json.dumps`` per item, not per subscriber."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bcm.domain.model import Item
from bcm.errors import InvalidInput

ItemEncoder = Callable[[Item], dict[str, Any]]


def item_fields(item: Item) -> dict[str, Any]:
    """An item in the API's shape (``ItemOut`` in the web layer; a test keeps them equal)."""
    return {
        "id": item.id,
        "seq": item.seq,
        "body": item.body,
        "author": item.author,
        "organization": item.organization,
        "label": item.label,
        "mode": item.mode.value,
        "created_at": item.created_at.isoformat().replace("+00:00", "Z"),
        "text": item.text,
        "paragraphs": [{"mark": p.mark, "text": p.text} for p in item.paragraphs],
        "supersedes": item.supersedes,
    }


def encode(message: dict[str, Any]) -> str:
    """Compact JSON text of a message."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def item_message(item: Item, fields: ItemEncoder = item_fields) -> str:
    """``{"type": "item", "cursor": seq, "item": {...}}``."""
    return encode({"type": "item", "cursor": item.seq, "item": fields(item)})


def hello_message(*, cursor: int, since: int | None, heartbeat: float, bodies: list[str]) -> str:
    """The first message: where live delivery starts and how often heartbeats come."""
    return encode(
        {
            "type": "hello",
            "cursor": cursor,
            "since": since,
            "heartbeat": heartbeat,
            "bodies": bodies,
        }
    )


def live_message(cursor: int) -> str:
    """Replay is complete up to ``cursor``; live items follow."""
    return encode({"type": "live", "cursor": cursor})


def heartbeat_message(cursor: int) -> str:
    """Sent when nothing else was for a heartbeat interval; ``cursor`` is the server's."""
    return encode({"type": "heartbeat", "cursor": cursor})


def resync_message(cursor: int, reason: str) -> str:
    """The queue overflowed: reconnect with ``since=cursor``; the connection then ends."""
    return encode({"type": "resync", "cursor": cursor, "reason": reason})


def closed_message(reason: str) -> str:
    """The server ends the connection (access ended, server stopping)."""
    return encode({"type": "closed", "reason": reason})


@dataclass(frozen=True, slots=True)
class Ack:
    """A client's acknowledgment: it holds every item it is owed up to ``cursor``."""

    cursor: int


def parse_client_message(text: str) -> Ack | None:
    """An ``ack`` (``{"type": "ack", "cursor": N}``), or None for a ``ping``; anything else is
    :class:`InvalidInput`."""
    try:
        message = json.loads(text)
    except ValueError:
        raise InvalidInput("message", "a JSON object") from None
    if not isinstance(message, dict):
        raise InvalidInput("message", "a JSON object")
    kind = message.get("type")
    if kind == "ping":
        return None
    cursor = message.get("cursor")
    if kind != "ack" or not isinstance(cursor, int) or isinstance(cursor, bool) or cursor < 0:
        raise InvalidInput("message", '{"type": "ack", "cursor": <non-negative integer>}')
    return Ack(cursor)
