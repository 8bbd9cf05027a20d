"""The data plane's first schema: structure, clearances, bodies, items, audit.

Revision ID: r0001
Revises:
Create Date: 2026-11-26

Written out in full (not ``metadata.create_all``) so that later changes to ``schema.py`` go
into new revisions; ``tests/storage/test_migrations.py`` checks head equals ``schema.py``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(36)
TIME = sa.String(27)


def _base() -> list[sa.Column[str]]:
    return [sa.Column("id", ID, primary_key=True), sa.Column("node", ID, nullable=False)]


def _sets(*names: str) -> list[sa.Column[str]]:
    return [sa.Column(name, sa.Text, nullable=False) for name in names]


def upgrade() -> None:
    """Create every table of the first schema."""
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "nations",
        sa.Column("code", sa.String(3), primary_key=True),
        sa.Column("node", ID, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("obligations", sa.Text, nullable=False),
    )
    op.create_table(
        "organizations",
        *_base(),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("nation", sa.String(3), sa.ForeignKey("nations.code"), nullable=False),
        sa.Column("parent", ID, sa.ForeignKey("organizations.id"), nullable=True),
    )
    op.create_table(
        "positions",
        *_base(),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("organization", ID, sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("alternate", ID, nullable=True),
        sa.Column("supervisor", ID, nullable=True),
    )
    op.create_table(
        "people",
        *_base(),
        sa.Column("login", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("nationality", sa.String(3), sa.ForeignKey("nations.code"), nullable=False),
        sa.Column("organization", ID, sa.ForeignKey("organizations.id"), nullable=False),
        *_sets("positions", "roles"),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=True),
    )
    _clearance_tables()
    _content_tables()


def _clearance_tables() -> None:
    op.create_table(
        "clearances",
        *_base(),
        sa.Column("person", ID, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("level", sa.String(4), nullable=False),
        *_sets("compartments", "groups", "authorizations"),
        sa.Column("valid_from", TIME, nullable=False),
        sa.Column("valid_until", TIME, nullable=False),
        sa.Column("granted_by", ID, nullable=False),
        sa.Column("obligations", sa.Text, nullable=False),
        sa.Column("acknowledged_at", TIME, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False),
        sa.Column("changed_at", TIME, nullable=True),
    )
    op.create_index("ix_clearances_person", "clearances", ["person"])
    op.create_table(
        "clearance_requests",
        *_base(),
        sa.Column("person", ID, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("sponsor", ID, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("level", sa.String(4), nullable=False),
        *_sets("compartments", "groups", "authorizations"),
        sa.Column("valid_until", TIME, nullable=False),
        sa.Column("justification", sa.Text, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("decided_at", TIME, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("clearance", ID, nullable=True),
    )


def _content_tables() -> None:
    op.create_table(
        "bodies",
        *_base(),
        sa.Column("key", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("ceiling", sa.Text, nullable=False),
        *_sets("member_organizations", "member_positions", "member_people"),
        sa.Column("nation", sa.String(3), nullable=True),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("created_at", TIME, nullable=True),
    )
    op.create_table(
        "items",
        *_base(),
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
        sa.Column("body", ID, sa.ForeignKey("bodies.id"), nullable=False),
        sa.Column("author", ID, sa.ForeignKey("people.id"), nullable=False),
        sa.Column("organization", ID, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("paragraphs", sa.Text, nullable=False),
        sa.Column("supersedes", ID, nullable=True),
    )
    op.create_index("ix_items_mode_body_seq", "items", ["mode", "body", "seq"])
    op.create_index("ix_items_mode_seq", "items", ["mode", "seq"])
    op.create_table(
        "audit",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("id", ID, nullable=False, unique=True),
        sa.Column("node", ID, nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor", ID, nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.Text, nullable=True),
        sa.Column("label", sa.Text, nullable=True),
        sa.Column("allowed", sa.Boolean, nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("canonical", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_audit_actor_seq", "audit", ["actor", "seq"])
    op.create_index("ix_audit_target_seq", "audit", ["target", "seq"])


def downgrade() -> None:
    """Drop everything the first schema created."""
    for table in (
        "audit",
        "items",
        "bodies",
        "clearance_requests",
        "clearances",
        "people",
        "positions",
        "organizations",
        "nations",
        "meta",
    ):
        op.drop_table(table)
