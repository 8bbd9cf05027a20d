"""The console's interface language, remembered per person (``auth_accounts.language``).

Revision ID: r0004
Revises: r0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0004"
down_revision = "r0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the nullable language column (no language chosen yet: the browser's decides)."""
    op.add_column("auth_accounts", sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("auth_accounts") as batch:
        batch.drop_column("language")
