"""Rule 9 of the verifier: the items table must be what the chain recorded. Content edited,
an item inserted or deleted, or a label changed behind the services' back is refused, naming
the audit record that no longer matches; a relabel through the services verifies."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from bcm.audit.verify import verify_database
from bcm.bootstrap import open_services
from bcm.domain.audit import content_digest
from bcm.domain.model import Mode, Role
from bcm.errors import Forbidden, InvalidInput, NotFound
from bcm.services import items, people
from bcm.services.core import Services
from tests.audit import world
from tests.audit.conftest import ENGINES, Copies
from tests.audit.world import Copy


def _sql(copy: Copy, sql: str, **params: object) -> object:
    """Run one statement directly on the database (as an attacker would); its first value."""
    engine = world.connect(copy.url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return result.scalar() if result.returns_rows else None
    finally:
        engine.dispose()


def _post_seq(copy: Copy, item: str) -> int:
    sql = "SELECT seq FROM audit WHERE action = 'item.post' AND target = :t"
    return int(str(_sql(copy, sql, t=item)))


def _an_item(copy: Copy) -> str:
    return str(_sql(copy, "SELECT id FROM items ORDER BY seq LIMIT 1"))


def _tamper(copy: Copy, sql: str, **params: object) -> None:
    _sql(copy, sql, **params)


def test_the_digest_covers_text_and_paragraphs() -> None:
    base = content_digest("t", [("(S//NF)", "a")])
    assert base == content_digest("t", [("(S//NF)", "a")])
    assert base != content_digest("t ", [("(S//NF)", "a")])
    assert base != content_digest("t", [("(C)", "a")])
    assert base != content_digest("t", [("(S//NF)", "b")])
    assert base != content_digest("t", [])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("text", "the launch was cancelled"),
        ("label", "UNCLASSIFIED"),
        ("body", None),  # filled in below: another body's id
        ("paragraphs", json.dumps([["(U)", "inserted"]])),
        ("mode", "exercise"),
    ],
)
def test_an_item_edited_in_the_database_is_named(
    engine: str, column: str, value: str | None, copies: Copies
) -> None:
    copy = copies(engine)
    item = _an_item(copy)
    if column == "body":
        _tamper(copy, "UPDATE items SET body = (SELECT id FROM bodies WHERE key = 'jcg-technical')"
                " WHERE id = :i", i=item)  # fmt: skip
    else:
        _tamper(copy, f"UPDATE items SET {column} = :v WHERE id = :i", v=value, i=item)
    report = verify_database(copy.url, key_file=copy.key_file)
    assert report.problem is not None
    assert report.problem.seq == _post_seq(copy, item)
    assert item in report.problem.reason


@pytest.mark.parametrize("engine", ENGINES)
def test_an_item_deleted_from_the_database_is_named(engine: str, copies: Copies) -> None:
    copy = copies(engine)
    item = _an_item(copy)
    _tamper(copy, "DELETE FROM items WHERE id = :i", i=item)
    report = verify_database(copy.url, key_file=copy.key_file)
    assert report.problem is not None
    assert report.problem.seq == _post_seq(copy, item)


@pytest.mark.parametrize("engine", ENGINES)
def test_an_item_inserted_in_the_database_is_refused(engine: str, copies: Copies) -> None:
    copy = copies(engine)
    item = _an_item(copy)
    _tamper(
        copy,
        "INSERT INTO items (id, node, seq, body, author, organization, label, mode, created_at,"
        " text, paragraphs, supersedes) SELECT 'forged', node, seq + 100000, body, author,"
        " organization, label, mode, created_at, 'forged', paragraphs, NULL FROM items"
        " WHERE id = :i",
        i=item,
    )
    report = verify_database(copy.url, key_file=copy.key_file)
    assert report.problem is not None
    assert "forged" in report.problem.reason


@pytest.mark.parametrize("engine", ENGINES)
def test_a_relabel_through_the_services_verifies(engine: str, copies: Copies) -> None:
    copy = copies(engine)
    services = open_services(copy.url)
    try:
        relabeled = _relabel_one(services)
    finally:
        services.close()
    assert _sql(copy, "SELECT label FROM items WHERE id = :i", i=relabeled) == "TOP SECRET//NOFORN"
    assert verify_database(copy.url).problem is None


def _relabel_one(services: Services) -> str:
    """Relabel the first item the classification authority may relabel; returns its id."""
    authority = next(
        p.id for p in services.run(people.list_people) if p.has_role(Role.CLASSIFICATION_AUTHORITY)
    )
    everything = services.run(lambda tx: tx.uow.list_items(body=None, mode=Mode.REAL_WORLD))
    for item in everything:
        try:
            services.run(
                items.relabel_item,
                item.id,
                actor=authority,
                label="TOP SECRET//NOFORN",
                reason="review",
            )
        except (NotFound, InvalidInput, Forbidden):
            continue
        return str(item.id)
    raise AssertionError("no item the classification authority may relabel")
