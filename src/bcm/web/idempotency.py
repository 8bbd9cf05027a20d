"""Idempotency keys of item posts: the fingerprint of the request a key comes with.

A key is stored with the item it produced, in the item's own transaction (``post_keys``,
migration r0006; ``bcm.web.routes.items.post_under_keys``): a retried or concurrent post
with the same key finds it and gets the first post's item, never a second one; the same key
with another request is a conflict. A post that fails stores no key, so a retry may post.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def fingerprint(payload: dict[str, Any]) -> str:
    """A digest of the request a key was first used with."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
