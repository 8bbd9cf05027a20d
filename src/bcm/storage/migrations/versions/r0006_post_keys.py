"""Idempotency keys stored with the items they produced (``post_keys``), not as claims.

Revision ID: r0006
Revises: r0005
Create Date: 2026-11-26

Until now a key was claimed in ``api_idempotency`` (on the auth engine) before the post and
completed after it, in a second transaction: a server dying between the two left a claim
without an item, which a retry had to answer with 409 (outcome unknown). The key is now
written in the item's own transaction, so it exists exactly when its item does. Completed
claims are carried over; claims without an item are dropped (their posts never committed,
or their outcome was already unknown).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "r0006"
down_revision = "r0005"
branch_labels = None
depends_on = None

OLD = sa.table(
    "api_idempotency",
    sa.column("person_id", sa.String),
    sa.column("key", sa.String),
    sa.column("fingerprint", sa.String),
    sa.column("item_id", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
NEW = sa.table(
    "post_keys",
    sa.column("person", sa.String),
    sa.column("key", sa.String),
    sa.column("fingerprint", sa.String),
    sa.column("item", sa.String),
    sa.column("created_at", sa.String),
)


def _text(when: datetime) -> str:
    # the data plane's time text (bcm.storage.chain.format_time), spelled out: a migration
    # must not change when the code it would import does
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def upgrade() -> None:
    """Create ``post_keys``, carry completed claims over, drop ``api_idempotency``."""
    op.create_table(
        "post_keys",
        sa.Column("person", sa.String(36), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("item", sa.String(36), nullable=False),
        sa.Column("created_at", sa.String(27), nullable=False),
        sa.PrimaryKeyConstraint("person", "key"),
    )
    bind = op.get_bind()
    if "api_idempotency" not in sa.inspect(bind).get_table_names():
        return
    done = bind.execute(sa.select(OLD).where(OLD.c.item_id.is_not(None))).all()
    rows = [
        {
            "person": r.person_id,
            "key": r.key,
            "fingerprint": r.fingerprint,
            "item": r.item_id,
            "created_at": _text(r.created_at),
        }
        for r in done
    ]
    if rows:
        bind.execute(NEW.insert(), rows)
    op.drop_table("api_idempotency")


def downgrade() -> None:
    """Back to claims (every key completed)."""
    op.create_table(
        "api_idempotency",
        sa.Column("person_id", sa.String(36), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("person_id", "key"),
    )
    bind = op.get_bind()
    keys = bind.execute(sa.select(NEW)).all()
    rows = [
        {
            "person_id": r.person,
            "key": r.key,
            "fingerprint": r.fingerprint,
            "item_id": r.item,
            "created_at": datetime.strptime(r.created_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
                tzinfo=UTC
            ),
        }
        for r in keys
    ]
    if rows:
        bind.execute(OLD.insert(), rows)
    op.drop_table("post_keys")
