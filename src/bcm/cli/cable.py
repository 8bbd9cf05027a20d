"""``bcm cable``: parse, view, render and lint telegrams the caller already holds.

Contract (issue #3; others script against it):
  parse --json FILE...   one JSON object per file, in input order (JSON Lines); a file that
                         cannot be parsed at all gives {"file", "error"} and exit 1 at the end
  view FILE --nationality CCC --level LEVEL [--compartment X]...   the per-reader view, exit 0
  render FILE.json       one object in the parse --json shape -> telegram text
  lint FILE...           one "FILE: warning" line per finding; exit 1 when there is any
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from bcm.cables import (
    Telegram,
    banner,
    from_json,
    lint,
    message_id,
    parse,
    render,
    render_view,
    rollup,
    to_json,
    view,
)
from bcm.errors import BcmError, InvalidInput
from bcm.markings import Clearance, Level


def _read(path: str) -> Telegram:
    """Parse one file; every failure is a BcmError naming the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise InvalidInput(path, f"a readable file ({error.strerror})") from None
    if b"\x00" in data:
        raise InvalidInput(path, "a text file, not binary data")
    return parse(data.decode("utf-8", errors="replace"))


@click.group("cable")
def cable() -> None:
    """Formal messages (telegrams): parse, per-reader view, render, lint."""


@cable.command("parse")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (JSON Lines).")
@click.argument("files", nargs=-1, required=True)
@click.pass_context
def parse_command(ctx: click.Context, as_json: bool, files: tuple[str, ...]) -> None:
    """Parse telegram files; without --json print a one-line summary per file."""
    failed = False
    for path in files:
        try:
            message = _read(path)
        except BcmError as error:
            failed = True
            out: dict[str, Any] = {"file": path, "error": str(error)}
            click.echo(
                json.dumps(out, ensure_ascii=False) if as_json else f"{path}: error: {error}"
            )
            continue
        if as_json:
            click.echo(json.dumps({"file": path, **to_json(message)}, ensure_ascii=False))
        else:
            click.echo(
                f"{path}: {message_id(message) or '-'} banner {banner(message) or '-'} "
                f"rollup {rollup(message) or '-'}, {len(message.paragraphs)} paragraphs, "
                f"{len(message.warnings)} warnings"
            )
    if failed:
        ctx.exit(1)


@cable.command("view")
@click.argument("file")
@click.option("--nationality", required=True, help="The reader's nationality (trigraph).")
@click.option("--level", required=True, help="The reader's clearance level.")
@click.option("--compartment", "compartments", multiple=True, help="A compartment held.")
def view_command(file: str, nationality: str, level: str, compartments: tuple[str, ...]) -> None:
    """Print what a reader with this clearance may see of FILE."""
    clearance = Clearance(
        nationality=nationality.upper(),
        level=Level.parse(level),
        compartments=frozenset(c.upper() for c in compartments),
    )
    click.echo(render_view(view(_read(file), clearance)), nl=False)


@cable.command("render")
@click.argument("file")
def render_command(file: str) -> None:
    """Print the telegram text of FILE, one object in the parse --json shape."""
    try:
        data = json.loads(Path(file).read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInput(file, f"a readable file ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(file, f"one JSON object ({error})") from None
    click.echo(render(from_json(data)), nl=False)


@cable.command("lint")
@click.argument("files", nargs=-1, required=True)
@click.pass_context
def lint_command(ctx: click.Context, files: tuple[str, ...]) -> None:
    """Print the consistency findings of each file; exit 1 when there is any."""
    found = False
    for path in files:
        try:
            findings = lint(_read(path))
        except BcmError as error:
            findings = [f"error: {error}"]
        for finding in findings:
            click.echo(f"{path}: {finding}")
        found = found or bool(findings)
    if found:
        ctx.exit(1)
