"""``bcm search --as LOGIN QUERY``: full-text search over the items LOGIN may read (the
count, the results and their snippets never reflect anything else); the search is audited."""

from __future__ import annotations

from typing import Any

import click

from bcm.cli.dataplane import actor_id, as_option, database_option, emit, json_option, services_for
from bcm.services.search import SearchResult, search_items


@click.command("search")
@click.argument("query")
@as_option
@click.option("--limit", default=20, type=int, help="how many results to show (1-1000)")
@database_option
@json_option
def search(query: str, login: str, limit: int, database: str | None, as_json: bool) -> None:
    """Search the items you may read for every word of QUERY."""
    with services_for(database) as services:
        found = services.run(search_items, query, actor=actor_id(services, login), limit=limit)
    emit(as_json, _json(found), lambda: _text(found))


def _json(found: SearchResult) -> dict[str, Any]:
    hits = [
        {
            "id": h.item.id,
            "seq": h.item.seq,
            "body": h.item.body,
            "label": h.item.label,
            "created_at": h.item.created_at.isoformat(),
            "snippet": h.snippet,
        }
        for h in found.hits
    ]
    return {"query": found.query, "terms": list(found.terms), "count": found.count, "hits": hits}


def _text(found: SearchResult) -> str:
    if not found.count:
        return f"no results for {found.query!r}"
    shown = len(found.hits)
    lines = [
        f"{found.count} result{'s' if found.count != 1 else ''}"
        + (f" (newest {shown} shown)" if shown < found.count else "")
    ]
    for hit in found.hits:
        lines.append(f"{hit.item.seq}  {hit.item.id}  {hit.item.label}")
        lines.append(f"    {hit.snippet}")
    return "\n".join(lines)
