"""Full-text search over items: an FTS5 index on SQLite, a GIN-indexed tsvector on PostgreSQL.

Revision ID: r0003
Revises: r0002
Create Date: 2026-11-26

Owned by search (``bcm.storage.fulltext``). Both indexes hold an item's text and its
paragraphs' text (not the portion marks), keyed by the item's ``seq``; triggers fill them
on insert (items are never deleted, and relabeling does not change the text). The index
tables are not part of ``schema.py``: they are engine-specific and only ``fulltext`` reads
them. Tokens: Unicode letters and digits, case-folded, no stemming, no accent folding (so
both engines match the same words).
"""

from __future__ import annotations

from alembic import op

revision = "r0003"
down_revision = "r0002"
branch_labels = None
depends_on = None

SQLITE_DOCUMENT = (
    "{row}.text || ' ' || coalesce((SELECT group_concat(json_extract(value, '$[1]'), ' ')"
    " FROM json_each({row}.paragraphs)), '')"
)
POSTGRES_DOCUMENT = (
    "to_tsvector('simple', {row}.text || ' ' || coalesce((SELECT string_agg(p->>1, ' ')"
    " FROM json_array_elements({row}.paragraphs::json) AS p), ''))"
)


def upgrade() -> None:
    """Create the engine's index, its insert trigger, and index existing items."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite()
    else:
        _postgres()


def _sqlite() -> None:
    op.execute("DROP TABLE IF EXISTS items_fts")
    op.execute(
        "CREATE VIRTUAL TABLE items_fts USING fts5("
        "document, content='', tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute(
        "CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN "
        "INSERT INTO items_fts(rowid, document) VALUES "
        f"(new.seq, {SQLITE_DOCUMENT.format(row='new')}); END"
    )
    op.execute(
        "INSERT INTO items_fts(rowid, document) "
        f"SELECT seq, {SQLITE_DOCUMENT.format(row='items')} FROM items"
    )


def _postgres() -> None:
    op.execute("DROP TABLE IF EXISTS items_search")
    op.execute(
        "CREATE TABLE items_search ("
        "seq BIGINT PRIMARY KEY REFERENCES items (seq) ON DELETE CASCADE, "
        "document TSVECTOR NOT NULL)"
    )
    op.execute("CREATE INDEX ix_items_search_document ON items_search USING gin (document)")
    op.execute(
        "CREATE OR REPLACE FUNCTION bcm_items_search() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN INSERT INTO items_search (seq, document) VALUES "
        f"(NEW.seq, {POSTGRES_DOCUMENT.format(row='NEW')}); RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER items_search_insert AFTER INSERT ON items "
        "FOR EACH ROW EXECUTE FUNCTION bcm_items_search()"
    )
    op.execute(
        "INSERT INTO items_search (seq, document) "
        f"SELECT seq, {POSTGRES_DOCUMENT.format(row='items')} FROM items"
    )


def downgrade() -> None:
    """Drop the index (and on PostgreSQL its trigger and function)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS items_fts_insert")
        op.execute("DROP TABLE IF EXISTS items_fts")
    else:
        op.execute("DROP TRIGGER IF EXISTS items_search_insert ON items")
        op.execute("DROP TABLE IF EXISTS items_search")
        op.execute("DROP FUNCTION IF EXISTS bcm_items_search()")
