"""Bearer secrets: API tokens and session identifiers.

Both are 256 random bits; only their SHA-256 is stored, so a copy of the database does not
let anyone act as a user. SHA-256 (not argon2) is right here: the secret has full entropy, so
a fast hash costs an attacker nothing, and each request can be checked in microseconds.
"""

from __future__ import annotations

import hashlib
import secrets
from enum import StrEnum

TOKEN_PREFIX = "bcm_"  # noqa: S105 - a public prefix, not a secret


class Scope(StrEnum):
    """Actions an API token may be granted. Sessions of people hold every scope."""

    ITEMS_READ = "items:read"
    ITEMS_WRITE = "items:write"
    BODIES_READ = "bodies:read"
    PEOPLE_READ = "people:read"
    METRICS_READ = "metrics:read"


ALL_SCOPES = frozenset(Scope)


def parse_scopes(names: list[str] | tuple[str, ...]) -> frozenset[Scope]:
    """Scopes named in ``names``; raises ``ValueError`` naming the first unknown one."""
    try:
        return frozenset(Scope(name) for name in names)
    except ValueError:
        unknown = next(name for name in names if name not in {s.value for s in Scope})
        raise ValueError(unknown) from None


def new_secret(prefix: str = "") -> tuple[str, str]:
    """A fresh secret and the SHA-256 hex digest to store for it."""
    secret = prefix + secrets.token_urlsafe(32)
    return secret, digest(secret)


def new_api_token() -> tuple[str, str]:
    """A fresh API token (``bcm_…``) and its stored digest."""
    return new_secret(TOKEN_PREFIX)


def digest(secret: str) -> str:
    """SHA-256 hex digest of a bearer secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
