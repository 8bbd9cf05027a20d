"""``bcm item``: post, list, show, count and relabel items, always as a named person
(``--as LOGIN``) through the access policy; every read is audited."""

from __future__ import annotations

import click

from bcm.cli.dataplane import (
    actor_id,
    as_option,
    database_option,
    emit,
    json_option,
    services_for,
    table,
)
from bcm.domain.model import Item
from bcm.errors import InvalidInput
from bcm.services import items


@click.group("item")
def item() -> None:
    """Labeled items posted to coordination bodies."""


def split_paragraph(text: str, index: int) -> tuple[str, str]:
    """``"(S//NF) The text"`` → ``("(S//NF)", "The text")``."""
    stripped = text.strip()
    close = stripped.find(")")
    if not stripped.startswith("(") or close < 0:
        raise InvalidInput(f"--paragraph[{index}]", "a portion mark then text: '(S//NF) text'")
    return stripped[: close + 1], stripped[close + 1 :].strip()


@item.command("post")
@click.argument("body")
@click.option("--label", default=None, help="banner, e.g. 'SECRET//REL TO USA, JPN'")
@click.option("--text", default="", help="the item's text (or use --paragraph)")
@click.option("--paragraph", "paragraphs", multiple=True, help="'(S//NF) text', repeatable")
@click.option("--supersedes", default=None, help="id of the item this one corrects")
@as_option
@database_option
@json_option
def item_post(
    body: str,
    label: str | None,
    text: str,
    paragraphs: tuple[str, ...],
    supersedes: str | None,
    login: str,
    database: str | None,
    as_json: bool,
) -> None:
    """Post an item to BODY."""
    pairs = tuple(split_paragraph(p, i) for i, p in enumerate(paragraphs))
    with services_for(database) as services:
        posted = services.run(
            items.post_item,
            body,
            actor=actor_id(services, login),
            label=label,
            text=text,
            paragraphs=pairs,
            supersedes=supersedes,
        )
    emit(as_json, posted, lambda: f"posted {posted.id} (seq {posted.seq}) {posted.label}")


@item.command("list")
@click.argument("body")
@click.option("--after", "after_seq", default=0, type=int, help="only items after this seq")
@click.option("--limit", default=100, type=int)
@as_option
@database_option
@json_option
def item_list(
    body: str, after_seq: int, limit: int, login: str, database: str | None, as_json: bool
) -> None:
    """List the items of BODY you may read."""
    with services_for(database) as services:
        found = services.run(
            items.access_items_by_body,
            body,
            actor=actor_id(services, login),
            after_seq=after_seq,
            limit=limit,
        )
    rows = [[str(i.seq), i.id, i.label, _first_line(i)] for i in found]
    emit(as_json, found, lambda: table(rows))


@item.command("show")
@click.argument("item_id")
@as_option
@database_option
@json_option
def item_show(item_id: str, login: str, database: str | None, as_json: bool) -> None:
    """Show one item, if you may read it."""
    with services_for(database) as services:
        found = services.run(items.access_item_by_id, item_id, actor=actor_id(services, login))
    emit(as_json, found, lambda: render(found))


@item.command("count")
@click.argument("body")
@as_option
@database_option
@json_option
def item_count(body: str, login: str, database: str | None, as_json: bool) -> None:
    """How many items of BODY you may read."""
    with services_for(database) as services:
        count = services.run(items.count_items_by_body, body, actor=actor_id(services, login))
    emit(as_json, {"body": body, "count": count}, lambda: str(count))


@item.command("relabel")
@click.argument("item_id")
@click.option("--label", required=True)
@click.option("--reason", required=True)
@as_option
@database_option
@json_option
def item_relabel(
    item_id: str, label: str, reason: str, login: str, database: str | None, as_json: bool
) -> None:
    """Change an item's label (classification authority)."""
    with services_for(database) as services:
        updated = services.run(
            items.relabel_item, item_id, actor=actor_id(services, login), label=label, reason=reason
        )
    emit(as_json, updated, lambda: f"relabeled {updated.id}: {updated.label}")


def render(found: Item) -> str:
    """An item as text: banner, body, paragraphs with their marks, banner again."""
    lines = [found.label, f"item {found.id} seq {found.seq} ({found.mode.value})"]
    if found.supersedes:
        lines.append(f"supersedes {found.supersedes}")
    lines.append("")
    if found.paragraphs:
        lines += [f"{p.mark} {p.text}" for p in found.paragraphs]
    else:
        lines.append(found.text)
    lines += ["", found.label]
    return "\n".join(lines)


def _first_line(found: Item) -> str:
    text = found.paragraphs[0].text if found.paragraphs else found.text
    return text.splitlines()[0][:60] if text else ""
