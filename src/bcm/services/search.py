"""Full-text search over items, through the access policy.

The store's index finds every item of the reader's mode that matches (``fulltext``); this
service keeps exactly those the policy ``decide`` lets the reader read. Results, the count,
the snippets and "no results" are all computed from that accessible subset only, so none of
them says anything about an item the reader may not see. The search is audited like a list
read: the query, what was returned (ids and labels) and how many matches were withheld.

The policy decides a read from the item's body, label and mode (``Resource.of_item``). So
the store counts the matches per (body, label), ``decide`` — the one policy, not a second
copy of its rules — is asked once per group, the count is the sum over allowed groups, and
the store pages the newest matches among the allowed groups only; each item returned is
decided again, with the item itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcm.domain.model import Body, Item
from bcm.domain.policy import Action, Resource, Subject, decide
from bcm.errors import InvalidInput
from bcm.services.core import Tx
from bcm.services.subjects import load_subject
from bcm.storage.fulltext import WORD, MatchGroup, words

MAX_LIMIT = 1000
SNIPPET = 80


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: the item and a short excerpt around the first matching word."""

    item: Item
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchResult:
    """``count`` is the number of accessible matches; ``hits`` the newest ``limit`` of them."""

    query: str
    terms: tuple[str, ...]
    count: int
    hits: tuple[Hit, ...]


def check_query(query: str, limit: int) -> tuple[str, ...]:
    """The words to look for; a query without any word, or a bad limit, is invalid input."""
    terms = words(query)
    if not terms:
        raise InvalidInput("query", "at least one word (letters or digits)")
    if len(terms) > 32:
        raise InvalidInput("query", "at most 32 words")
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput("limit", f"a number from 1 to {MAX_LIMIT}")
    return terms


def search_items(tx: Tx, query: str, *, actor: str, limit: int = 20) -> SearchResult:
    """Items the actor may read whose text contains every word of ``query``, newest first."""
    subject = load_subject(tx, actor)
    terms = check_query(query, limit)
    groups = tx.uow.match_groups(terms, mode=subject.mode)
    allowed = _allowed_groups(tx, subject, groups)
    count = sum(g.count for g in groups if (g.body, g.label) in allowed)
    page = (
        tx.uow.search_items(terms, mode=subject.mode, among=allowed, limit=limit) if allowed else []
    )
    hits = tuple(_hits(tx, subject, page, terms))
    detail = {
        "query": query,
        "count": count,
        "returned": [[hit.item.id, hit.item.label] for hit in hits],
        "withheld": sum(g.count for g in groups) - count,
        "mode": subject.mode.value,
    }
    tx.audit(subject.person.id, "item.search", None, allowed=True, detail=detail)
    return SearchResult(query, terms, count, hits)


def _allowed_groups(tx: Tx, subject: Subject, groups: list[MatchGroup]) -> set[tuple[str, str]]:
    """The (body, label) pairs the policy lets the subject read."""
    bodies: dict[str, Body | None] = {}
    allowed = set()
    for group in groups:
        if group.body not in bodies:
            bodies[group.body] = tx.uow.get(Body, group.body)
        body = bodies[group.body]
        if body is None:
            continue
        if decide(subject, Action.READ, Resource(body, group.label, subject.mode)).allowed:
            allowed.add((group.body, group.label))
    return allowed


def _hits(tx: Tx, subject: Subject, page: list[Item], terms: tuple[str, ...]) -> list[Hit]:
    """Each returned item decided again, with the item itself (defence in depth)."""
    hits = []
    for item in page:
        body = tx.uow.get(Body, item.body)
        if body is not None and decide(subject, Action.READ, Resource.of_item(item, body)).allowed:
            hits.append(Hit(item, snippet(item, terms)))
    return hits


def snippet(item: Item, terms: tuple[str, ...]) -> str:
    """About ``SNIPPET`` characters of the item around the first matching word (paragraphs
    keep their portion mark)."""
    sources = [("", item.text)] + [(f"{p.mark} ", p.text) for p in item.paragraphs]
    wanted = set(terms)
    for prefix, content in sources:
        for position, word in _positions(content):
            if word in wanted:
                return prefix + _excerpt(content, position)
    prefix, content = next(((m, c) for m, c in sources if c), ("", ""))
    return prefix + _excerpt(content, 0)


def _positions(content: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group().casefold()) for m in WORD.finditer(content)]


def _excerpt(content: str, position: int) -> str:
    start = max(0, position - SNIPPET // 4)
    end = min(len(content), start + SNIPPET)
    flat = " ".join(content[start:end].split())
    return ("…" if start > 0 else "") + flat + ("…" if end < len(content) else "")
