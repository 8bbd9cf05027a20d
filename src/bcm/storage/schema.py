"""The relational schema, shared by SQLite and PostgreSQL (SQLAlchemy Core).

Conventions: identifiers are UUIDv7 text; every record has ``node``; times are fixed-width
ISO-8601 UTC text (``2026-02-20T09:00:00.000000Z``), identical on both engines and ordered
as text; labels are canonical banner text; small sets (roles, compartments, membership
lists, paragraphs) are JSON text with sorted keys. The Alembic chain in ``migrations/``
creates exactly this (a test compares them).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

ID = String(36)
TIME = String(27)


def _id() -> Column[str]:
    return Column("id", ID, primary_key=True)


def _node() -> Column[str]:
    return Column("node", ID, nullable=False)


meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

nations = Table(
    "nations",
    metadata,
    Column("code", String(3), primary_key=True),
    _node(),
    Column("name", Text, nullable=False),
    Column("obligations", Text, nullable=False),
)

organizations = Table(
    "organizations",
    metadata,
    _id(),
    _node(),
    Column("key", String(100), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("nation", String(3), ForeignKey("nations.code"), nullable=False),
    Column("parent", ID, ForeignKey("organizations.id"), nullable=True),
)

positions = Table(
    "positions",
    metadata,
    _id(),
    _node(),
    Column("key", String(100), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("organization", ID, ForeignKey("organizations.id"), nullable=False),
    Column("alternate", ID, nullable=True),
    Column("supervisor", ID, nullable=True),
)

people = Table(
    "people",
    metadata,
    _id(),
    _node(),
    Column("login", String(100), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("nationality", String(3), ForeignKey("nations.code"), nullable=False),
    Column("organization", ID, ForeignKey("organizations.id"), nullable=False),
    Column("positions", Text, nullable=False),
    Column("roles", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("created_at", TIME, nullable=True),
)

clearances = Table(
    "clearances",
    metadata,
    _id(),
    _node(),
    Column("person", ID, ForeignKey("people.id"), nullable=False, index=True),
    Column("level", String(4), nullable=False),
    Column("compartments", Text, nullable=False),
    Column("groups", Text, nullable=False),
    Column("authorizations", Text, nullable=False),
    Column("valid_from", TIME, nullable=False),
    Column("valid_until", TIME, nullable=False),
    Column("granted_by", ID, nullable=False),
    Column("obligations", Text, nullable=False),
    Column("acknowledged_at", TIME, nullable=True),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text, nullable=False),
    Column("changed_at", TIME, nullable=True),
)

clearance_requests = Table(
    "clearance_requests",
    metadata,
    _id(),
    _node(),
    Column("person", ID, ForeignKey("people.id"), nullable=False),
    Column("sponsor", ID, ForeignKey("people.id"), nullable=False),
    Column("level", String(4), nullable=False),
    Column("compartments", Text, nullable=False),
    Column("groups", Text, nullable=False),
    Column("authorizations", Text, nullable=False),
    Column("valid_until", TIME, nullable=False),
    Column("justification", Text, nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", ID, nullable=True),
    Column("decided_at", TIME, nullable=True),
    Column("reason", Text, nullable=False),
    Column("clearance", ID, nullable=True),
)

bodies = Table(
    "bodies",
    metadata,
    _id(),
    _node(),
    Column("key", String(100), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("ceiling", Text, nullable=False),
    Column("member_organizations", Text, nullable=False),
    Column("member_positions", Text, nullable=False),
    Column("member_people", Text, nullable=False),
    Column("nation", String(3), nullable=True),
    Column("stage", String(32), nullable=True),
    Column("created_at", TIME, nullable=True),
)

items = Table(
    "items",
    metadata,
    _id(),
    _node(),
    Column("seq", BigInteger, nullable=False, unique=True),
    Column("body", ID, ForeignKey("bodies.id"), nullable=False),
    Column("author", ID, ForeignKey("people.id"), nullable=False),
    Column("organization", ID, nullable=False),
    Column("label", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("created_at", TIME, nullable=False),
    Column("text", Text, nullable=False),
    Column("paragraphs", Text, nullable=False),
    Column("supersedes", ID, nullable=True),
)
Index("ix_items_mode_body_seq", items.c.mode, items.c.body, items.c.seq)
Index("ix_items_mode_seq", items.c.mode, items.c.seq)

audit = Table(
    "audit",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", ID, nullable=False, unique=True),
    _node(),
    Column("at", TIME, nullable=False),
    Column("actor", ID, nullable=True),
    Column("action", String(64), nullable=False),
    Column("target", Text, nullable=True),
    Column("label", Text, nullable=True),
    Column("allowed", Boolean, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Column("canonical", LargeBinary, nullable=False),
)
Index("ix_audit_actor_seq", audit.c.actor, audit.c.seq)
Index("ix_audit_target_seq", audit.c.target, audit.c.seq)

# Idempotency keys of item posts (migration r0006): written in the post's own transaction.
post_keys = Table(
    "post_keys",
    metadata,
    Column("person", ID, nullable=False),
    Column("key", String(200), nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("item", ID, nullable=False),
    Column("created_at", TIME, nullable=False),
    PrimaryKeyConstraint("person", "key"),
)
