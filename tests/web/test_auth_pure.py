"""The pure parts of authentication: TOTP vectors, password hashing, lifetime and lockout rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bcm.auth import totp
from bcm.auth.passwords import CHEAP, Passwords
from bcm.auth.policy import FailureState, LockoutPolicy, SessionPolicy
from bcm.auth.ratelimit import FailureRateLimit
from bcm.auth.tokens import digest, new_api_token, parse_scopes
from bcm.domain.clock import FakeClock
from bcm.errors import InvalidInput

RFC_SECRET = totp.base64.b32encode(b"12345678901234567890").decode()
T0 = datetime(2026, 2, 20, 9, 0, tzinfo=UTC)


# RFC 6238 Appendix B, SHA-1 rows (8 digits).
@pytest.mark.parametrize(
    ("unix", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_totp_matches_the_rfc_6238_vectors(unix: int, code: str) -> None:
    assert totp.totp(RFC_SECRET, unix, digits=8) == code


def test_totp_verify_accepts_one_step_of_drift_and_no_more() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0
    code = totp.totp(secret, now)
    assert totp.verify(secret, code, now) == totp.time_step(now)
    assert totp.verify(secret, code, now + 30) == totp.time_step(now)
    assert totp.verify(secret, code, now + 90) is None
    assert totp.verify(secret, "12345", now) is None
    assert totp.verify(secret, "abcdef", now) is None


def test_provisioning_uri_names_issuer_and_account() -> None:
    uri = totp.provisioning_uri("ABCDEF", "ito.h")
    assert uri.startswith("otpauth://totp/BCM%3Aito.h?")
    assert "secret=ABCDEF" in uri


def test_passwords_verify_only_the_right_one() -> None:
    passwords = Passwords(CHEAP)
    encoded = passwords.hash("correct horse battery")
    assert encoded.startswith("$argon2id$")
    assert passwords.verify(encoded, "correct horse battery")
    assert not passwords.verify(encoded, "wrong horse battery")
    assert not passwords.verify(None, "correct horse battery")
    assert not passwords.verify("not a hash", "correct horse battery")


def test_short_password_is_refused_naming_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        Passwords(CHEAP).hash("short")
    assert raised.value.field == "password"


def test_tokens_are_distinct_and_stored_as_sha256() -> None:
    first, first_hash = new_api_token()
    second, _ = new_api_token()
    assert first != second
    assert first.startswith("bcm_")
    assert len(first) > 40
    assert first_hash == digest(first)
    assert len(first_hash) == 64
    assert first not in first_hash


def test_unknown_scope_is_named() -> None:
    with pytest.raises(ValueError, match="items:delete"):
        parse_scopes(["items:read", "items:delete"])


def test_session_ends_after_idle_or_absolute_limit() -> None:
    policy = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=12))
    assert policy.alive(created_at=T0, last_seen_at=T0, now=T0 + timedelta(minutes=29))
    assert not policy.alive(created_at=T0, last_seen_at=T0, now=T0 + timedelta(minutes=30))
    late = T0 + timedelta(hours=11, minutes=59)
    assert policy.alive(created_at=T0, last_seen_at=late, now=late + timedelta(seconds=30))
    assert not policy.alive(created_at=T0, last_seen_at=late, now=T0 + timedelta(hours=12))


def test_lockout_after_max_failures_within_window_then_expires() -> None:
    policy = LockoutPolicy(max_failures=3, window=timedelta(minutes=5), lockout=timedelta(10))
    state = FailureState()
    for minute in range(2):
        state = policy.after_failure(state, T0 + timedelta(minutes=minute))
        assert not policy.locked(state, T0 + timedelta(minutes=minute))
    before = state
    state = policy.after_failure(state, T0 + timedelta(minutes=2))
    assert policy.newly_locked(before, state, T0 + timedelta(minutes=2))
    assert policy.locked(state, T0 + timedelta(minutes=3))
    assert not policy.locked(state, T0 + timedelta(minutes=2, days=10))


def test_failures_spread_beyond_the_window_do_not_lock() -> None:
    policy = LockoutPolicy(max_failures=3, window=timedelta(minutes=5))
    state = FailureState()
    for step in range(6):
        state = policy.after_failure(state, T0 + timedelta(minutes=6 * step))
        assert not policy.locked(state, T0 + timedelta(minutes=6 * step))


def test_rate_limit_blocks_an_address_for_its_window_only() -> None:
    clock = FakeClock(T0)
    limit = FailureRateLimit(clock, limit=2, window=timedelta(minutes=1))
    limit.record_failure("10.0.0.1")
    assert not limit.blocked("10.0.0.1")
    limit.record_failure("10.0.0.1")
    assert limit.blocked("10.0.0.1")
    assert not limit.blocked("10.0.0.2")
    clock.advance(timedelta(minutes=1, seconds=1))
    assert not limit.blocked("10.0.0.1")
