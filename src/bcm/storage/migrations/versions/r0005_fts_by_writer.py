"""SQLite's full-text index is filled by the writer, one statement per batch, not by a trigger.

Revision ID: r0005
Revises: r0004
Create Date: 2026-11-26

An FTS5 insert fired by a row trigger runs inside that row's statement savepoint, and FTS5
writes out its pending terms at every savepoint: a new index segment per item, then merges.
That cost several times the rest of an item's insert. The group-commit writer now fills
``items_fts`` itself with one ``INSERT … SELECT`` over the items a batch wrote
(``bcm.storage.fulltext.SQLITE_FILL``), with the same document as before. PostgreSQL keeps
its trigger (its cost is ordinary there).
"""

from __future__ import annotations

from alembic import op

revision = "r0005"
down_revision = "r0004"
branch_labels = None
depends_on = None

# As in r0003: an item's text and its paragraphs' text.
SQLITE_DOCUMENT = (
    "{row}.text || ' ' || coalesce((SELECT group_concat(json_extract(value, '$[1]'), ' ')"
    " FROM json_each({row}.paragraphs)), '')"
)


def upgrade() -> None:
    """Drop the SQLite insert trigger (the writer fills the index)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS items_fts_insert")


def downgrade() -> None:
    """Restore the trigger."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN "
            "INSERT INTO items_fts(rowid, document) VALUES "
            f"(new.seq, {SQLITE_DOCUMENT.format(row='new')}); END"
        )
