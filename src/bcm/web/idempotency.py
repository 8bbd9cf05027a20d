"""Idempotency keys for item posts: a retried or concurrent post with the same key gets the
first post's item, never a second item.

The claim is a row with a unique (person, key): whoever inserts it posts; everyone else
waits for its item id. A failed post releases its claims, so a retry can post. If the
server dies between the item's commit and the recording of its id, the claim stays without
an item and a retry gets 409 (outcome unknown) rather than a possible duplicate; closing
that window needs the key stored in the item's own transaction (a services change).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bcm.auth.tables import idempotency as table
from bcm.errors import Conflict


def fingerprint(payload: dict[str, Any]) -> str:
    """A digest of the request a key was first used with."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Claim:
    """A key as stored: its request's fingerprint and, once committed, its item id."""

    key: str
    fingerprint: str
    item_id: str | None


# Built once: on SQLite, constructing a statement costs more than running it.
_CLAIM = insert(table)
_COMPLETE = (
    update(table)
    .where(table.c.person_id == bindparam("p"), table.c.key == bindparam("k"))
    .values(item_id=bindparam("item"))
)


class IdempotencyStore:
    """Claims on the auth engine (blocking calls: run them in a thread)."""

    def __init__(self, engine: Engine, *, wait_seconds: float = 10.0) -> None:
        self.engine = engine
        self.wait_seconds = wait_seconds

    def claim(self, person_id: str, keys: dict[str, str], now: datetime) -> dict[str, Claim] | None:
        """Claim every key (key → fingerprint) at once: None when claimed; otherwise the
        existing claims of those keys (the caller must not post)."""
        rows = [
            {"person_id": person_id, "key": k, "fingerprint": f, "created_at": now}
            for k, f in keys.items()
        ]
        try:
            with self.engine.begin() as conn:
                conn.execute(_CLAIM, rows)
            return None
        except IntegrityError:
            return self._existing(person_id, list(keys))

    def _existing(self, person_id: str, keys: list[str]) -> dict[str, Claim]:
        query = select(table).where(table.c.person_id == person_id, table.c.key.in_(keys))
        with self.engine.connect() as conn:
            return {r.key: Claim(r.key, r.fingerprint, r.item_id) for r in conn.execute(query)}

    def complete(self, person_id: str, items: dict[str, str]) -> None:
        """Record the committed item of each key (key → item id)."""
        rows = [{"p": person_id, "k": key, "item": item_id} for key, item_id in items.items()]
        with self.engine.begin() as conn:
            conn.execute(_COMPLETE, rows)

    def release(self, person_id: str, keys: list[str]) -> None:
        """Drop claims whose post failed, so a retry can post."""
        with self.engine.begin() as conn:
            conn.execute(
                delete(table).where(
                    table.c.person_id == person_id,
                    table.c.key.in_(keys),
                    table.c.item_id.is_(None),
                )
            )

    def settled(self, person_id: str, keys: dict[str, str]) -> dict[str, str]:
        """Wait for other requests' claims on ``keys`` to commit: key → item id.

        ``Conflict`` when a key was used with a different request, or its outcome is still
        unknown after the wait.
        """
        deadline = time.monotonic() + self.wait_seconds
        while True:
            existing = self._existing(person_id, list(keys))
            for key, fp in keys.items():
                found = existing.get(key)
                if found is not None and found.fingerprint != fp:
                    raise Conflict(f"Idempotency-Key {key!r} was used for a different request")
            done = {k: c.item_id for k, c in existing.items() if c.item_id is not None}
            if len(done) == len(keys):
                return done
            if len(existing) < len(keys) or time.monotonic() > deadline:
                raise Conflict("a request with this Idempotency-Key is in progress or failed")
            time.sleep(0.02)
