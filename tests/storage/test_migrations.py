"""The Alembic chain creates exactly ``schema.py``, on both engines; init refuses to clobber."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bcm.errors import Conflict
from bcm.storage import schema
from bcm.storage.engine import drop_everything, initialize, node_of, open_engine
from tests.storage.backends import SQL_BACKENDS


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_migration_head_matches_the_schema(backend: str, make_url: Callable[[str], str]) -> None:
    engine = open_engine(make_url(backend))
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn)
            diff = compare_metadata(context, schema.metadata)
        # tables of other packages (auth, ...) live in the same chain; only ours are compared
        assert [d for d in diff if _table_of(d) in schema.metadata.tables] == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_initialize_refuses_an_existing_database_unless_reset(
    backend: str, make_url: Callable[[str], str]
) -> None:
    engine = open_engine(make_url(backend))
    try:
        first = node_of(engine)
        assert first is not None
        with pytest.raises(Conflict, match="--reset"):
            initialize(engine)
        assert node_of(engine) == first
        second = initialize(engine, reset=True)
        assert second != first
        assert node_of(engine) == second
        drop_everything(engine)
        assert inspect(engine).get_table_names() == []
        assert node_of(engine) is None
    finally:
        engine.dispose()


def _table_of(diff: Any) -> str:
    """The table a compare_metadata difference is about."""
    if isinstance(diff, list):  # column modifications come grouped
        return str(diff[0][2])
    obj = diff[1]
    table = getattr(obj, "table", obj)
    return str(getattr(table, "name", diff[2] if len(diff) > 2 else ""))
