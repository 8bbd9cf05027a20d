"""The auth state's own SQLAlchemy Core tables (created by an Alembic migration of the one
chain in ``bcm/storage/migrations``; ``metadata.create_all`` for throwaway test databases).

No secret is stored in the clear: passwords as argon2id hashes, sessions and API tokens as
SHA-256 digests. The TOTP seed must be usable, so it is stored as is; the database file is
protected like the audit key beside it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

accounts = Table(
    "auth_accounts",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("password_hash", Text, nullable=True),
    Column("totp_secret", String(64), nullable=True),
    Column("totp_pending", String(64), nullable=True),
    Column("totp_last_step", BigInteger, nullable=True),
    Column("failures", Integer, nullable=False, default=0),
    Column("first_failure_at", DateTime(timezone=True), nullable=True),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("disabled_at", DateTime(timezone=True), nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("language", String(8), nullable=True),  # the console's language, per person
)

sessions = Table(
    "auth_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("end_reason", String(200), nullable=True),
)

tokens = Table(
    "auth_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("hash", String(64), nullable=False, unique=True),
    Column("person_id", String(36), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
)
