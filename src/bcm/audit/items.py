"""Rule 9 of the verifier: the items table against what the chain recorded.

Every stored item must have its ``item.post`` record, and its seq, body, author, mode, current
label and content digest must be the recorded ones; every recorded item must be stored. The
item rows are compared as soon as part of the chain is known — when the chain is scanned by
halves, against the later half while the earlier one is still being scanned elsewhere — and
the rest once the whole chain is known. The outcome is the one a single pass in table order
would give: the first item row that fails, else the recorded item missing with the lowest seq.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import orjson

from bcm.audit.scan import ChainBroken, Posted, Row
from bcm.domain.audit import content_digest


class ItemCheck:
    """Item rows compared in two steps: :meth:`compare` with part of the chain, then
    :meth:`finish` with all of it."""

    def __init__(self) -> None:
        self.matched: set[str] = set()
        # (row index, item id, stored fields) of rows whose item was not yet known
        self.aside: list[tuple[int, str, tuple[Any, ...]]] = []
        self.first_bad: tuple[int, str] | None = None  # (row index, item id)

    def compare(self, rows: Iterable[Row], known: dict[str, Posted]) -> None:
        """Compare ``rows`` (reader.ITEM_COLUMNS order) with ``known``, what the latest
        records of the chain say about items (final: nothing later can change it)."""
        matched, aside, get = self.matched, self.aside, known.get
        for index, row in enumerate(rows):
            ident, item_seq, body, author, label, mode, text, paragraphs = row
            stored = (item_seq, body, author, mode, label, _content(text, paragraphs))
            posted = get(ident)
            if posted is None:
                aside.append((index, ident, stored))
            elif stored == posted[1]:
                matched.add(ident)
            elif self.first_bad is None:
                self.first_bad = (index, ident)

    def finish(self, posted: dict[str, Posted], expected: int) -> None:
        """Compare the rows set aside with ``posted``, what the whole chain says about items
        (``expected``: the seq after its last record), and raise the first failure."""
        bad = self.first_bad
        for index, ident, stored in self.aside:
            if bad is not None and index > bad[0]:
                break
            known = posted.get(ident)
            if known is None or stored != known[1]:
                bad = (index, ident)
                break
            self.matched.add(ident)
        if bad is not None:
            ident = bad[1]
            if ident not in posted:
                raise ChainBroken(expected, f"item {ident} has no item.post record")
            raise ChainBroken(posted[ident][0], f"item {ident} differs from what was recorded")
        missing = [seq for ident, (seq, _) in posted.items() if ident not in self.matched]
        if missing:
            raise ChainBroken(min(missing), "a recorded item is missing from the items table")


# What _content gives for content it cannot digest: never a recorded digest (those are hex).
MALFORMED = "malformed content"


def _content(text: str, paragraphs: str | None) -> str:
    """``content_digest`` of a stored item; an item without paragraphs (most of them) takes
    a shortcut that hashes the same bytes (its only part: ``<bytes>:<utf-8 text>``)."""
    if paragraphs and paragraphs != "[]":
        return _with_paragraphs(text, paragraphs)
    if type(text) is not str:  # SQLite stores any type in any column
        return MALFORMED
    encoded = text.encode("utf-8")
    return hashlib.sha256(b"%d:%b" % (len(encoded), encoded)).hexdigest()


def _with_paragraphs(text: str, paragraphs: str) -> str:
    try:
        decoded = orjson.loads(paragraphs)
    except (orjson.JSONDecodeError, TypeError):
        return MALFORMED  # edited into something the services never store
    # exactly the shape the services store: a list of [mark, text] lists of strings (an
    # object, or pairs spelled another way, would otherwise iterate into the same digest)
    if type(decoded) is not list or not all(_is_pair(p) for p in decoded):
        return MALFORMED
    try:
        return content_digest(text, [(mark, body) for mark, body in decoded])
    except (TypeError, AttributeError):  # text that is not text
        return MALFORMED


def _is_pair(value: object) -> bool:
    return (
        type(value) is list and len(value) == 2 and type(value[0]) is str and type(value[1]) is str
    )
