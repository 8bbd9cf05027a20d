"""``bcm marking check|rollup|decide``: the marking core on the command line.

Exit codes (others script against them): 0 valid / allowed, 1 invalid marking, 2 usage
error, 3 denied (``decide``). Errors print one line each; never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

import click

from bcm.errors import MarkingError
from bcm.markings import (
    Clearance,
    Level,
    MarkingCheck,
    check_marking,
    decide,
    parse_label,
    rollup,
)

EXIT_INVALID = 1
EXIT_DENIED = 3


@click.group()
def marking() -> None:
    """Check, roll up and decide on security markings."""


def _emit(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False))


def _errors(result: MarkingCheck, prefix: str = "") -> list[dict[str, str]]:
    return [{"rule": p.rule, "message": prefix + p.message} for p in result.problems]


@marking.command()
@click.argument("text", metavar="MARKING")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def check(ctx: click.Context, text: str, as_json: bool) -> None:
    """Validate MARKING (a banner, or a portion mark in parentheses) and print its
    canonical form."""
    result = check_marking(text)
    if as_json:
        _emit({"valid": result.valid, "canonical": result.canonical, "banner": result.banner,
               "errors": _errors(result)})  # fmt: skip
    elif result.valid:
        click.echo(result.canonical)
    else:
        for problem in result.problems:
            click.echo(f"{problem.rule}: {problem.message}")
        if result.suggestion:
            click.echo(f"did you mean: {result.suggestion}", err=True)
    if not result.valid:
        ctx.exit(EXIT_INVALID)


@marking.command("rollup")
@click.argument("portions", nargs=-1, required=True, metavar="PORTION...")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def rollup_command(ctx: click.Context, portions: tuple[str, ...], as_json: bool) -> None:
    """Print the banner of a set of portion marks (parentheses optional)."""
    labels, errors = [], []
    for portion in portions:
        text = portion.strip()
        result = check_marking(text if text.startswith("(") else f"({text})")
        if result.label is None:
            errors += _errors(result, prefix=f"portion {portion!r}: ")
        else:
            labels.append(result.label)
    banner = str(rollup(labels)) if not errors else None
    if as_json:
        _emit({"banner": banner, "errors": errors})
    elif banner is not None:
        click.echo(banner)
    else:
        for error in errors:
            click.echo(f"{error['rule']}: {error['message']}")
    if errors:
        ctx.exit(EXIT_INVALID)


def _level(_ctx: click.Context, _param: click.Parameter, value: str) -> Level:
    try:
        return Level.parse(value)
    except MarkingError as error:
        raise click.BadParameter(
            "expected SECRET, S, TOP SECRET, TS, CONFIDENTIAL, C, ..."
        ) from error


def _trigraph(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return Clearance(value, Level.U).nationality
    except MarkingError as error:
        raise click.BadParameter(f"{value!r} is not an ISO 3166 trigraph") from error


@marking.command("decide")
@click.option("--nationality", required=True, callback=_trigraph, help="Reader's trigraph.")
@click.option("--level", required=True, callback=_level, help="SECRET, S, TOP SECRET, TS...")
@click.option("--compartment", multiple=True, help="SCI compartment read in (repeatable).")
@click.option("--group", multiple=True, help="Group membership such as NATO (repeatable).")
@click.option("--authorization", multiple=True, help="ORCON, NODIS, SAR-BP... (repeatable).")
@click.option("--owner", callback=_trigraph, help="Owner when LABEL does not name one.")
@click.argument("label_text", metavar="LABEL")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def decide_command(
    ctx: click.Context,
    nationality: str,
    level: Level,
    compartment: tuple[str, ...],
    group: tuple[str, ...],
    authorization: tuple[str, ...],
    owner: str | None,
    label_text: str,
    as_json: bool,
) -> None:
    """May a reader with this clearance see LABEL? Exit 0 allowed, 3 denied, 1 invalid."""
    try:
        clearance = Clearance(nationality, level, compartment, group, authorization)
    except MarkingError as error:
        raise click.BadParameter(str(error)) from error
    try:
        label = parse_label(label_text, owner=owner or "USA")
    except MarkingError as error:
        _say(as_json, False, f"invalid label: {error.expected}")
        ctx.exit(EXIT_INVALID)
    decision = decide(clearance, label)
    _say(as_json, decision.allowed, decision.reason)
    ctx.exit(0 if decision.allowed else EXIT_DENIED)


def _say(as_json: bool, allowed: bool, reason: str) -> None:
    if as_json:
        _emit({"allowed": allowed, "reason": reason})
    else:
        click.echo(reason)
