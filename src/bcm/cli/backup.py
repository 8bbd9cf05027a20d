"""``bcm backup --database URL FILE`` and ``bcm restore FILE --database URL``: a consistent
snapshot while the node runs, restored into a new database and verified."""

from __future__ import annotations

from pathlib import Path

import click

from bcm.backup import backup, restore
from bcm.bootstrap import database_url
from bcm.cli.dataplane import database_option, emit, json_option


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@database_option
@json_option
def backup_command(file: Path, database: str | None, as_json: bool) -> None:
    """Write a consistent snapshot of the database to FILE (a new file)."""
    url = database_url(database)
    written = backup(url, file)
    size = written.stat().st_size
    emit(
        as_json,
        {"database": url, "file": str(written), "bytes": size},
        lambda: f"backed up {url} to {written} ({size} bytes)",
    )


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@database_option
@click.option("--key-file", default=None, help="the node's audit key, to verify anchored")
@json_option
def restore_command(file: Path, database: str | None, key_file: str | None, as_json: bool) -> None:
    """Restore FILE into a new (SQLite) or empty (PostgreSQL) database, then verify it."""
    url = database_url(database)
    done = restore(file, url, key_file=key_file)
    report = done.report
    result = {
        "database": url,
        "records": report.records,
        "verified": report.ok,
        "reason": None if report.problem is None else str(report.problem),
        "lost_after": done.lost_after,
    }
    emit(as_json, result, lambda: _text(url, done.report.records, result))
    if not report.ok:
        raise click.exceptions.Exit(1)


def _text(url: str, records: int, result: dict[str, object]) -> str:
    if not result["verified"]:
        return f"restored {url}, but {result['reason']}"
    lines = [f"restored {url}: audit chain verified ({records} records)"]
    if result["lost_after"] is not None:
        lines.append(
            f"warning: this node had signed checkpoints after seq {records}; "
            "records after it are not in the backup"
        )
    return "\n".join(lines)
