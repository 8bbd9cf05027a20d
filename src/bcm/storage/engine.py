"""Engines, migrations and the database lifecycle (``bcm init``) for both SQL engines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData, create_engine, event, inspect, select
from sqlalchemy.engine import make_url

from bcm.domain.ids import new_id
from bcm.errors import Conflict, InvalidInput
from bcm.storage import schema

MIGRATIONS = Path(__file__).parent / "migrations"
# Key of the transaction-scoped PostgreSQL advisory lock that serializes appends (items and
# audit records) across server processes; see docs/data-plane.md.
APPEND_LOCK_KEY = 0x42434D01


def normalize_url(url: str) -> str:
    """Accept ``sqlite:///path`` and ``postgresql://…``; pick the drivers BCM uses."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("sqlite:///", "postgresql+psycopg://")):
        return url
    raise InvalidInput("database", "a sqlite:///PATH or postgresql://… URL")


def is_sqlite(engine: Engine) -> bool:
    """Whether ``engine`` is SQLite."""
    return engine.dialect.name == "sqlite"


def open_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, full fsync, foreign keys and explicit BEGIN."""
    normalized = normalize_url(url)
    if not normalized.startswith("sqlite"):
        return create_engine(normalized, pool_size=4, max_overflow=4, pool_pre_ping=True)
    engine = create_engine(normalized)
    event.listen(engine, "connect", _sqlite_connect)
    # pysqlite's implicit transactions break SAVEPOINT; take over BEGIN (IMMEDIATE: the
    # writer takes the write lock up front instead of failing on upgrade).
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=ON",
        "busy_timeout=10000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for other engines or in-memory SQLite)."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def migrate(engine: Engine) -> None:
    """Run the Alembic chain up to its head (the same chain for both engines)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def node_of(engine: Engine) -> str | None:
    """The node id created by ``bcm init``, or ``None`` when the database is not initialized."""
    if not inspect(engine).has_table("meta"):
        return None
    with engine.connect() as conn:
        query = select(schema.meta.c.value).where(schema.meta.c.key == "node")
        value = conn.execute(query).scalar()
    return None if value is None else str(value)


def initialize(engine: Engine, *, reset: bool = False) -> str:
    """Create the schema and this installation's node id; returns the node id.

    Refuses an existing database unless ``reset``, which drops every BCM table first.
    """
    existing = inspect(engine).get_table_names()
    if existing and not reset:
        raise Conflict("the database already holds tables; use --reset to erase it and start again")
    if existing:
        drop_everything(engine)
    migrate(engine)
    node = new_id()
    with engine.begin() as conn:
        conn.execute(schema.meta.insert(), [{"key": "node", "value": node}])
    return node


def drop_everything(engine: Engine) -> None:
    """Drop every table of the database (BCM's, other packages' and Alembic's)."""
    existing = MetaData()
    existing.reflect(engine)
    existing.drop_all(engine)
