"""Authentication state and API idempotency keys (tables of ``bcm.auth.tables``).

Revision ID: r0002
Revises: r0001
Create Date: 2026-11-26

Owned by the web/auth side; written out in full like r0001. ``bcm init --reset`` drops the
storage schema's tables and the version table only, so tables of an earlier installation may
still be here when this runs again: they are dropped first (their rows named people of the
erased installation).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None

TABLES = ("api_idempotency", "auth_tokens", "auth_sessions", "auth_accounts")
TIME = sa.DateTime(timezone=True)
PERSON = sa.String(36)


def upgrade() -> None:
    """Create the auth tables (replacing stale ones left by a reset)."""
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name in TABLES:
        if name in existing:
            op.drop_table(name)
    op.create_table(
        "auth_accounts",
        sa.Column("person_id", PERSON, primary_key=True),
        sa.Column("password_hash", sa.Text, nullable=True),
        sa.Column("totp_secret", sa.String(64), nullable=True),
        sa.Column("totp_pending", sa.String(64), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger, nullable=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("first_failure_at", TIME, nullable=True),
        sa.Column("locked_until", TIME, nullable=True),
        sa.Column("disabled_at", TIME, nullable=True),
        sa.Column("updated_at", TIME, nullable=False),
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("person_id", PERSON, nullable=False, index=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_seen_at", TIME, nullable=False),
        sa.Column("ended_at", TIME, nullable=True),
        sa.Column("end_reason", sa.String(200), nullable=True),
    )
    op.create_table(
        "auth_tokens",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("person_id", PERSON, nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("expires_at", TIME, nullable=False),
        sa.Column("revoked_at", TIME, nullable=True),
        sa.Column("last_used_at", TIME, nullable=True),
    )
    op.create_table(
        "api_idempotency",
        sa.Column("person_id", PERSON, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(36), nullable=True),
        sa.Column("created_at", TIME, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "key"),
    )


def downgrade() -> None:
    """Drop the auth tables."""
    for name in TABLES:
        op.drop_table(name)
