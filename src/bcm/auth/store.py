"""Reads and writes of the auth tables; plain store operations, no rules (see authenticator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import DateTime, Engine, Table, bindparam, insert, select, update

from bcm.auth import tables as t
from bcm.auth.localreads import LocalReads, local_file, parse_time
from bcm.auth.policy import FailureState
from bcm.auth.tokens import Scope


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; everything stored is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _utc_req(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Account:
    """A person's credentials and login state."""

    person_id: str
    password_hash: str | None
    totp_secret: str | None
    totp_pending: str | None
    totp_last_step: int | None
    failures: FailureState
    disabled_at: datetime | None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A session as stored (the secret itself is never stored)."""

    person_id: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class TokenRow:
    """An API token as stored (without its secret)."""

    id: str
    person_id: str
    name: str
    scopes: frozenset[Scope]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


def _account(row: Any) -> Account:
    failures = FailureState(row.failures, _utc(row.first_failure_at), _utc(row.locked_until))
    return Account(
        row.person_id,
        row.password_hash,
        row.totp_secret,
        row.totp_pending,
        row.totp_last_step,
        failures,
        _utc(row.disabled_at),
        row.language,
    )


def _token(row: Any) -> TokenRow:
    scopes = frozenset(Scope(name) for name in row.scopes.split())
    return TokenRow(
        row.id,
        row.person_id,
        row.name,
        scopes,
        _utc_req(row.created_at),
        _utc_req(row.expires_at),
        _utc(row.revoked_at),
        _utc(row.last_used_at),
    )


# Built once: the per-request credential checks then skip statement construction, which
# costs more than the SQLite query itself.
_TOKEN_IF_ENABLED = (
    select(t.tokens)
    .join(t.accounts, t.accounts.c.person_id == t.tokens.c.person_id)
    .where(t.tokens.c.hash == bindparam("digest"), t.accounts.c.disabled_at.is_(None))
)
_SESSION_IF_ENABLED = (
    select(t.sessions)
    .join(t.accounts, t.accounts.c.person_id == t.sessions.c.person_id)
    .where(t.sessions.c.id_hash == bindparam("digest"), t.accounts.c.disabled_at.is_(None))
)


def _session(row: Any) -> SessionRow:
    return SessionRow(
        row.person_id,
        _utc_req(row.created_at),
        _utc_req(row.last_seen_at),
        _utc(row.ended_at),
    )


def _local(table: Table, raw: tuple[Any, ...]) -> SimpleNamespace:
    """A row read by :class:`LocalReads` (plain SQLite values, in table order) as SQLAlchemy
    would hand it over: attributes by column name, stored time text parsed."""
    values = {
        name: parse_time(value) if is_time else value
        for (name, is_time), value in zip(_COLUMNS[table.name], raw, strict=True)
    }
    return SimpleNamespace(**values)


# (name, whether it holds a time) of each column of the tables LocalReads reads, in order
_COLUMNS = {
    table.name: [(c.name, isinstance(c.type, DateTime)) for c in table.columns]
    for table in (t.tokens, t.sessions)
}


class AuthStore:
    """The auth tables on one SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # A local file (or memory) database: reads take microseconds, no network round trip.
        self.local = engine.dialect.name == "sqlite"
        path = local_file(engine)
        self._reads = None if path is None else LocalReads(path)
        self._token_sql = LocalReads.compile(_TOKEN_IF_ENABLED)
        self._session_sql = LocalReads.compile(_SESSION_IF_ENABLED)

    def close(self) -> None:
        """Release every connection."""
        if self._reads is not None:
            self._reads.close()
        self.engine.dispose()

    def create_tables(self) -> None:
        """Create the tables where migrations do not run (throwaway test databases)."""
        t.metadata.create_all(self.engine)

    # -- accounts --------------------------------------------------------------------------

    def account(self, person_id: str) -> Account | None:
        """The account of ``person_id``, or None when it has no credentials yet."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.accounts).where(t.accounts.c.person_id == person_id))
            found = row.first()
        return _account(found) if found else None

    def update_account(self, person_id: str, now: datetime, **values: Any) -> None:
        """Set columns of the account, creating it first when missing."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.accounts)
                .where(t.accounts.c.person_id == person_id)
                .values(updated_at=now, **values)
            )
            if done.rowcount == 0:
                conn.execute(
                    insert(t.accounts).values(
                        {"person_id": person_id, "failures": 0, "updated_at": now, **values}
                    )
                )

    def save_failures(self, person_id: str, state: FailureState, now: datetime) -> None:
        """Store the failed-login state of an account."""
        self.update_account(
            person_id,
            now,
            failures=state.failures,
            first_failure_at=state.first_failure_at,
            locked_until=state.locked_until,
        )

    def claim_totp_step(self, person_id: str, step: int) -> bool:
        """Record ``step`` as used; False when it (or a later one) was used: a replayed code."""
        accounts = t.accounts.c
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.accounts)
                .where(accounts.person_id == person_id)
                .where((accounts.totp_last_step.is_(None)) | (accounts.totp_last_step < step))
                .values(totp_last_step=step)
            )
        return done.rowcount == 1

    # -- sessions --------------------------------------------------------------------------

    def create_session(self, id_hash: str, person_id: str, now: datetime) -> None:
        """Store a new session."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.sessions).values(
                    id_hash=id_hash, person_id=person_id, created_at=now, last_seen_at=now
                )
            )

    def session(self, id_hash: str) -> SessionRow | None:
        """The session with this digest, ended or not."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sessions).where(t.sessions.c.id_hash == id_hash)).first()
        return None if row is None else _session(row)

    def touch_session(self, id_hash: str, now: datetime) -> None:
        """Record use of a session."""
        with self.engine.begin() as conn:
            conn.execute(
                update(t.sessions).where(t.sessions.c.id_hash == id_hash).values(last_seen_at=now)
            )

    def end_session(self, id_hash: str, now: datetime, reason: str) -> None:
        """End one session."""
        with self.engine.begin() as conn:
            conn.execute(
                update(t.sessions)
                .where(t.sessions.c.id_hash == id_hash, t.sessions.c.ended_at.is_(None))
                .values(ended_at=now, end_reason=reason)
            )

    def end_everything_of(self, person_id: str, now: datetime, reason: str) -> tuple[int, int]:
        """End every live session and revoke every live token of a person, in one transaction.

        Returns (sessions ended, tokens revoked).
        """
        with self.engine.begin() as conn:
            ended = conn.execute(
                update(t.sessions)
                .where(t.sessions.c.person_id == person_id, t.sessions.c.ended_at.is_(None))
                .values(ended_at=now, end_reason=reason)
            ).rowcount
            revoked = conn.execute(
                update(t.tokens)
                .where(t.tokens.c.person_id == person_id, t.tokens.c.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount
        return ended, revoked

    # -- tokens ----------------------------------------------------------------------------

    def create_token(self, token: TokenRow, token_hash: str) -> None:
        """Store a new API token under the digest of its secret."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.tokens).values(
                    id=token.id,
                    hash=token_hash,
                    person_id=token.person_id,
                    name=token.name,
                    scopes=" ".join(sorted(token.scopes)),
                    created_at=token.created_at,
                    expires_at=token.expires_at,
                )
            )

    def token_if_enabled(self, token_hash: str) -> TokenRow | None:
        """The token with this digest if its account exists and is not disabled: one query,
        on every API request."""
        if self._reads is not None:
            raw = self._reads.first(self._token_sql, (token_hash,))
            return None if raw is None else _token(_local(t.tokens, raw))
        with self.engine.connect() as conn:
            row = conn.execute(_TOKEN_IF_ENABLED, {"digest": token_hash}).first()
        return _token(row) if row else None

    def session_if_enabled(self, id_hash: str) -> SessionRow | None:
        """The session with this digest if its account exists and is not disabled."""
        if self._reads is not None:
            raw = self._reads.first(self._session_sql, (id_hash,))
            return None if raw is None else _session(_local(t.sessions, raw))
        with self.engine.connect() as conn:
            row = conn.execute(_SESSION_IF_ENABLED, {"digest": id_hash}).first()
        return None if row is None else _session(row)

    def token_by_hash(self, token_hash: str) -> TokenRow | None:
        """The token whose secret has this digest."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.tokens).where(t.tokens.c.hash == token_hash)).first()
        return _token(row) if row else None

    def tokens_of(self, person_id: str) -> list[TokenRow]:
        """Every token of a person, newest first."""
        query = (
            select(t.tokens)
            .where(t.tokens.c.person_id == person_id)
            .order_by(t.tokens.c.created_at.desc(), t.tokens.c.id.desc())
        )
        with self.engine.connect() as conn:
            return [_token(row) for row in conn.execute(query)]

    def revoke_token(self, token_id: str, person_id: str, now: datetime) -> bool:
        """Revoke a live token of ``person_id``; False when there is no such live token."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t.tokens)
                .where(
                    t.tokens.c.id == token_id,
                    t.tokens.c.person_id == person_id,
                    t.tokens.c.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
        return done.rowcount == 1

    def touch_token(self, token_id: str, now: datetime) -> None:
        """Record use of a token."""
        with self.engine.begin() as conn:
            conn.execute(update(t.tokens).where(t.tokens.c.id == token_id).values(last_used_at=now))
