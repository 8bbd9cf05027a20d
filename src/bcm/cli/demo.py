"""``bcm demo``: a printed tour of the marking core on the seed's portion marks, then a fresh
demo database with the exercise scenario and the server in the foreground."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from bcm.markings import Clearance, check_marking, decide, national_terms, parse_label, rollup

SEED_PORTIONS = ("(S/NF)", "(C)", "(U)")


def print_marking_tour(say: Callable[[str], object] = click.echo) -> None:
    """Print the tour: canonical forms, roll-up, and two readers' decisions."""
    say("Portion marks of the seed cable (09TOKYO445) and their canonical forms:")
    for text in SEED_PORTIONS:
        result = check_marking(text)
        say(f"  {text:<8} -> {result.canonical:<8}  banner form {result.banner}")
    labels = [parse_label(text) for text in SEED_PORTIONS]
    banner = rollup(labels)
    say(f"Roll-up of the cable's portions: {banner}")
    say(f"  in Japanese terms (EXAMPLE table, to be confirmed): {national_terms(banner, 'JPN')}")
    readers = (
        ("U.S. CONFIDENTIAL reader", Clearance("USA", "CONFIDENTIAL")),
        ("Japanese SECRET reader", Clearance("JPN", "SECRET")),
    )
    for name, clearance in readers:
        say(f"{name}:")
        for text in ("(C)", "(S/NF)", "(S//REL TO USA, JPN)"):
            decision = decide(clearance, parse_label(text))
            verdict = "allowed" if decision.allowed else "denied "
            say(f"  {text:<20} {verdict}  {decision.reason}")
    say("Try: bcm marking check '(C/REL GERMANY)'   bcm marking rollup S/NF C U")
    say("     bcm marking decide --nationality JPN --level S '(S//REL TO USA, JPN)'")


@click.command()
@click.option(
    "--database",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("bcm-demo.db"),
    show_default=True,
    help="SQLite file to (re)create for the demo.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--tour-only", is_flag=True, help="Print the marking tour and exit.")
def demo(database: Path, host: str, port: int, tour_only: bool) -> None:
    """Tour the marking core, then serve a demo database with the exercise scenario."""
    print_marking_tour()
    if tour_only:
        return
    # Imported here: the tour alone must not pay for the web stack.
    from bcm.web.console.demo_data import CONSOLE_LOGINS, seed_console_demo
    from bcm.web.demo import run_demo

    compare = [(login.login, login.who) for login in CONSOLE_LOGINS]
    run_demo(database, host=host, port=port, seed=seed_console_demo, compare=compare)
