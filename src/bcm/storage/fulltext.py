"""Full-text matching of items, per engine: SQLite FTS5 (``items_fts``), PostgreSQL
``tsvector`` (``items_search``), and a plain scan for the memory store — all three match the
same way: an item matches when its text or its paragraphs' text contain every query word.

Matching is *not* access. The search service asks, in two steps: how many items match per
(body, label) — :func:`sql_groups` — so that the access policy can decide each group once;
then the newest matching items among the groups it allowed — :func:`sql_page`. The store
never applies an access rule itself; it only filters by the (body, label) pairs the policy
already allowed. What a word is: a run of Unicode letters and digits, case-folded; no
stemming, no accent folding (migration r0003).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from bcm.domain.model import Item, Mode
from bcm.storage import codecs

WORD = re.compile(r"[^\W_]+")

# How the SQLite writer indexes the items a batch wrote (seq in [first, last]): the document
# is an item's text and its paragraphs' text, as in migration r0003 (r0005 dropped the
# trigger that did it per row).
SQLITE_FILL = (
    "INSERT INTO items_fts(rowid, document) SELECT seq, items.text || ' ' || "
    "coalesce((SELECT group_concat(json_extract(value, '$[1]'), ' ') "
    "FROM json_each(items.paragraphs)), '') FROM items WHERE seq BETWEEN ? AND ?"
)
Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class MatchGroup:
    """How many matching items one body holds at one label."""

    body: str
    label: str
    count: int


def words(value: str) -> tuple[str, ...]:
    """The distinct words of ``value``, case-folded, in order of first appearance."""
    return tuple(dict.fromkeys(w.casefold() for w in WORD.findall(value)))


def item_words(item: Item) -> set[str]:
    """Every word of an item's text and paragraphs (not its portion marks)."""
    found = set(words(item.text))
    for paragraph in item.paragraphs:
        found.update(words(paragraph.text))
    return found


# -- the memory store: a scan ------------------------------------------------------------------


def _memory_matches(items: Iterable[Item], terms: Sequence[str], mode: Mode) -> list[Item]:
    wanted = set(terms)
    return [i for i in items if i.mode is mode and wanted <= item_words(i)]


def memory_groups(items: Iterable[Item], terms: Sequence[str], mode: Mode) -> list[MatchGroup]:
    """Matches per (body, label)."""
    counts = Counter((i.body, i.label) for i in _memory_matches(items, terms, mode))
    return [MatchGroup(body, label, n) for (body, label), n in sorted(counts.items())]


def memory_page(
    items: Iterable[Item], terms: Sequence[str], mode: Mode, among: Collection[Pair], limit: int
) -> list[Item]:
    """The newest ``limit`` matches whose (body, label) is in ``among``."""
    allowed = set(among)
    found = [i for i in _memory_matches(items, terms, mode) if (i.body, i.label) in allowed]
    return sorted(found, key=lambda i: i.seq, reverse=True)[:limit]


# -- SQL --------------------------------------------------------------------------------------

# CROSS JOIN makes SQLite drive the join from the full-text index (it would otherwise scan
# the items of the mode and run the full-text query once per item); FTS5 walks its rowids
# (item seqs) newest first, so a page stops early.
_SQLITE_FROM = (
    "FROM items_fts CROSS JOIN items AS i ON i.seq = items_fts.rowid"
    " WHERE items_fts MATCH :q AND i.mode = :mode"
)
_SQLITE_NEWEST = "ORDER BY items_fts.rowid DESC"
_POSTGRES_FROM = (
    "FROM items_search AS s JOIN items AS i ON i.seq = s.seq"
    " WHERE s.document @@ to_tsquery('simple', :q) AND i.mode = :mode"
)
_POSTGRES_NEWEST = "ORDER BY i.seq DESC"


def _query(conn: Connection, terms: Sequence[str]) -> tuple[str, str, str]:
    """FROM/WHERE clause, newest-first ORDER BY, and the engine's query expression. ``terms``
    are :func:`words` output (letters and digits only): quoting keeps them literal."""
    if conn.dialect.name == "sqlite":
        return _SQLITE_FROM, _SQLITE_NEWEST, " ".join(f'"{t}"' for t in terms)
    return _POSTGRES_FROM, _POSTGRES_NEWEST, " & ".join(f"'{t}'" for t in terms)


def sql_groups(conn: Connection, terms: Sequence[str], mode: Mode) -> list[MatchGroup]:
    """Matches per (body, label), counted by the engine."""
    if not terms:
        return []
    where, _, expression = _query(conn, terms)
    sql = f"SELECT i.body, i.label, count(*) {where} GROUP BY i.body, i.label"
    result = conn.execute(text(sql), {"q": expression, "mode": mode.value})
    return [MatchGroup(str(r[0]), str(r[1]), int(r[2])) for r in result]


def sql_page(
    conn: Connection, terms: Sequence[str], mode: Mode, among: Collection[Pair], limit: int
) -> list[Item]:
    """The newest ``limit`` matches whose (body, label) is one of ``among``."""
    if not terms or not among:
        return []
    where, newest, expression = _query(conn, terms)
    params: dict[str, Any] = {"q": expression, "mode": mode.value, "limit": limit}
    pairs = []
    for n, (body, label) in enumerate(sorted(among)):
        pairs.append(f"(i.body = :b{n} AND i.label = :l{n})")
        params[f"b{n}"], params[f"l{n}"] = body, label
    sql = f"SELECT i.* {where} AND ({' OR '.join(pairs)}) {newest} LIMIT :limit"
    return [codecs.item_of(r) for r in conn.execute(text(sql), params).mappings()]
