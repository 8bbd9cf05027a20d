"""Item rows edited into shapes the services never store — paragraphs that are not JSON, or
not (mark, text) pairs, text that is not text — are named like any other edited item, not
reported as an internal error; the digest shortcut for items without paragraphs hashes
exactly what ``content_digest`` hashes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from bcm.audit.items import MALFORMED, _content
from bcm.audit.verify import verify_database
from bcm.domain.audit import content_digest
from tests.audit import world
from tests.audit.conftest import ENGINES, Copies


@given(st.text())
def test_the_shortcut_is_the_digest_of_the_text_alone(body: str) -> None:
    assert _content(body, "[]") == _content(body, "") == content_digest(body, [])


def test_paragraphs_are_digested_as_the_services_digest_them() -> None:
    stored = '[["(S//NF)", "a"], ["(U)", "b"]]'
    assert _content("t", stored) == content_digest("t", [("(S//NF)", "a"), ("(U)", "b")])


@pytest.mark.parametrize(
    "paragraphs", ["[", "[1]", '[["(U)"]]', "[[1, 2]]", '"text"', "{}", '["ab"]', '[["a","b","c"]]']
)
def test_malformed_paragraphs_cannot_be_digested(paragraphs: str) -> None:
    assert _content("t", paragraphs) == MALFORMED


def test_text_that_is_not_text_cannot_be_digested() -> None:
    assert _content(b"hi", "[]") == MALFORMED  # type: ignore[arg-type]


def _edit_first_item(copy: world.Copy, assignment: str) -> tuple[str, int]:
    """Apply ``assignment`` to the first item; its id and the seq of its item.post record."""
    engine = world.connect(copy.url)
    try:
        with engine.begin() as conn:
            ident = conn.execute(text("SELECT id FROM items ORDER BY seq LIMIT 1")).scalar()
            conn.execute(text(f"UPDATE items SET {assignment} WHERE id = :i"), {"i": ident})
            posted = conn.execute(
                text("SELECT seq FROM audit WHERE action = 'item.post' AND target = :i"),
                {"i": ident},
            ).scalar()
    finally:
        engine.dispose()
    return str(ident), int(str(posted))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("paragraphs", ["[", '[["(U)"]]', "[[1, 2]]"])
def test_paragraphs_edited_out_of_shape_name_the_item(
    engine: str, paragraphs: str, copies: Copies
) -> None:
    copy = copies(engine)
    ident, posted = _edit_first_item(copy, f"paragraphs = '{paragraphs}'")
    report = verify_database(copy.url, key_file=copy.key_file)
    assert report.problem is not None
    assert report.problem.seq == posted
    assert ident in report.problem.reason


def test_text_that_is_not_text_names_the_item(copies: Copies) -> None:
    copy = copies("sqlite")
    ident, posted = _edit_first_item(copy, "text = x'6869'")  # a blob: SQLite keeps it one
    report = verify_database(copy.url, key_file=copy.key_file)
    assert report.problem is not None
    assert (report.problem.seq, ident in report.problem.reason) == (posted, True)
