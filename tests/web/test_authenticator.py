"""Authentication state on a real SQLite file, a fake clock and a hand-written directory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bcm.auth import totp
from bcm.auth.authenticator import (
    Authenticator,
    AuthSettings,
    LoginThrottled,
    SecondFactorRequired,
)
from bcm.auth.passwords import CHEAP, Passwords
from bcm.auth.policy import LockoutPolicy, SessionPolicy
from bcm.auth.ratelimit import FailureRateLimit
from bcm.auth.store import AuthStore
from bcm.auth.tokens import Scope, digest
from bcm.domain.clock import FakeClock
from bcm.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from bcm.web.serving import open_auth_engine
from tests.web.fakes import FakeDirectory

PASSWORD = "correct horse battery"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'auth.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def auth(engine_url: str, clock: FakeClock, directory: FakeDirectory) -> Iterator[Authenticator]:
    store = AuthStore(open_auth_engine(engine_url))
    store.create_tables()
    settings = AuthSettings(
        sessions=SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=8)),
        lockout=LockoutPolicy(max_failures=3, window=timedelta(minutes=10)),
    )
    authenticator = Authenticator(
        store,
        directory,
        clock,
        passwords=Passwords(CHEAP),
        settings=settings,
        rate_limit=FailureRateLimit(clock, limit=100),
    )
    for login in ("ito", "smith"):
        who = directory.add(login, operator=login == "smith")
        authenticator.set_password(who.person_id, PASSWORD)
    yield authenticator
    store.close()


def test_login_opens_a_session_that_authenticates(auth: Authenticator) -> None:
    secret, principal = auth.login("ito", PASSWORD, address="a")
    assert principal.login == "ito"
    assert auth.resolve(auth.authenticate_session(secret)).person_id == "id-ito"
    assert "login.succeeded" in auth.directory.actions()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("login", "password"), [("ito", "wrong password!"), ("nobody", PASSWORD)])
def test_wrong_password_and_unknown_login_get_the_same_answer(
    auth: Authenticator, directory: FakeDirectory, login: str, password: str
) -> None:
    with pytest.raises(Unauthenticated, match=r"^login failed$"):
        auth.login(login, password, address="a")
    assert directory.actions()[-1] == "login.failed"


def test_session_idle_and_absolute_expiry(auth: Authenticator, clock: FakeClock) -> None:
    secret, _ = auth.login("ito", PASSWORD)
    clock.advance(timedelta(minutes=29))
    auth.authenticate_session(secret)  # use keeps it alive
    clock.advance(timedelta(minutes=29))
    auth.authenticate_session(secret)
    clock.advance(timedelta(minutes=31))
    with pytest.raises(Unauthenticated):
        auth.authenticate_session(secret)

    secret, _ = auth.login("ito", PASSWORD)
    for _ in range(16):  # used every 29 minutes, never idle: alive until 7 h 44 min
        clock.advance(timedelta(minutes=29))
        auth.authenticate_session(secret)
    clock.advance(timedelta(minutes=16))  # 8 hours after login
    with pytest.raises(Unauthenticated, match="expired"):
        auth.authenticate_session(secret)


def test_logout_ends_the_session(auth: Authenticator) -> None:
    secret, principal = auth.login("ito", PASSWORD)
    auth.logout(principal, secret)
    with pytest.raises(Unauthenticated):
        auth.authenticate_session(secret)


def test_lockout_refuses_even_the_right_password_until_it_expires(
    auth: Authenticator, clock: FakeClock, directory: FakeDirectory
) -> None:
    for _ in range(3):
        with pytest.raises(Unauthenticated):
            auth.login("ito", "not the password")
    assert directory.actions().count("login.locked") == 1
    with pytest.raises(Unauthenticated, match=r"^login failed$"):
        auth.login("ito", PASSWORD)
    clock.advance(timedelta(minutes=16))
    _secret, principal = auth.login("ito", PASSWORD)
    assert principal.login == "ito"
    assert auth.store.account("id-ito").failures.failures == 0  # type: ignore[union-attr]


def test_rate_limit_per_address(auth: Authenticator, clock: FakeClock) -> None:
    auth.rate_limit = FailureRateLimit(clock, limit=2)
    for login in ("a", "b"):
        with pytest.raises(Unauthenticated):
            auth.login(login, PASSWORD, address="10.1.1.1")
    with pytest.raises(LoginThrottled):
        auth.login("ito", PASSWORD, address="10.1.1.1")
    auth.login("ito", PASSWORD, address="10.1.1.2")


def test_totp_required_once_enrolled_and_not_replayable(
    auth: Authenticator, clock: FakeClock
) -> None:
    _, principal = auth.login("ito", PASSWORD)
    secret, uri = auth.begin_totp(principal)
    assert secret in uri
    with pytest.raises(InvalidInput):
        auth.confirm_totp(principal, "000000" if totp.totp(secret, 0) != "000000" else "111111")
    auth.confirm_totp(principal, totp.totp(secret, clock.now().timestamp()))
    clock.advance(timedelta(seconds=30))
    with pytest.raises(SecondFactorRequired):
        auth.login("ito", PASSWORD)
    code = totp.totp(secret, clock.now().timestamp())
    auth.login("ito", PASSWORD, code=code)
    with pytest.raises(Unauthenticated, match=r"^login failed$"):
        auth.login("ito", PASSWORD, code=code)  # replayed within its window
    clock.advance(timedelta(seconds=30))
    with pytest.raises(Unauthenticated):
        auth.login("ito", PASSWORD, code="12345x")
    with pytest.raises(Conflict):  # a session cannot swap the second factor
        auth.begin_totp(principal)
    auth.reset_totp("id-ito")
    auth.login("ito", PASSWORD)
    auth.begin_totp(principal)


def test_token_scopes_expiry_and_revocation(auth: Authenticator, clock: FakeClock) -> None:
    _, principal = auth.login("ito", PASSWORD)
    new = auth.create_token(
        principal,
        name="sensor",
        scopes=frozenset({Scope.ITEMS_WRITE}),
        lifetime=timedelta(days=1),
    )
    caller = auth.authenticate_token(new.secret)
    assert caller.via == "token"
    assert caller.may(Scope.ITEMS_WRITE)
    assert not caller.may(Scope.ITEMS_READ)
    assert [t.id for t in auth.tokens(principal)] == [new.token.id]
    clock.advance(timedelta(days=1))
    with pytest.raises(Unauthenticated):
        auth.authenticate_token(new.secret)

    other = auth.create_token(principal, name="x", scopes=frozenset({Scope.ITEMS_READ}))
    auth.revoke_token(principal, other.token.id)
    with pytest.raises(Unauthenticated):
        auth.authenticate_token(other.secret)
    with pytest.raises(NotFound):
        auth.revoke_token(principal, other.token.id)


def test_token_cannot_mint_tokens_and_metrics_scope_is_for_operators(
    auth: Authenticator,
) -> None:
    _, principal = auth.login("ito", PASSWORD)
    with pytest.raises(Forbidden):
        auth.create_token(principal, name="m", scopes=frozenset({Scope.METRICS_READ}))
    new = auth.create_token(principal, name="t", scopes=frozenset({Scope.ITEMS_READ}))
    with pytest.raises(Forbidden):
        auth.create_token(
            auth.resolve(auth.authenticate_token(new.secret)),
            name="t2",
            scopes=frozenset({Scope.ITEMS_READ}),
        )
    _, operator = auth.login("smith", PASSWORD)
    auth.create_token(operator, name="m", scopes=frozenset({Scope.METRICS_READ}))


def test_token_use_is_audited_at_most_once_per_interval(
    auth: Authenticator, directory: FakeDirectory, clock: FakeClock
) -> None:
    _, principal = auth.login("ito", PASSWORD)
    new = auth.create_token(principal, name="t", scopes=frozenset({Scope.ITEMS_READ}))
    for _ in range(5):
        auth.authenticate_token(new.secret)
    assert directory.actions().count("token.used") == 1
    clock.advance(timedelta(minutes=2))
    auth.authenticate_token(new.secret)
    assert directory.actions().count("token.used") == 2


@pytest.mark.parametrize("how", ["disable", "clearance"])
def test_disabled_account_or_lost_standing_ends_sessions_and_tokens_at_once(
    auth: Authenticator, directory: FakeDirectory, how: str
) -> None:
    secret, principal = auth.login("ito", PASSWORD)
    token = auth.create_token(principal, name="t", scopes=frozenset({Scope.ITEMS_READ}))
    assert auth.resolve(auth.authenticate_token(token.secret)).login == "ito"
    if how == "disable":
        auth.set_disabled("id-ito", True)
    else:
        directory.barred["id-ito"] = "clearance revoked"
        with pytest.raises(Unauthenticated):
            auth.resolve(auth.authenticate_session(secret))
    with pytest.raises(Unauthenticated):
        auth.authenticate_session(secret)
    with pytest.raises(Unauthenticated):
        auth.authenticate_token(token.secret)
    assert "access.ended" in directory.actions()
    directory.barred.clear()
    auth.set_disabled("id-ito", False)
    with pytest.raises(Unauthenticated):  # ended for good, not merely suspended
        auth.authenticate_token(token.secret)
    with pytest.raises(Unauthenticated):
        auth.authenticate_session(secret)


def test_a_person_without_standing_cannot_log_in(
    auth: Authenticator, directory: FakeDirectory
) -> None:
    directory.barred["id-ito"] = "no current clearance"
    with pytest.raises(Unauthenticated, match=r"^login failed$"):
        auth.login("ito", PASSWORD)
    assert directory.entries[-1].detail["reason"] == "no current clearance"


def test_per_request_reads_agree_with_the_full_rows(
    auth: Authenticator, clock: FakeClock, engine_url: str
) -> None:
    """On a SQLite file the per-request reads bypass SQLAlchemy; what they return must be
    what the SQLAlchemy reads of the same rows return, revocation and ending included."""
    store = auth.store
    assert (store._reads is not None) == engine_url.startswith("sqlite")
    secret, principal = auth.login("ito", PASSWORD)
    new = auth.create_token(principal, name="sensor", scopes=frozenset({Scope.ITEMS_READ}))
    auth.authenticate_token(new.secret)  # records the use: last_used_at is set
    token_hash, session_hash = digest(new.secret), digest(secret)
    assert store.token_if_enabled(token_hash) == store.token_by_hash(token_hash)
    assert store.session_if_enabled(session_hash) == store.session(session_hash)
    found = store.token_if_enabled(token_hash)
    assert found is not None
    assert found.last_used_at is not None
    assert found.created_at.tzinfo is not None
    assert found.last_used_at.tzinfo is not None
    auth.revoke_token(principal, new.token.id)
    auth.logout(principal, secret)
    revoked, ended = store.token_if_enabled(token_hash), store.session_if_enabled(session_hash)
    assert revoked is not None
    assert revoked.revoked_at == store.token_by_hash(token_hash).revoked_at
    assert ended is not None
    assert ended.ended_at is not None
    assert store.token_if_enabled(digest("bcm_unknown")) is None
