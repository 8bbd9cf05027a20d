"""Backend fixtures for the storage contract suite."""

from tests.storage.backends import (  # noqa: F401 - fixtures
    backend,
    make_store,
    make_url,
    pg_template,
    sqlite_template,
    store,
)
