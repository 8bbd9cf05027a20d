"""Storage: one port (``port``), a memory adapter and SQL adapters (SQLite, PostgreSQL)."""
