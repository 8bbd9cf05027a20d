"""``bcm demo``: for now a short printed tour of the marking core on the seed's portion marks.

A later issue turns ``demo`` into starting the server; it can keep calling
``print_marking_tour()``.
"""

from __future__ import annotations

from collections.abc import Callable

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
def demo() -> None:
    """A short tour of BCM (for now: the marking core on the seed's portion marks)."""
    print_marking_tour()
