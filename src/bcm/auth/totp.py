"""Time-based one-time passwords, RFC 6238 (on HOTP, RFC 4226), with the standard library.

Defaults are what authenticator apps expect: SHA-1, 30-second steps from the Unix epoch,
6 digits. Verification accepts one step either side for clock drift and returns the step
used, so the caller can refuse a code replayed within its validity window.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_SECONDS = 30
DIGITS = 6


def new_secret() -> str:
    """A random 160-bit secret in unpadded base32, as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret_b32: str) -> bytes:
    cleaned = secret_b32.strip().replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226 §5.3: HMAC the 8-byte counter, dynamically truncate, keep ``digits`` digits."""
    mac = hmac.new(key, struct.pack(">Q", counter), algorithm).digest()
    offset = mac[-1] & 0x0F
    code = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def time_step(unix_seconds: float) -> int:
    """RFC 6238 §4.2: T = floor((unix time - T0) / X) with T0 = 0 and X = 30 s."""
    return int(unix_seconds // STEP_SECONDS)


def totp(secret_b32: str, unix_seconds: float, *, digits: int = DIGITS) -> str:
    """The code for ``secret_b32`` at ``unix_seconds``."""
    return hotp(_key(secret_b32), time_step(unix_seconds), digits=digits)


def verify(secret_b32: str, code: str, unix_seconds: float, *, drift: int = 1) -> int | None:
    """The time step ``code`` matches within ``drift`` steps of now, else None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    key = _key(secret_b32)
    now = time_step(unix_seconds)
    for step in range(now - drift, now + drift + 1):
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret_b32: str, account: str, *, issuer: str = "BCM") -> str:
    """An ``otpauth://`` URI (Key Uri Format) for enrolling an authenticator app."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret_b32, "issuer": issuer, "digits": DIGITS})
    return f"otpauth://totp/{label}?{query}"
