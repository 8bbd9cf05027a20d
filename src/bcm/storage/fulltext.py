"""Full-text matching of items, per engine: SQLite FTS5 (``items_fts``), PostgreSQL
``tsvector`` (``items_search``), and a plain scan for the memory store — all three match the
same way: an item matches when its text or its paragraphs' text contain every query word.

Matching is *not* access: the store returns every match of the mode, and the search service
keeps what the access policy allows (``bcm.services.search``). What a word is: a run of
Unicode letters and digits, case-folded; no stemming, no accent folding (migration r0003).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from bcm.domain.model import Item, Mode

WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class ItemMatch:
    """What the index says about a matching item: enough for the access decision."""

    id: str
    seq: int
    body: str
    label: str


def words(value: str) -> tuple[str, ...]:
    """The distinct words of ``value``, case-folded, in order of first appearance."""
    return tuple(dict.fromkeys(w.casefold() for w in WORD.findall(value)))


def item_words(item: Item) -> set[str]:
    """Every word of an item's text and paragraphs (not its portion marks)."""
    found = set(words(item.text))
    for paragraph in item.paragraphs:
        found.update(words(paragraph.text))
    return found


def memory_search(items: Iterable[Item], terms: Sequence[str], mode: Mode) -> list[ItemMatch]:
    """The matches among ``items``, newest first (the memory store's index is a scan)."""
    wanted = set(terms)
    found = [i for i in items if i.mode is mode and wanted <= item_words(i)]
    found.sort(key=lambda i: i.seq, reverse=True)
    return [ItemMatch(i.id, i.seq, i.body, i.label) for i in found]


# CROSS JOIN makes SQLite drive the join from the index (it would otherwise scan the items
# of the mode and run the full-text query once per item).
_SQLITE = (
    "SELECT i.id, i.seq, i.body, i.label FROM items_fts CROSS JOIN items AS i"
    " ON i.seq = items_fts.rowid WHERE items_fts MATCH :q AND i.mode = :mode ORDER BY i.seq DESC"
)
_POSTGRES = (
    "SELECT i.id, i.seq, i.body, i.label FROM items_search AS s JOIN items AS i ON i.seq = s.seq"
    " WHERE s.document @@ to_tsquery('simple', :q) AND i.mode = :mode ORDER BY i.seq DESC"
)


def sql_search(conn: Connection, terms: Sequence[str], mode: Mode) -> list[ItemMatch]:
    """The matches in the engine's index, newest first. ``terms`` are :func:`words` output
    (letters and digits only), so quoting them is enough to keep them literal."""
    if not terms:
        return []
    if conn.dialect.name == "sqlite":
        query, expression = _SQLITE, " ".join(f'"{t}"' for t in terms)
    else:
        query, expression = _POSTGRES, " & ".join(f"'{t}'" for t in terms)
    result = conn.execute(text(query), {"q": expression, "mode": mode.value})
    return [ItemMatch(str(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in result]
