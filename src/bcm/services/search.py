"""Full-text search over items, through the access policy.

The store's index finds every item of the reader's mode that matches (``fulltext``); this
service keeps exactly those the policy ``decide`` lets the reader read. Results, the count,
the snippets and "no results" are all computed from that accessible subset only, so none of
them says anything about an item the reader may not see. The search is audited like a list
read: the query, what was returned (ids and labels) and how many matches were withheld.

The policy decides a read from the item's body, label and mode (``Resource.of_item``); the
decision is asked once per distinct (body, label) among the matches — the same ``decide``,
not a second copy of its rules — and asked again for each item returned, with the item.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcm.domain.model import Body, Item
from bcm.domain.policy import Action, Resource, Subject, decide
from bcm.errors import InvalidInput
from bcm.services.core import Tx
from bcm.services.subjects import load_subject
from bcm.storage.fulltext import WORD, ItemMatch, words

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
    matches = tx.uow.search_items(terms, mode=subject.mode)
    accessible = _accessible(tx, subject, matches)
    hits = tuple(_hits(tx, subject, accessible[:limit], terms))
    returned = [[hit.item.id, hit.item.label] for hit in hits]
    detail = {
        "query": query,
        "count": len(accessible),
        "returned": returned,
        "withheld": len(matches) - len(accessible),
        "mode": subject.mode.value,
    }
    tx.audit(subject.person.id, "item.search", None, allowed=True, detail=detail)
    return SearchResult(query, terms, len(accessible), hits)


def _accessible(tx: Tx, subject: Subject, matches: list[ItemMatch]) -> list[ItemMatch]:
    bodies: dict[str, Body | None] = {}
    allowed: dict[tuple[str, str], bool] = {}
    kept = []
    for match in matches:
        key = (match.body, match.label)
        if key not in allowed:
            if match.body not in bodies:
                bodies[match.body] = tx.uow.get(Body, match.body)
            body = bodies[match.body]
            resource = None if body is None else Resource(body, match.label, subject.mode)
            allowed[key] = resource is not None and decide(subject, Action.READ, resource).allowed
        if allowed[key]:
            kept.append(match)
    return kept


def _hits(tx: Tx, subject: Subject, matches: list[ItemMatch], terms: tuple[str, ...]) -> list[Hit]:
    hits = []
    for match in matches:
        item = tx.uow.get_item(match.id)
        body = None if item is None else tx.uow.get(Body, item.body)
        if item is None or body is None:
            continue
        if decide(subject, Action.READ, Resource.of_item(item, body)).allowed:
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
